import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// The ref lines git writes to pre-push and pre-receive hooks, and the push pre-commit
/// (the framework) describes in its environment.
final class RefUpdateTests: XCTestCase {
  let a = String(repeating: "a", count: 40)
  let b = String(repeating: "b", count: 40)
  let zero = String(repeating: "0", count: 40)

  private func oid(_ hex: String) -> OID { OID(hex: hex)! }

  func testPrePushLineTargetsTheRemoteRef() throws {
    let updates = try RefUpdate.prePush("refs/heads/topic \(b) refs/heads/main \(a)\n")
    XCTAssertEqual(updates, [RefUpdate(ref: "refs/heads/main", old: oid(a), new: oid(b))])
    XCTAssertEqual(updates.first?.branch, "refs/heads/main")
    XCTAssertEqual(updates.first?.isCreation, false)
    XCTAssertEqual(updates.first?.isDeletion, false)
  }

  func testPreReceiveLines() throws {
    let updates = try RefUpdate.preReceive("\(a) \(b) refs/heads/main\n\(zero) \(a) refs/tags/v1\n")
    XCTAssertEqual(
      updates,
      [
        RefUpdate(ref: "refs/heads/main", old: oid(a), new: oid(b)),
        RefUpdate(ref: "refs/tags/v1", old: .zero, new: oid(a)),
      ])
    // A tag is no branch: branch-scoped rules see no branch for it.
    XCTAssertNil(updates[1].branch)
  }

  func testNewBranchAndDeletion() throws {
    let created = try RefUpdate.prePush("refs/heads/topic \(a) refs/heads/topic \(zero)")
    XCTAssertEqual(created.count, 1)
    XCTAssertTrue(created[0].isCreation)
    XCTAssertFalse(created[0].isDeletion)
    // git deletes a remote ref with `(delete)` and the zero id as the local side.
    let deleted = try RefUpdate.prePush("(delete) \(zero) refs/heads/old \(a)")
    XCTAssertEqual(deleted, [RefUpdate(ref: "refs/heads/old", old: oid(a), new: .zero)])
    XCTAssertTrue(deleted[0].isDeletion)
    XCTAssertFalse(deleted[0].isCreation)
  }

  func testBlankLinesAndRepeatedSpacesAreSkipped() throws {
    let updates = try RefUpdate.preReceive("\n\(a)  \(b)   refs/heads/main\r\n\n   \n")
    XCTAssertEqual(updates, [RefUpdate(ref: "refs/heads/main", old: oid(a), new: oid(b))])
    XCTAssertEqual(try RefUpdate.prePush(""), [])
  }

  func testMalformedLinesAreUsageErrors() {
    XCTAssertThrowsError(try RefUpdate.preReceive("\(a) \(b)\n")) { error in
      XCTAssertEqual(
        "\(error)", "mlgit: cannot read hook input line '\(a) \(b)': expected 3 fields")
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
    }
    XCTAssertThrowsError(try RefUpdate.prePush("refs/heads/a \(a) refs/heads/a \(b) extra")) { error in
      XCTAssertEqual(
        "\(error)",
        "mlgit: cannot read hook input line 'refs/heads/a \(a) refs/heads/a \(b) extra': expected 4 fields")
    }
    XCTAssertThrowsError(try RefUpdate.preReceive("\(a) xyz refs/heads/main")) { error in
      XCTAssertEqual("\(error)", "mlgit: cannot read hook input: 'xyz' is not an object id")
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
    }
    // One bad line refuses the whole input, even after good ones.
    XCTAssertThrowsError(try RefUpdate.preReceive("\(a) \(b) refs/heads/main\n\(a) \(b)"))
  }

  func testPreCommitFrameworkPush() {
    let resolve: (String) -> OID? = { $0 == "refs/heads/topic" ? OID(hex: String(repeating: "c", count: 40)) : nil }
    let named = PreCommitPush(
      environment: [
        "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main",
        "PRE_COMMIT_TO_REF": b, "PRE_COMMIT_FROM_REF": a,
      ], resolve: resolve)
    XCTAssertEqual(named?.remote, "origin")
    // Taken as a new ref, whatever FROM_REF says: every commit the remote lacks is checked.
    XCTAssertEqual(named?.update, RefUpdate(ref: "refs/heads/main", old: .zero, new: oid(b)))
    let resolved = PreCommitPush(
      environment: [
        "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/topic",
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/topic",
      ], resolve: resolve)
    XCTAssertEqual(resolved?.update.new, OID(hex: String(repeating: "c", count: 40)))
    XCTAssertNil(PreCommitPush(environment: ["PRE_COMMIT_REMOTE_NAME": "origin"], resolve: resolve))
    XCTAssertNil(
      PreCommitPush(
        environment: [
          "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/x",
          "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/unknown",
        ], resolve: resolve))
  }

  func testRevisionRanges() {
    XCTAssertEqual(RevisionRange.split("main..topic").map { [$0.0, $0.1] }, ["main", "topic"])
    XCTAssertEqual(RevisionRange.split("main..").map { [$0.0, $0.1] }, ["main", "HEAD"])
    XCTAssertEqual(RevisionRange.split("..topic").map { [$0.0, $0.1] }, ["HEAD", "topic"])
    XCTAssertNil(RevisionRange.split(".."))
    XCTAssertNil(RevisionRange.split("main...topic"))
    XCTAssertNil(RevisionRange.split("main"))
  }
}
