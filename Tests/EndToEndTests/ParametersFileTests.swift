import Foundation
import XCTest

/// Specs that read their hyperparameters from a parameters file
/// (`hyperparameters: {from: params.yaml, key: train}`).
final class ParametersFileTests: XCTestCase {
  static let fromParams = Fixtures.spec(hyperparameters: "  from: params.yaml\n  key: train\n")
  static let params = "train:\n  learning_rate: 0.05\n  max_depth: 6\n  seed: 42\n"
  static let deeper = "train:\n  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"

  func installed(config: String? = nil) -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    if let config { repo.write(".mlgit/config.yml", config) }
    repo.write("models/credit.yaml", ParametersFileTests.fromParams)
    repo.write("params.yaml", ParametersFileTests.params)
    repo.stage()
    repo.commitFixture("a spec reading params.yaml")
    return repo
  }

  func testPreCommitSeesAParametersFileEditedAloneAsAnInlineEdit() {
    let repo = installed()
    repo.write("params.yaml", ParametersFileTests.deeper)
    repo.stage("params.yaml")
    let result = repo.git("commit", "-q", "-m", "deeper trees, in params.yaml only")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "warning: hyperparameters changed (max_depth 6 -> 8, in params.yaml:3:3): needs 1 approval from anyone but alice@example.com; none yet [hyperparameters/review]"
      ),
      result.stderr)
    XCTAssertTrue(result.stderr.contains("models/credit.yaml:"), result.stderr)

    // With `enforce: commit`, the commit is refused, as an inline edit is.
    let strict = installed(
      config: "apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: {severity: error, enforce: commit}\n")
    strict.write("params.yaml", ParametersFileTests.deeper)
    strict.stage("params.yaml")
    let refused = strict.git("commit", "-q", "-m", "deeper trees, in params.yaml only")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:10:9: error: hyperparameters changed (max_depth 6 -> 8, in params.yaml:3:3)"),
      refused.stderr)
    XCTAssertEqual(strict.git("rev-list", "--count", "HEAD").stdout, "1\n", "no commit may be made")

    // An edit that changes no value under the key (a comment, another key) is no change.
    let calm = installed()
    calm.write("params.yaml", "# tuned by hand\n" + ParametersFileTests.params + "evaluate:\n  folds: 5\n")
    calm.stage("params.yaml")
    let quiet = calm.git("commit", "-q", "-m", "a comment and another stage's key")
    XCTAssertEqual(quiet.status, 0, quiet.output)
    XCTAssertFalse(quiet.stderr.contains("hyperparameters/review"), quiet.stderr)
  }

  /// The hook keeps which specs name which files between runs (`.git/mlgit/spec-dependents`):
  /// kept, brought forward after a commit, damaged or planted, it sees the same changes.
  func testTheHookSeesParametersFilesWhateverItKeptBetweenRuns() {
    let repo = installed(
      config: "apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: {severity: error, enforce: commit}\n")
    let kept = repo.path + "/.git/mlgit/spec-dependents"
    func refused(_ message: String, spec: String, file: String, line: UInt = #line) {
      let result = repo.git("commit", "-q", "-m", message)
      XCTAssertEqual(result.status, 1, result.output, line: line)
      XCTAssertTrue(
        result.stderr.contains("\(spec):10:9: error: hyperparameters changed (max_depth 6 -> 8, in \(file):3:3)"),
        result.stderr, line: line)
    }

    // Run once for HEAD's tree, then again from what it kept.
    repo.write("params.yaml", ParametersFileTests.deeper)
    repo.stage("params.yaml")
    refused("deeper trees", spec: "models/credit.yaml", file: "params.yaml")
    XCTAssertTrue(FileManager.default.fileExists(atPath: kept))
    refused("deeper trees, again", spec: "models/credit.yaml", file: "params.yaml")
    repo.git("reset", "-q", "--hard")

    // A commit adds a spec reading another file: the next run brings what it kept forward.
    repo.write(
      "models/fraud.yaml", ParametersFileTests.fromParams.replacingOccurrences(of: "params.yaml", with: "fraud.yaml"))
    repo.write("fraud.yaml", ParametersFileTests.params)
    repo.stage()
    let added = repo.git("commit", "-q", "-m", "a second spec")
    XCTAssertEqual(added.status, 0, added.output)
    repo.write("fraud.yaml", ParametersFileTests.deeper)
    repo.stage("fraud.yaml")
    refused("deeper fraud trees", spec: "models/fraud.yaml", file: "fraud.yaml")

    // Damaged, or replaced by one saying no spec reads anything: still seen.
    repo.write(".git/mlgit/spec-dependents", "mlgit spec-dependents 1\nkey 0\ntree 0\nsum 0\n")
    refused("deeper fraud trees, damaged", spec: "models/fraud.yaml", file: "fraud.yaml")
    XCTAssertEqual(repo.git("status", "--porcelain", "--untracked-files=all").stdout, "M  fraud.yaml\n")
    XCTAssertEqual(repo.git("rev-list", "--count", "HEAD").stdout, "2\n", "no refused commit was made")
  }

  /// Staged checks started together, each finding nothing kept, each writing what it
  /// found: every one sees the change, and what is left is one whole file that the next
  /// run reads. A temporary file left by a killed run is never read.
  func testConcurrentStagedChecksEachSeeTheChangeAndLeaveOneWholeFile() {
    let repo = installed()
    repo.write(".git/mlgit/.spec-dependents.mlgit-tmp-99999", "left by a killed run")
    repo.write("params.yaml", ParametersFileTests.deeper)
    repo.stage("params.yaml")
    let expected = "models/credit.yaml:10:9: warning: hyperparameters changed (max_depth 6 -> 8, in params.yaml:3:3)"
    let results = ResultSlots(count: 8)
    DispatchQueue.concurrentPerform(iterations: 8) { i in results.set(i, repo.mlgit("check", "--staged")) }
    for (i, result) in results.values.enumerated() {
      XCTAssertEqual(result?.status, 0, "run \(i): \(result?.output ?? "")")
      XCTAssertTrue(result?.stdout.contains(expected) == true, "run \(i): \(result?.stdout ?? "")")
    }
    let folder = repo.path + "/.git/mlgit"
    XCTAssertEqual(
      (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted(),
      [".spec-dependents.mlgit-tmp-99999", "spec-dependents"], "no other temporary file is left")
    let again = repo.mlgit("check", "--staged")
    XCTAssertTrue(again.stdout.contains(expected), again.stdout)
  }

  func testAParametersFileOverTheSizeLimitIsReportedAsSuch() {
    let repo = installed()
    let base = repo.head
    // 1 MiB and a bit of valid YAML: the size, not the content, is the problem.
    let big = ParametersFileTests.params + "padding: \"" + String(repeating: "x", count: 1 << 20) + "\"\n"
    repo.write("params.yaml", big)
    repo.stage("params.yaml")
    let size = big.utf8.count
    let expected =
      "models/credit.yaml:10:9: error: hyperparameters cannot be read: parameters file 'params.yaml' is \(size) bytes, over mlgit's 1048576-byte limit for parameters files [spec/schema]"
    let staged = repo.mlgit("check", "--staged")
    XCTAssertEqual(staged.status, 1, staged.output)
    XCTAssertTrue(staged.stdout.contains(expected), staged.stdout)
    XCTAssertFalse(staged.stdout.contains("does not exist"), staged.stdout)
    repo.commitFixture("a huge parameters file")
    let range = repo.mlgit("check", "--range", "\(base)..HEAD")
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(range.stdout.contains(expected), range.stdout)
  }

  func testReviewFindingsPointAtTheChangedKey() {
    // Inline: the changed key's line and column, not the first hyperparameter's.
    let repo = TempRepository()
    repo.commitFile(
      "models/credit.yaml",
      Fixtures.spec(
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 6\n  optimizer:\n    name: adam\n    lr: 0.1\n"),
      "inline hyperparameters")
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  optimizer:\n    name: adam\n    lr: 0.1\n"))
    repo.stage()
    let top = repo.mlgit("check", "--staged")
    XCTAssertTrue(
      top.stdout.contains("models/credit.yaml:11:3: warning: hyperparameters changed (max_depth 6 -> 8): needs"),
      top.stdout)
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 6\n  optimizer:\n    name: adam\n    lr: 0.2\n"))
    repo.stage()
    let nested = repo.mlgit("check", "--staged")
    XCTAssertTrue(
      nested.stdout.contains(
        "models/credit.yaml:14:5: warning: hyperparameters changed (optimizer.lr 0.1 -> 0.2): needs"),
      nested.stdout)
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(hyperparameters: "  learning_rate: 0.05\n  max_depth: 6\n  optimizer:\n    name: adam\n"))
    repo.stage()
    let removed = repo.mlgit("check", "--staged")
    XCTAssertTrue(
      removed.stdout.contains("models/credit.yaml:12:3: warning: hyperparameters changed (-optimizer.lr 0.1): needs"),
      removed.stdout)

    // A parameters file: the spec's `from:` value, and the key's place in the file.
    let params = installed()
    let base = params.head
    params.commitFile("params.yaml", "train:\n  learning_rate: 0.05\n  max_depth: 6\n  seed: 7\n", "another seed")
    let range = params.mlgit("check", "--range", "\(base)..HEAD")
    XCTAssertTrue(
      range.stdout.contains(
        "models/credit.yaml:10:9: error: hyperparameters changed (seed 42 -> 7, in params.yaml:4:3): needs 1 approval"),
      range.stdout)
  }

  func testAuditListsOnlyTheModelWhoseKeyChangedInASharedParametersFile() throws {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec(hyperparameters: "  from: params.yaml\n  key: credit\n"))
    repo.write(
      "models/churn.yaml", Fixtures.spec(name: "churn", hyperparameters: "  from: params.yaml\n  key: churn\n"))
    repo.write("params.yaml", "credit:\n  max_depth: 6\nchurn:\n  max_depth: 4\n")
    repo.stage()
    let first = repo.commitFixture("two models, one parameters file")
    let tuned = repo.commitFile("params.yaml", "credit:\n  max_depth: 6\nchurn:\n  max_depth: 5\n", "churn deeper")

    let json = repo.mlgit("audit", "--format", "json")
    XCTAssertEqual(json.status, 0, json.output)
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let models = try XCTUnwrap(document["models"] as? [[String: Any]])
    func commits(_ name: String) -> [String?] {
      let model = models.first { $0["name"] as? String == name }
      return ((model?["changes"] as? [[String: Any]]) ?? []).map { $0["commit"] as? String }
    }
    XCTAssertEqual(commits("credit-risk"), [first])
    XCTAssertEqual(commits("churn"), [first, tuned])

    // The check judges only the model whose values changed.
    let range = repo.mlgit("check", "--range", "\(first)..HEAD")
    XCTAssertTrue(
      range.stdout.contains(
        "models/churn.yaml:10:9: error: hyperparameters changed (max_depth 4 -> 5, in params.yaml:4:3)"),
      range.stdout)
    XCTAssertFalse(range.stdout.contains("models/credit.yaml"), range.stdout)
    let html = repo.mlgit("audit", "--format", "html")
    XCTAssertFalse(html.stdout.contains("other fields"), html.stdout)
  }
}
