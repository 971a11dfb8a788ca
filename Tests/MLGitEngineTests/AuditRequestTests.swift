import GitKit
import XCTest

@testable import MLGitEngine

/// `mlgit audit`'s options as the engine takes them: the model, the date, the branch the
/// commits are judged as going to, and the scores the HTML page shows.
final class AuditRequestTests: XCTestCase {
  func testModelSinceBranchAndScores() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("credit", date: "2026-01-01T10:00:00Z")
    repo.write("models/churn.yaml", ScratchRepository.spec(name: "churn", version: "0.1.0"))
    repo.commit("churn", date: "2026-01-03T10:00:00Z")
    let workspace = Workspace(repository: try repo.open(), environment: [:])

    let everything = try AuditRequest(model: nil, since: nil, branch: nil, scores: false).report(in: workspace)
    XCTAssertEqual(everything.models.map(\.name).sorted(), ["churn", "credit-risk"])
    XCTAssertEqual(everything.commitsScanned, 2)
    XCTAssertEqual(everything.branch, "refs/heads/main")
    XCTAssertTrue(everything.scores.isEmpty)

    let credit = try AuditRequest(model: "credit-risk", since: nil, branch: "release", scores: true).report(
      in: workspace)
    XCTAssertEqual(credit.models.map(\.name), ["credit-risk"])
    XCTAssertEqual(credit.branch, "refs/heads/release")
    XCTAssertEqual(credit.scores.keys.sorted(), ["churn", "credit-risk"])

    let recent = try AuditRequest(model: nil, since: "2026-01-02", branch: nil, scores: false).report(in: workspace)
    XCTAssertEqual(recent.models.map(\.name), ["churn"])
    XCTAssertEqual(recent.commitsScanned, 1)
    XCTAssertEqual(recent.since, "2026-01-02")
  }
}
