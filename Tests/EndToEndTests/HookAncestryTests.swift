import Foundation
import XCTest

/// The hook finds the `git` command that runs it (to see `git commit --amend`, which git
/// does not tell a pre-commit hook) by walking /proc up from its parent.
final class HookAncestryTests: XCTestCase {
  /// A hook that reaches mlgit through processes of its own (as hook managers do), without
  /// MLGIT_GIT_PID: mlgit walks /proc up to git to see the amend, past a process whose
  /// name holds a space and a parenthesis (/proc/PID/stat quotes it unescaped).
  func testAnAmendIsSeenThroughProcessesBetweenGitAndMLGit() throws {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    repo.commitFixture("broken, hooks skipped")
    let shell = repo.path + "/.git/odd) sh"
    // A copy of the shell under that name (/bin/sh itself is often a relative symlink).
    try FileManager.default.copyItem(
      atPath: URL(fileURLWithPath: "/bin/sh").resolvingSymlinksInPath().path, toPath: shell)
    repo.write(
      ".git/hooks/pre-commit",
      """
      #!/bin/sh
      unset MLGIT_GIT_PID
      "$(dirname "$0")/../odd) sh" -c '"$0" hook pre-commit; exit $?' '\(Shell.mlgit)'

      """)
    XCTAssertEqual(chmod(repo.path + "/.git/hooks/pre-commit", 0o755), 0)
    let head = repo.head
    let amend = repo.git("commit", "--amend", "-m", "reworded")
    XCTAssertEqual(amend.status, 1, amend.output)
    XCTAssertTrue(
      amend.stderr.contains("models/credit.yaml:3:10: error: version must be a semantic version string"), amend.stderr)
    XCTAssertTrue(amend.stderr.contains("[spec/schema]"), amend.stderr)
    XCTAssertEqual(repo.head, head)
    XCTAssertEqual(repo.git("commit", "--allow-empty", "-m", "on top").status, 0)
  }

  /// Run by hand (no GIT_INDEX_FILE, which `git commit` gives its pre-commit hook, and no
  /// MLGIT_GIT_PID from mlgit's hook script), the hook reads no process's /proc files: no
  /// git command line applies. It still judges the staged change.
  func testTheHookRunByHandReadsNoProcessFiles() throws {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let traced = try OpenTrace.mlgit(["hook", "pre-commit"], in: repo.path)
    XCTAssertEqual(traced.status, 1, traced.output)
    XCTAssertTrue(
      traced.stderr.contains("models/credit.yaml:3:10: error: version must be a semantic version string"),
      traced.stderr)
    let procReads = traced.stderr.split(separator: "\n").filter {
      $0.contains("\"/proc/") && !$0.contains("/proc/self/")
    }
    XCTAssertEqual(procReads, [], traced.stderr)
  }
}
