import XCTest

/// git runs pre-commit before it decides there is nothing to commit, and for
/// `--allow-empty` and merges that bring nothing new. When the index's tree is HEAD's the
/// hook answers at once; what must still be reported with nothing staged still is: a broken
/// committed policy, an amended commit (judged against HEAD's parent), a change in the
/// index git hands the hook (`git commit PATH`, `git commit -a`) or one staged and undone.
final class NothingStagedTests: XCTestCase {
  static let badVersion = Fixtures.spec(version: "1.4")

  /// Hooks installed and a good spec committed.
  func installed() -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model")
    return repo
  }

  func assertRefusedForTheBadVersion(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(result.status, 1, result.output, file: file, line: line)
    XCTAssertTrue(
      result.stderr.contains("models/credit.yaml:3:10: error: version must be a semantic version string"),
      result.stderr, file: file, line: line)
    XCTAssertTrue(result.stderr.contains("[spec/schema]"), result.stderr, file: file, line: line)
  }

  func testNothingStagedPassesQuietly() {
    let repo = installed()
    let hook = repo.mlgit("hook", "pre-commit")
    XCTAssertEqual(hook.status, 0, hook.output)
    XCTAssertEqual(hook.stderr, "")
    XCTAssertEqual(hook.stdout, "")
    let empty = repo.git("commit", "--allow-empty", "-m", "nothing")
    XCTAssertEqual(empty.status, 0, empty.output)
    XCTAssertFalse(empty.stderr.contains("mlgit"), empty.stderr)
  }

  /// A spec committed broken with hooks skipped is not judged again by a commit that
  /// stages nothing: the staged change is judged, as when something else is staged.
  func testACommittedBrokenSpecIsNotJudgedWhenNothingIsStaged() {
    let repo = installed()
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    repo.commitFixture("broken, hooks skipped")
    let empty = repo.git("commit", "--allow-empty", "-m", "nothing")
    XCTAssertEqual(empty.status, 0, empty.output)
  }

  func testABrokenCommittedPolicyIsReportedWithNothingStaged() {
    let repo = installed()
    let breaker = repo.commitFile(".mlgit/config.yml", BrokenConfigTests.broken, "break the config")
    let head = repo.head
    let empty = repo.git("commit", "--allow-empty", "-m", "nothing")
    XCTAssertNotEqual(empty.status, 0, empty.output)
    XCTAssertEqual(repo.head, head)
    let hook = repo.mlgit("hook", "pre-commit")
    XCTAssertEqual(hook.status, 2, hook.output)
    XCTAssertTrue(hook.stderr.contains("HEAD:.mlgit/config.yml:3:1: error: "), hook.stderr)
    XCTAssertTrue(hook.stderr.contains("it was broken by \(breaker.prefix(8)) \"break the config\""), hook.stderr)
  }

  /// A policy that loads, committed under `.mlgit/`, with nothing staged: no finding.
  func testAGoodCommittedPolicyWithNothingStagedPasses() {
    let repo = installed()
    _ = repo.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\n", "strict policy")
    let hook = repo.mlgit("hook", "pre-commit")
    XCTAssertEqual(hook.status, 0, hook.output)
    XCTAssertEqual(hook.stderr, "")
  }

  /// `git commit --amend` with nothing staged records HEAD's change again, on HEAD's parent.
  func testAnAmendWithNothingStagedJudgesHeadsOwnChange() {
    let repo = installed()
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    repo.commitFixture("broken, hooks skipped")
    let head = repo.head
    assertRefusedForTheBadVersion(repo.git("commit", "--amend", "-m", "reworded"))
    XCTAssertEqual(repo.head, head)
  }

  /// `git commit PATH` hands the hook an index of its own (GIT_INDEX_FILE) while the
  /// repository's index still matches HEAD; `git commit -a` stages in the hook's index too.
  func testTheIndexGitHandsTheHookIsRead() {
    let repo = installed()
    repo.write("models/credit.yaml", Self.badVersion)
    let head = repo.head
    assertRefusedForTheBadVersion(repo.git("commit", "-m", "only this path", "models/credit.yaml"))
    assertRefusedForTheBadVersion(repo.git("commit", "-a", "-m", "all tracked"))
    XCTAssertEqual(repo.head, head)
  }

  /// Staged, then staged back as HEAD has it: the index's cache no longer holds HEAD's
  /// tree, the full check runs and finds nothing.
  func testAChangeStagedAndUndoneFindsNothing() {
    let repo = installed()
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let hook = repo.mlgit("hook", "pre-commit")
    XCTAssertEqual(hook.status, 0, hook.output)
    XCTAssertEqual(hook.stderr, "")
    // Staged for real: refused.
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    assertRefusedForTheBadVersion(repo.mlgit("hook", "pre-commit"))
  }

  /// A merge git stops on (a conflict) is committed with `git commit`, which runs
  /// pre-commit: resolved to HEAD's tree it stages nothing against HEAD, however broken
  /// the branch it merges; resolved with the branch's spec it is judged.
  func testAStoppedMergeIsJudgedAgainstHead() {
    let repo = installed()
    _ = repo.commitFile("notes.txt", "base\n", "notes")
    XCTAssertEqual(repo.git("checkout", "-q", "-b", "topic").status, 0)
    repo.write("models/credit.yaml", Self.badVersion)
    repo.write("notes.txt", "topic\n")
    repo.stage()
    repo.commitFixture("broken on topic")
    XCTAssertEqual(repo.git("checkout", "-q", "main").status, 0)
    _ = repo.commitFile("notes.txt", "main\n", "main's notes")
    let head = repo.head

    XCTAssertNotEqual(repo.git("merge", "topic").status, 0, "the notes conflict")
    XCTAssertEqual(repo.git("checkout", "HEAD", "--", ".").status, 0)
    let kept = repo.git("commit", "--no-edit")
    XCTAssertEqual(kept.status, 0, kept.output)
    XCTAssertEqual(repo.git("rev-parse", "HEAD^1").stdout, head + "\n")

    XCTAssertEqual(repo.git("reset", "-q", "--hard", head).status, 0)
    XCTAssertNotEqual(repo.git("merge", "topic").status, 0, "the notes conflict")
    repo.write("notes.txt", "both\n")
    repo.stage("notes.txt")
    assertRefusedForTheBadVersion(repo.git("commit", "--no-edit"))
    XCTAssertEqual(repo.head, head)
  }

  /// A repository without commits: everything staged is new.
  func testTheFirstCommitIsJudged() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Self.badVersion)
    repo.stage()
    assertRefusedForTheBadVersion(repo.git("commit", "-m", "first"))
    let hook = TempRepository()
    let empty = hook.mlgit("hook", "pre-commit")
    XCTAssertEqual(empty.status, 0, empty.output)
    XCTAssertEqual(empty.stderr, "")
  }
}
