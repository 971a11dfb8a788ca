import Foundation
import GitKit
import MLPolicy
import XCTest

@testable import MLGitEngine

/// `review status`: which commits are reported, each change's state, and the counts.
final class ReviewStatusScanTests: XCTestCase {
  func testStatesAndCountsBeforeAndAfterApproval() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("add model")
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.1.0", maxDepth: 8))
    let change = repo.commit("deeper")
    repo.write("README.md", "x\n")
    repo.commit("readme")
    func scan(_ range: String?, as email: String = "bob@example.com") throws -> (
      ReviewStatusScan.Summary, [(commit: String, changes: [String], states: [ReviewStatusScan.State])]
    ) {
      let workspace = Workspace(repository: try repo.open(), environment: ["GIT_COMMITTER_EMAIL": email])
      var seen: [(commit: String, changes: [String], states: [ReviewStatusScan.State])] = []
      let summary = try ReviewStatusScan(planner: ReviewPlanner(workspace: workspace)).scan(range) { commit in
        seen.append((commit.plan.commit.id.hex, commit.changes.map(\.item.summary), commit.changes.map(\.state)))
      }
      return (summary, seen)
    }

    // On main with no other copy of it: all of HEAD; only the changed spec needs approval.
    let (before, reported) = try scan(nil)
    XCTAssertEqual(
      before,
      ReviewStatusScan.Summary(
        range: "all of HEAD (no other copy of main to compare with)", commitsChecked: 3, approved: 0, waiting: 1))
    XCTAssertEqual(reported.map(\.commit), [change.hex])
    XCTAssertEqual(reported.map(\.changes), [["max_depth 6 -> 8"]])
    XCTAssertEqual(reported.map(\.states), [[.waiting(missing: 1)]])

    let bob = try ReviewApproval(
      planner: ReviewPlanner(
        workspace: Workspace(repository: try repo.open(), environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"])))
    try bob.record(try bob.prepare([change.hex], sign: false, key: nil, message: nil) { _ in })

    let (after, approved) = try scan("HEAD~2..HEAD")
    XCTAssertEqual(
      after, ReviewStatusScan.Summary(range: "HEAD~2..HEAD", commitsChecked: 2, approved: 1, waiting: 0))
    XCTAssertEqual(approved.map(\.states), [[.approved]])

    // One commit, named by its short id; a commit with nothing to review is not reported.
    let (one, none) = try scan("HEAD")
    XCTAssertEqual(
      one, ReviewStatusScan.Summary(range: repo.oid("HEAD").short, commitsChecked: 1, approved: 0, waiting: 0))
    XCTAssertTrue(none.isEmpty)
  }
}
