import Foundation
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitReport

/// A model's ML Test Score is its lowest section's sum: every renderer shows that
/// minimum, names the section that sets it, and shows each section's own sum.
final class ScoreRenderingTests: XCTestCase {
  func report() throws -> ScoreReport {
    let policy = try EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [strict]\n".utf8))
    var facts = ScoreFacts(
      model: "churn", specPath: "models/churn.yaml", commit: String(repeating: "a", count: 40), policy: policy)
    facts.packsEnforcing = ScoreGrader.packsEnforcing()
    var report = ScoreReport(
      generated: "2026-02-01T00:00:00Z", repository: "/work/repo", revision: "HEAD",
      commit: String(repeating: "a", count: 40), policySources: policy.sources)
    report.models = [ScoreGrader.grade(facts, version: "1.2.0")]
    return report
  }

  func testTheScoreIsTheLowestSectionAndEveryRendererSaysSo() throws {
    let report = try report()
    let model = try XCTUnwrap(report.models.first)
    let sums = model.sections.map(\.score)
    XCTAssertEqual(model.score, sums.min())
    XCTAssertGreaterThan(Set(sums).count, 1, "the sections differ, so the minimum is a choice: \(sums)")
    let weakest = try XCTUnwrap(model.weakest)
    XCTAssertEqual(model.sections.first { $0.section == weakest }?.score, sums.min())

    let text = ScoreText.render(report)
    XCTAssertTrue(
      text.contains(
        "churn 1.2.0 (models/churn.yaml): score \(formatScore(model.score)), weakest section: \(weakest.rawValue)\n"),
      text)
    for section in model.sections {
      XCTAssertTrue(
        text.contains("\(section.section.title) (\(section.section.rawValue)): \(formatScore(section.score)) of 7\n"),
        text)
    }

    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try ScoreJSON.render(report))) as? [String: Any])
    let jsonModel = try XCTUnwrap((json["models"] as? [[String: Any]])?.first)
    XCTAssertEqual(jsonModel["score"] as? Double, model.score)
    XCTAssertEqual(jsonModel["weakest"] as? String, weakest.rawValue)
    XCTAssertEqual((jsonModel["sections"] as? [[String: Any]])?.compactMap { $0["score"] as? Double }, sums)

    let html = ScoreHTML.render(report)
    XCTAssertTrue(
      html.contains("<span class=\"weakest\">\(weakest.title) <b>\(formatScore(model.score))</b></span>"), html)
    XCTAssertEqual(html.components(separatedBy: "class=\"weakest\"").count, 2, "one weakest section")
  }

  func testScoresReadAsPeopleWriteThem() {
    XCTAssertEqual(formatScore(0), "0")
    XCTAssertEqual(formatScore(0.5), "0.5")
    XCTAssertEqual(formatScore(3), "3")
    XCTAssertEqual(formatScore(3.5), "3.5")
  }

  func testAReportWithoutModelsSaysSo() throws {
    var report = try report()
    report.models = []
    report.unreadable = [(path: "models/x.yaml", reason: "no model name")]
    XCTAssertTrue(
      ScoreText.render(report).contains("models/x.yaml: not scored: no model name\nno model spec at this revision\n"))
    XCTAssertTrue(ScoreHTML.render(report).contains("<p>No model spec at this revision.</p>"))
  }
}
