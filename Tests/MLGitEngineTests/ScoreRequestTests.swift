import Foundation
import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// `score`: one model or all, an unknown model, and the models below --min-score.
final class ScoreRequestTests: XCTestCase {
  func testModelFilterAndMinimum() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.write("models/churn.yaml", ScratchRepository.spec(name: "churn", version: "1.0.0"))
    repo.commit("two models")
    let workspace = Workspace(repository: try repo.open(), environment: [:])

    let all = try ScoreRequest(revision: "HEAD", model: nil, minScore: nil).report(in: workspace)
    XCTAssertEqual(all.models.map(\.model), ["churn", "credit-risk"])
    XCTAssertNil(ScoreRequest(revision: "HEAD", model: nil, minScore: nil).shortfall(all))

    let one = ScoreRequest(revision: "HEAD", model: "credit-risk", minScore: 7)
    let report = try one.report(in: workspace)
    XCTAssertEqual(report.models.map(\.model), ["credit-risk"])
    // No rule or evidence covers infrastructure here: the model scores 0.
    XCTAssertEqual(one.shortfall(report), "mlgit: score: below --min-score 7: credit-risk 0 (weakest: infrastructure)")
    XCTAssertNil(ScoreRequest(revision: "HEAD", model: "credit-risk", minScore: 0).shortfall(report))
    XCTAssertEqual(
      ScoreRequest(revision: "HEAD", model: nil, minScore: 0.5).shortfall(all),
      "mlgit: score: below --min-score 0.5: churn 0 (weakest: infrastructure), credit-risk 0 (weakest: infrastructure)")

    XCTAssertThrowsError(try ScoreRequest(revision: "HEAD", model: "fraud", minScore: nil).report(in: workspace)) {
      XCTAssertEqual(($0 as? MLGitError)?.exitStatus, .usage)
      XCTAssertEqual("\($0)", "mlgit: score: no spec at HEAD has name 'fraud'")
    }
  }
}
