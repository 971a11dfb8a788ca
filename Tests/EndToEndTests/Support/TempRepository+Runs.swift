import Foundation

/// Fixtures for the training-run tests: a spec with data and bounds, and a toy,
/// deterministic training script that writes metrics.json.
extension TempRepository {
  /// A bare repository beside this one's folders, and clones of it.
  static func bareRemote() -> TempRepository { TempRepository(bare: true, name: "remote.git") }

  /// Clones `remote` into a sibling folder with the test identity.
  func cloneOf(_ remote: TempRepository, name: String) -> TempRepository {
    let target = remote.root + "/" + name
    let result = Shell.run(Shell.git, ["clone", "-q", remote.path, target], in: remote.root)
    precondition(result.status == 0, "git clone failed: \(result.stderr)")
    let clone = TempRepository(existing: target, root: target)
    clone.git("config", "user.name", "Alice Author")
    clone.git("config", "user.email", "alice@example.com")
    return clone
  }

  /// Writes and commits a model with data and a training script; returns HEAD.
  @discardableResult
  func commitTrainableModel(auc: String = "0.81", extraHyperparameters: String = "", config: String? = nil) -> String {
    write("data/train.csv", "income,debt_ratio,defaulted\n1,0.2,0\n2,0.4,1\n")
    let sha = Shell.run("/usr/bin/sha256sum", ["data/train.csv"], in: path).stdout.prefix(64)
    write(
      "models/credit.yaml",
      Fixtures.spec(
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 6\n  seed: 42\n\(extraHyperparameters)",
        extra: "data:\n  train: {path: data/train.csv, sha256: \(sha)}\nvalidation:\n  metrics:\n    auc: {min: 0.78}\n"
      ))
    write(
      "train.sh",
      "#!/bin/sh\necho \"training on $(wc -l < data/train.csv) rows\"\nprintf '{\"auc\": \(auc), \"loss\": 0.25}\\n' > metrics.json\n"
    )
    _ = Shell.run("/bin/chmod", ["+x", "train.sh"], in: path)
    write(".gitignore", "metrics.json\n")
    if let config { write(".mlgit/config.yml", config) }
    stage()
    return commitFixture("model and training script")
  }

  /// The lines of the runs note on `rev`, read by stock git.
  func runLines(_ rev: String = "HEAD") -> [String] {
    git("notes", "--ref=mlgit/runs", "show", rev).stdout.split(separator: "\n").map(String.init)
  }
}
