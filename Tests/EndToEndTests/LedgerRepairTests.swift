import Foundation
import XCTest

/// A notes ref that cannot be written or read: a lock file left behind, a ref that is
/// not a notes commit, objects pruned from under it. Each is named, with its repair.
final class LedgerRepairTests: XCTestCase {
  func trainable() -> TempRepository {
    let repo = TempRepository()
    repo.commitTrainableModel()
    return repo
  }

  func testAStaleLockFileIsNamedAtOnceWithHowToClearIt() throws {
    let repo = trainable()
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    let lock = repo.path + "/.git/refs/notes/mlgit/runs.lock"
    XCTAssertTrue(FileManager.default.createFile(atPath: lock, contents: Data()))
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: lock)
    let started = Date()
    let result = repo.mlgit("run", "--", "./train.sh")
    XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a stale lock is detected without 10 s of retries")
    XCTAssertEqual(result.status, 3, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "cannot update refs/notes/mlgit/runs: its lock file \(lock) has been there since 60 minutes ago"), result.stderr
    )
    XCTAssertTrue(
      result.stderr.contains("When no git or mlgit process is running in this repository, remove it (rm '\(lock)')"),
      result.stderr)
    XCTAssertFalse(result.stderr.contains("other writers kept moving it"), result.stderr)
    try FileManager.default.removeItem(atPath: lock)
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    XCTAssertEqual(repo.runLines().count, 2)
  }

  /// A lock held by a live writer (fresh, and released soon) is waited for, not reported.
  func testALiveWritersLockIsWaitedFor() throws {
    let repo = trainable()
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    let lock = repo.path + "/.git/refs/notes/mlgit/runs.lock"
    let result = Shell.run(
      "/bin/sh", ["-c", ": > '\(lock)'; (sleep 1; rm -f '\(lock)') & exec '\(Shell.mlgit)' run -- ./train.sh"],
      in: repo.path)
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(repo.runLines().count, 2)
  }

  func testANotesRefThatIsNotACommitIsNamedWithItsRepair() {
    let repo = trainable()
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    let good = try! XCTUnwrap(repo.revParse("refs/notes/mlgit/runs"))
    let blob = repo.git("hash-object", "-w", "--stdin", input: "not a notes commit\n").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    XCTAssertEqual(repo.git("update-ref", "refs/notes/mlgit/runs", blob).status, 0)
    for command in [["runs"], ["run", "--", "./train.sh"]] {
      let result = repo.mlgit(command)
      XCTAssertEqual(result.status, 3, "\(command): \(result.output)")
      XCTAssertTrue(
        result.stderr.contains("refs/notes/mlgit/runs points at a blob (\(blob.prefix(8))), not a notes commit"),
        result.stderr)
      XCTAssertTrue(
        result.stderr.contains("restore it with: git update-ref refs/notes/mlgit/runs \(good)"), result.stderr)
    }
    XCTAssertEqual(repo.git("update-ref", "refs/notes/mlgit/runs", good).status, 0)
    let runs = repo.mlgit("runs")
    XCTAssertEqual(runs.status, 0, runs.output)
    XCTAssertEqual(runs.stdout.split(separator: "\n").count, 1, runs.stdout)
  }

  /// What `git gc --prune=now` beside a writer leaves: the ref on a notes commit whose
  /// tree is gone. The error says so and names the reflog entry to go back to.
  func testObjectsPrunedUnderTheLedgerAreReportedWithARecoveryCommand() throws {
    let repo = trainable()
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    let first = try XCTUnwrap(repo.revParse("refs/notes/mlgit/runs"))
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    let second = try XCTUnwrap(repo.revParse("refs/notes/mlgit/runs"))
    let tree = try XCTUnwrap(repo.revParse("refs/notes/mlgit/runs^{tree}"))
    try FileManager.default.removeItem(atPath: "\(repo.path)/.git/objects/\(tree.prefix(2))/\(tree.dropFirst(2))")

    let result = repo.mlgit("run", "--", "./train.sh")
    XCTAssertEqual(result.status, 3, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "refs/notes/mlgit/runs is damaged: its notes commit \(second.prefix(8)) refers to objects that are missing"),
      result.stderr)
    XCTAssertTrue(result.stderr.contains("git gc --prune=now"), result.stderr)
    XCTAssertTrue(
      result.stderr.contains("restore it with: git update-ref refs/notes/mlgit/runs \(first)"), result.stderr)
    XCTAssertEqual(repo.mlgit("runs").status, 3)

    XCTAssertEqual(repo.git("update-ref", "refs/notes/mlgit/runs", first).status, 0)
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    XCTAssertEqual(repo.runLines().count, 2)
  }

  func testSyncNamesARemoteNotesRefThatIsNotACommit() {
    let remote = TempRepository.bareRemote()
    let clone = remote.cloneOf(remote, name: "alice")
    clone.commitTrainableModel()
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    let blob = remote.git("hash-object", "-w", "--stdin", input: "junk\n").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    XCTAssertEqual(remote.git("update-ref", "refs/notes/mlgit/runs", blob).status, 0)
    let result = clone.mlgit("sync")
    XCTAssertEqual(result.status, 3, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "mlgit: cannot sync refs/notes/mlgit/runs with origin: origin's refs/notes/mlgit/runs points at a blob (\(blob.prefix(8))), not a notes commit"
      ),
      result.stderr)
    XCTAssertFalse(result.stderr.contains("object is no commit object"), result.stderr)
  }
}
