import Foundation
import XCTest

/// Every way of making a commit: the hook must judge exactly what the commit will contain.
final class CommitWaysTests: XCTestCase {
  static let badVersion = Fixtures.spec(version: "1.4")
  /// Where the bad version is reported in `badVersion`, and how.
  static let badVersionMessage =
    "3:10: error: version must be a semantic version string, found a number '1.4' [spec/schema]"

  func installed() -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    return repo
  }

  /// A repository with mlgit installed and one good spec committed.
  func withGoodSpec() -> TempRepository {
    let repo = installed()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("add credit model")
    return repo
  }

  func assertRefused(
    _ result: CommandResult, path: String = "models/credit.yaml", file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(result.status, 1, result.output, file: file, line: line)
    XCTAssertTrue(result.stderr.contains("\(path):\(Self.badVersionMessage)"), result.stderr, file: file, line: line)
    XCTAssertTrue(result.stderr.contains("mlgit: commit refused"), result.stderr, file: file, line: line)
  }

  func testCommitAllJudgesTheWorkTreeNotTheIndex() {
    let repo = withGoodSpec()
    let before = repo.head
    // Only the work tree holds the bad version: `git commit -a` would commit it.
    repo.write("models/credit.yaml", Self.badVersion)
    assertRefused(repo.git("commit", "-a", "-m", "break it"))
    XCTAssertEqual(repo.head, before)
    // The index is bad but the work tree is good: `git commit -a` commits the good one.
    repo.stage()
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.1\n"))
    let result = repo.git("commit", "-a", "-m", "tune")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertNotEqual(repo.head, before)
  }

  func testCommitWithPathsJudgesOnlyThosePaths() {
    let repo = withGoodSpec()
    let before = repo.head
    // A bad new spec is staged, but `git commit <path>` commits only the named path.
    repo.write("models/bad.yaml", Self.badVersion)
    repo.stage("models/bad.yaml")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.1\n"))
    let result = repo.git("commit", "-m", "tune credit", "models/credit.yaml")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(repo.files(), ["models/credit.yaml"], "the staged bad spec must not be committed")
    XCTAssertEqual(repo.git("diff", "--cached", "--name-only").stdout, "models/bad.yaml\n", "it stays staged")
    // And the other way round: the named path is bad while a good change is staged.
    repo.git("reset", "-q", "models/bad.yaml")
    repo.write("models/credit.yaml", Self.badVersion)
    repo.write("models/good.yaml", Fixtures.spec(name: "good"))
    repo.stage("models/good.yaml")
    assertRefused(repo.git("commit", "-m", "break credit", "models/credit.yaml"))
    XCTAssertNotEqual(repo.head, before)
  }

  func testCommitIncludeAddsThePathsToTheIndex() {
    let repo = withGoodSpec()
    repo.write("models/other.yaml", Fixtures.spec(name: "other"))
    repo.stage("models/other.yaml")
    repo.write("models/credit.yaml", Self.badVersion)
    assertRefused(repo.git("commit", "--include", "-m", "both", "models/credit.yaml"))
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.1\n"))
    let result = repo.git("commit", "-i", "-m", "both", "models/credit.yaml")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(repo.files(), ["models/credit.yaml", "models/other.yaml"])
  }

  func testAmendIsJudgedAgainstTheParentOfHEAD() {
    let repo = withGoodSpec()
    // HEAD bumps the version with its change.
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.1\n"))
    repo.stage()
    repo.commitFixture("tune")
    // Amending changes the hyperparameters again under the same new version: against
    // HEAD's parent (what the amended commit sits on) the version was bumped.
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.2\n"))
    repo.stage()
    let check = repo.mlgit("check", "--staged")
    XCTAssertTrue(
      check.stdout.contains("spec changed but its version is still 1.5.0 [spec/version-bump]"), check.stdout)
    let amendCheck = repo.mlgit("check", "--staged", "--amend")
    XCTAssertEqual(amendCheck.status, 0, amendCheck.output)
    XCTAssertFalse(amendCheck.stdout.contains("spec/version-bump"), amendCheck.stdout)
    let result = repo.git("commit", "--amend", "-m", "tune more")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertFalse(
      result.stderr.contains("spec/version-bump"), "amend judged against HEAD instead of its parent:\n\(result.stderr)")
    // A bad spec is still refused when amending.
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    let before = repo.head
    assertRefused(repo.git("commit", "--amend", "--no-edit"))
    XCTAssertEqual(repo.head, before)
  }

  func testAmendingTheRootCommit() {
    let repo = installed()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-m", "root").status, 0)
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    assertRefused(repo.git("commit", "--amend", "--no-edit"))
  }

  func testCommitFromASubfolder() {
    let repo = installed()
    repo.write("models/deep/credit.yaml", Self.badVersion)
    repo.stage()
    let result = repo.git(["commit", "-m", "from below"], in: "models/deep")
    assertRefused(result, path: "models/deep/credit.yaml")
    XCTAssertEqual(repo.mlgit(["check"], in: "models/deep").status, 1)
    repo.write("models/deep/credit.yaml", Fixtures.spec())
    repo.stage()
    XCTAssertEqual(repo.git(["commit", "-m", "from below"], in: "models/deep").status, 0)
  }

  func testCommitInALinkedWorktreeUsesTheCommonHooks() {
    let repo = withGoodSpec()
    let worktree = repo.root + "/linked"
    XCTAssertEqual(repo.git("worktree", "add", "-q", "-b", "feature", worktree).status, 0)
    XCTAssertTrue(FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
    try? Data(Self.badVersion.utf8).write(to: URL(fileURLWithPath: worktree + "/models/credit.yaml"))
    let bad = Shell.run(Shell.git, ["commit", "-a", "-m", "break"], in: worktree)
    assertRefused(bad)
    try? Data(Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.1\n").utf8)
      .write(to: URL(fileURLWithPath: worktree + "/models/credit.yaml"))
    let good = Shell.run(Shell.git, ["commit", "-a", "-m", "tune"], in: worktree)
    XCTAssertEqual(good.status, 0, good.output)
    // Installing from the worktree writes to the same common hooks folder.
    let again = Shell.run(Shell.mlgit, ["install"], in: worktree)
    XCTAssertTrue(
      again.stdout.contains("\(repo.path)/.git/hooks/pre-commit is up to date") || again.stdout.contains("up to date"),
      again.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/linked/hooks"))
  }

  func testExplicitGitDirAndWorkTree() {
    let repo = installed()
    let elsewhere = repo.root + "/elsewhere"
    try? FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    repo.write("models/credit.yaml", Self.badVersion)
    let bad = Shell.run(Shell.git, ["--git-dir=../repo/.git", "--work-tree=../repo", "add", "-A"], in: elsewhere)
    XCTAssertEqual(bad.status, 0, bad.output)
    assertRefused(
      Shell.run(Shell.git, ["--git-dir=../repo/.git", "--work-tree=../repo", "commit", "-m", "x"], in: elsewhere))
    let check = Shell.run(
      Shell.mlgit, ["check"], in: elsewhere, environment: ["GIT_DIR": "../repo/.git", "GIT_WORK_TREE": "../repo"])
    XCTAssertEqual(check.status, 1, check.output)
    repo.write("models/credit.yaml", Fixtures.spec())
    let absolute = ["--git-dir=\(repo.path)/.git", "--work-tree=\(repo.path)"]
    XCTAssertEqual(Shell.run(Shell.git, absolute + ["add", "-A"], in: elsewhere).status, 0)
    let good = Shell.run(Shell.git, absolute + ["commit", "-m", "x"], in: elsewhere)
    XCTAssertEqual(good.status, 0, good.output)
  }

  func testFirstCommitOfARepository() {
    let repo = installed()
    XCTAssertEqual(repo.mlgit("check").status, 0, "nothing staged in an empty repository")
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    assertRefused(repo.git("commit", "-m", "first"))
    XCTAssertEqual(repo.git("rev-parse", "--verify", "-q", "HEAD").status, 1)
  }

  func testNoVerifySkipsTheHook() {
    let repo = installed()
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    XCTAssertEqual(repo.git("commit", "--no-verify", "-m", "skip").status, 0)
  }
}
