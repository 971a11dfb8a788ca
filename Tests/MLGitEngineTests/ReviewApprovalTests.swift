import Foundation
import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// `review approve`: who may approve, what is recorded, what is there already.
final class ReviewApprovalTests: XCTestCase {
  static func workspace(_ repo: ScratchRepository, as email: String) throws -> Workspace {
    Workspace(repository: try repo.open(), environment: ["GIT_COMMITTER_EMAIL": email])
  }

  func testApprovesOnceRecordsOnTheSpecBlobAndRefusesTheAuthor() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("add model")
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.1.0", maxDepth: 8))
    let change = repo.commit("deeper")
    repo.write("README.md", "x\n")
    let readme = repo.commit("readme")
    let bob = try ReviewApproval(planner: ReviewPlanner(workspace: try Self.workspace(repo, as: "bob@example.com")))
    XCTAssertEqual(bob.reviewer, "bob@example.com")

    var said: [ReviewApproval.Progress] = []
    let approvals = try bob.prepare(["HEAD~1", "HEAD"], sign: false, key: nil, message: "fine") { said.append($0) }
    XCTAssertEqual(approvals.approved, ["models/credit.yaml (max_depth 6 -> 8) in \(change.short)"])
    XCTAssertFalse(approvals.signed)
    XCTAssertEqual(approvals.notListed, [])
    XCTAssertEqual(said, [.nothingToApprove(commit: readme.short)])
    try bob.record(approvals)

    // One record, on the spec's new blob, by bob, with the comment.
    let blob = repo.run(["rev-parse", "\(change.hex):models/credit.yaml"])
    let noted = repo.run(["notes", "--ref", "refs/notes/mlgit/reviews", "list"]).split(separator: "\n")
    XCTAssertEqual(noted.map { $0.split(separator: " ").last.map(String.init) }, [blob])
    let line = repo.run(["notes", "--ref", "refs/notes/mlgit/reviews", "show", blob])
    let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    XCTAssertEqual(record["path"] as? String, "models/credit.yaml")
    XCTAssertEqual(record["blob"] as? String, blob)
    XCTAssertEqual(record["reviewer"] as? String, "bob@example.com")
    XCTAssertEqual(record["message"] as? String, "fine")
    XCTAssertEqual(record["decision"] as? String, "approve")
    XCTAssertEqual(
      repo.run(["log", "-1", "--format=%s", "refs/notes/mlgit/reviews"]),
      "mlgit review approve \(change.short), \(readme.short) by bob@example.com")

    // Approving again records nothing: the approval is there.
    let again = try ReviewApproval(planner: ReviewPlanner(workspace: try Self.workspace(repo, as: "BOB@example.com")))
    said = []
    let second = try again.prepare([change.hex], sign: false, key: nil, message: nil) { said.append($0) }
    XCTAssertEqual(second.approved, [])
    XCTAssertEqual(said, [.alreadyApproved("models/credit.yaml (max_depth 6 -> 8) in \(change.short)")])

    // The author may not approve their own change, and nothing is prepared.
    let alice = try ReviewApproval(planner: ReviewPlanner(workspace: try Self.workspace(repo, as: "alice@example.com")))
    XCTAssertThrowsError(try alice.prepare([change.hex], sign: false, key: nil, message: nil) { _ in }) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .findings)
      XCTAssertEqual(
        "\(error)",
        """
        mlgit: you (alice@example.com) authored \(change.short) "deeper"; an approval must come from someone else
          hint: ask anyone but alice@example.com to run `mlgit review approve \(change.short)`
        """)
    }
  }

  func testAReviewerOffTheListIsWarnedAndSigningNeedsAKey() throws {
    let repo = ScratchRepository()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nreviewers: [carol@example.com]\n")
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("add model")
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.1.0", maxDepth: 8))
    repo.commit("deeper")
    let bob = try ReviewApproval(planner: ReviewPlanner(workspace: try Self.workspace(repo, as: "bob@example.com")))
    let approvals = try bob.prepare(["HEAD"], sign: false, key: nil, message: nil) { _ in }
    XCTAssertEqual(approvals.notListed, ["carol@example.com"])
    XCTAssertEqual(approvals.approved.count, 1)

    // --sign without --key or user.signingKey: a usage error before anything is recorded.
    XCTAssertThrowsError(try bob.prepare(["HEAD"], sign: true, key: nil, message: nil) { _ in }) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
      XCTAssertTrue("\(error)".hasPrefix("mlgit: signing needs an SSH key: pass --key"), "\(error)")
    }
    XCTAssertEqual(repo.run(["for-each-ref", "refs/notes/"]), "")
  }
}
