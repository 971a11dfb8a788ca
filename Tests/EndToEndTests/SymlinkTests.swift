import Foundation
import XCTest

/// Specs, parameters files and data behind symlinks: judged by what they lead to inside
/// the commit (or the index), or refused; never skipped.
final class SymlinkTests: XCTestCase {
  static let racy = Fixtures.spec(
    features: ["income", "debt_ratio", "applicant_race"],
    hyperparameters: "  learning_rate: 0.05\n  max_depth: 60\n  seed: 42\n")
  /// `features/protected` on the third feature of `Fixtures.spec`, line 9.
  static let raceFinding = "models/credit.yaml:9:5: error: feature 'applicant_race' is the protected attribute 'race'"

  /// Makes `path` a symlink to `target` in the work tree (folders created).
  func link(_ repo: TempRepository, _ path: String, to target: String) {
    let url = URL(fileURLWithPath: repo.path).appendingPathComponent(path)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: url)
    XCTAssertNoThrow(try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target))
  }

  /// A repository whose spec is a symlink to a clean file under docs/, committed.
  func linkedRepository() -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("docs/credit.yaml", Fixtures.spec())
    link(repo, "models/credit.yaml", to: "../docs/credit.yaml")
    repo.stage()
    repo.commitFixture("a spec behind a symlink")
    return repo
  }

  // MARK: pre-commit

  func testPreCommitJudgesTheFileASymlinkedSpecLeadsTo() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "a plain spec")
    repo.write("docs/credit.yaml", SymlinkTests.racy)
    link(repo, "models/credit.yaml", to: "../docs/credit.yaml")
    repo.stage()
    let result = repo.git("commit", "-m", "the spec moves behind a symlink")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stderr.contains(SymlinkTests.raceFinding), result.stderr)
    XCTAssertTrue(result.stderr.contains("[features/protected]"), result.stderr)
    // enforce: push makes the missing approval a warning here, at the changed key.
    XCTAssertTrue(result.stderr.contains("warning: hyperparameters changed (max_depth 6 -> 60)"), result.stderr)
  }

  func testPreCommitSeesAnEditOfTheTargetAsAChangeOfTheSpec() {
    let repo = linkedRepository()
    repo.write("docs/credit.yaml", SymlinkTests.racy)
    repo.stage("docs/credit.yaml")
    let result = repo.git("commit", "-m", "only the target changes")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stderr.contains(SymlinkTests.raceFinding), result.stderr)
    XCTAssertTrue(result.stderr.contains("hyperparameters changed (max_depth 6 -> 60)"), result.stderr)
  }

  func testSymlinksThatLeaveTheRepositoryLoopOrDangleAreRefused() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    let cases: [(String, String, String)] = [
      ("models/abs.yaml", "/etc/passwd", "symlink 'models/abs.yaml' points to '/etc/passwd', outside the repository"),
      (
        "models/up.yaml", "../../outside.yaml",
        "symlink 'models/up.yaml' points to '../../outside.yaml', outside the repository"
      ),
      (
        "models/gone.yaml", "../docs/none.yaml",
        "symlink 'models/gone.yaml' leads to 'docs/none.yaml', which does not exist here"
      ),
      ("models/loop.yaml", "loop.yaml", "symlink 'models/loop.yaml' follows more than 8 symlinks (a loop?)"),
      ("models/dir.yaml", "../docs", "symlink 'models/dir.yaml' leads to the folder 'docs', not a file"),
    ]
    repo.write("docs/readme.md", "notes\n")
    for (path, target, _) in cases { link(repo, path, to: target) }
    repo.stage()
    let result = repo.git("commit", "-m", "links mlgit cannot follow")
    XCTAssertEqual(result.status, 1, result.output)
    for (path, _, message) in cases {
      XCTAssertTrue(
        result.stderr.contains("\(path):1:1: error: spec cannot be read: \(message) [spec/schema]"),
        "\(message)\n\(result.stderr)")
    }
  }

  func testASymlinkedFolderUnderTheSpecFoldersIsRefused() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("shared/credit.yaml", SymlinkTests.racy)
    link(repo, "models/shared", to: "../shared")
    repo.stage()
    let result = repo.git("commit", "-m", "specs behind a symlinked folder")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/shared:1:1: error: symlink under the spec folders cannot be judged: symlink 'models/shared' leads to the folder 'shared', not a file [spec/schema]"
      ),
      result.stderr)
  }

  func testAParametersFileBehindASymlinkIsReadThroughIt() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec(hyperparameters: "  from: params.yaml\n  key: train\n"))
    repo.write("conf/params.yaml", "train:\n  max_depth: 6\n")
    link(repo, "params.yaml", to: "conf/params.yaml")
    repo.stage()
    let base = repo.commitFixture("parameters behind a symlink")
    repo.commitFile("conf/params.yaml", "train:\n  max_depth: 60\n", "deeper, in the target only")
    let range = repo.mlgit("check", "--range", "\(base)..HEAD")
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(
      range.stdout.contains(
        "models/credit.yaml:10:9: error: hyperparameters changed (max_depth 6 -> 60, in params.yaml:2:3)"), range.stdout
    )
    XCTAssertTrue(range.stdout.contains("[hyperparameters/review]"), range.stdout)

    link(repo, "params.yaml", to: "/etc/passwd")
    repo.stage()
    let outside = repo.mlgit("check", "--staged")
    XCTAssertEqual(outside.status, 1, outside.output)
    XCTAssertTrue(
      outside.stdout.contains(
        "hyperparameters cannot be read: parameters file symlink 'params.yaml' points to '/etc/passwd', outside the repository"
      ),
      outside.stdout)
  }

  func testADataFileBehindASymlinkIsReadThroughIt() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("raw/train.csv", "income,applicant_race,defaulted\n1,2,0\n")
    link(repo, "data/train.csv", to: "../raw/train.csv")
    link(repo, "data/secret.csv", to: "/etc/shadow")
    repo.stage()
    let result = repo.mlgit("check", "--staged")
    XCTAssertTrue(result.stdout.contains("data/train.csv:1:8: warning: column 'applicant_race'"), result.stdout)
    XCTAssertTrue(
      result.stdout.contains(
        "data/secret.csv:1:1: warning: cannot read the data file's header: symlink 'data/secret.csv' points to '/etc/shadow', outside the repository [data/protected-columns]"
      ),
      result.stdout)
  }

  // MARK: history and push

  func testRangeCheckSeesAnEditOfTheTargetAsAChangeOfTheSpec() {
    let repo = linkedRepository()
    let base = repo.head
    let edit = repo.commitFile("docs/credit.yaml", SymlinkTests.racy, "only the target changes")
    let result = repo.mlgit("check", "--range", "\(base)..HEAD")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stdout.contains("\(edit.prefix(8)): \(SymlinkTests.raceFinding)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("error: hyperparameters changed (max_depth 6 -> 60)"), result.stdout)
    // Re-pointing the link at another file is judged too.
    repo.write("docs/other.yaml", SymlinkTests.racy)
    link(repo, "models/credit.yaml", to: "../docs/other.yaml")
    repo.stage()
    let moved = repo.commitFixture("the link moves")
    let again = repo.mlgit("check", moved)
    XCTAssertEqual(again.status, 1, again.output)
    XCTAssertTrue(again.stdout.contains("\(moved.prefix(8)): \(SymlinkTests.raceFinding)"), again.stdout)
  }

  func testServerRefusesASymlinkedSpecAndAnEditOfItsTarget() {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    clone.write("docs/credit.yaml", Fixtures.spec())
    link(clone, "models/credit.yaml", to: "../docs/credit.yaml")
    clone.stage()
    clone.commitFixture("a spec behind a symlink")
    let first = clone.git("push", "-q", "origin", "main")
    XCTAssertEqual(first.status, 0, first.output)

    let edit = clone.commitFile("docs/credit.yaml", SymlinkTests.racy, "only the target changes")
    let push = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("\(edit.prefix(8)): \(SymlinkTests.raceFinding)"), push.stderr)
    XCTAssertTrue(push.stderr.contains("error: hyperparameters changed (max_depth 6 -> 60)"), push.stderr)
    XCTAssertEqual(remote.revParse("main"), clone.revParse("origin/main"))

    link(clone, "models/credit.yaml", to: "/etc/passwd")
    clone.stage()
    clone.git("commit", "-q", "--amend", "--no-verify", "-m", "the spec leaves the repository")
    let outside = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(outside.status, 0, outside.output)
    XCTAssertTrue(
      outside.stderr.contains(
        "models/credit.yaml:1:1: error: spec cannot be read: symlink 'models/credit.yaml' points to '/etc/passwd', outside the repository [spec/schema]"
      ),
      outside.stderr)
  }
}
