import Foundation
import XCTest

/// Errors that name what is really wrong, and the repair.
final class ErrorMessageTests: XCTestCase {
  func testDoctorBlamesACorruptHeadNotTheConfig() throws {
    let repo = TempRepository()
    repo.commitFile("README.md", "readme\n", "init")
    XCTAssertEqual(repo.mlgit("install").status, 0)
    try "garbage\n".write(toFile: repo.path + "/.git/HEAD", atomically: true, encoding: .utf8)
    var doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(doctor.stdout.contains("HEAD: cannot be read ("), doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains(
        "to fix: HEAD is damaged: point it at a branch with `git symbolic-ref HEAD refs/heads/BRANCH`"), doctor.stdout)
    XCTAssertFalse(doctor.stdout.contains(".mlgit/config.yml"), doctor.stdout)

    try "ref: refs/heads/main\n".write(toFile: repo.path + "/.git/HEAD", atomically: true, encoding: .utf8)
    try "1234567890123456789012345678901234567890\n".write(
      toFile: repo.path + "/.git/refs/heads/main", atomically: true, encoding: .utf8)
    doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(
      doctor.stdout.contains("HEAD: refs/heads/main points at 12345678, a commit that is not in the object database"),
      doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains(
        "to fix: refs/heads/main is damaged: find its last good commit with `git reflog refs/heads/main`"),
      doctor.stdout)
    XCTAssertFalse(doctor.stdout.contains(".mlgit/config.yml"), doctor.stdout)
  }

  /// GIT_DIR naming a `gitdir:` file (a linked worktree's or submodule's `.git`), as git accepts it.
  func testGitDirMayNameAGitdirFile() {
    let repo = TempRepository()
    repo.commitFile("README.md", "readme\n", "init")
    let worktree = repo.root + "/linked"
    XCTAssertEqual(repo.git("worktree", "add", "-q", worktree).status, 0)
    let linked = TempRepository(existing: worktree, root: worktree)
    linked.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    linked.stage()
    for gitDir in [".git", worktree + "/.git"] {
      let check = linked.mlgit(["check", "--staged"], environment: ["GIT_DIR": gitDir])
      XCTAssertEqual(check.status, 1, "\(gitDir): \(check.output)")
      XCTAssertTrue(
        check.stdout.contains(
          "models/credit.yaml:8:5: error: feature 'race' is the protected attribute 'race' [features/protected]"),
        check.stdout)
    }
    linked.write(".git-not", "no gitdir line\n")
    let bad = linked.mlgit(["check", "--staged"], environment: ["GIT_DIR": ".git-not"])
    XCTAssertEqual(bad.status, 3, bad.output)
    XCTAssertTrue(bad.stderr.contains("is a file without a `gitdir:` line"), bad.stderr)
  }
}
