import Foundation
import MLSpec
import XCTest

@testable import MLPolicy

/// How runs measure against slices, fairness gaps, baselines and a previous version,
/// and what that earns in the ML Test Score.
final class MetricEvidenceUnitTests: XCTestCase {
  static let commit = String(repeating: "a", count: 40)

  func spec(_ validation: String) throws -> ModelSpec {
    let text =
      "name: m\nversion: 1.0.0\nvalidation:\n  metrics:\n    auc: {min: 0.7}\n    logloss: {max: 0.5}\n" + validation
    return try XCTUnwrap(ModelSpec.read(try Document.parse(Data(text.utf8))).spec)
  }

  func run(_ id: String, _ metrics: [String: Double], finished: String = "2026-01-01T00:00:00Z") -> RunRecord {
    RunRecord(
      id: id, commit: Self.commit, model: "m", started: finished, finished: finished, user: "u", host: "h",
      command: "c", exit: 0, metrics: metrics)
  }

  func testSliceMetricsAreFoundSlashedOrDotted() throws {
    let slices = try spec("  slices:\n    eu:\n      auc: {min: 0.7}\n").validationEvidence.slices
    let slashed = MetricEvidence.sliceChecks(run("r1", ["slice/eu/auc": 0.71]), slices: slices)
    XCTAssertEqual(slashed.map(\.check.passed), [true])
    XCTAssertEqual(slashed.first?.check.bound.metric, "slice/eu/auc")
    let dotted = MetricEvidence.sliceChecks(run("r2", ["slice.eu.auc": 0.69]), slices: slices)
    XCTAssertEqual(dotted.first?.check.explanation, "slice.eu.auc 0.69 < min 0.7")
    XCTAssertEqual(
      MetricEvidence.sliceChecks(run("r3", ["auc": 0.9]), slices: slices).first?.check.explanation,
      "slice/eu/auc was not reported")
  }

  func testFairnessGapsFromGroupsOrRecordedAndBinaryNoiseIsNotAGap() throws {
    let bound = try XCTUnwrap(
      try spec("  fairness:\n    sex: {metric: tpr, max_gap: 0.05}\n").validationEvidence.fairness.first)
    // 0.85 - 0.8 is 0.05000000000000004 in binary: within max_gap 0.05.
    let edge = MetricEvidence.fairness(run("r1", ["fairness/sex/f/tpr": 0.8, "fairness/sex/m/tpr": 0.85]), bound)
    XCTAssertTrue(edge.passed, edge.explanation)
    XCTAssertEqual(edge.explanation, "sex: tpr gap 0.05 <= max_gap 0.05 (f 0.8, m 0.85)")
    let dotted = MetricEvidence.fairness(
      run("r2", ["fairness.sex.f.tpr": 0.7, "fairness.sex.m.tpr": 0.8, "fairness.sex.x.y.tpr": 0.75]), bound)
    XCTAssertEqual(dotted.groups.map(\.name), ["f", "m", "x.y"])
    XCTAssertFalse(dotted.passed)
    let recorded = MetricEvidence.fairness(run("r3", ["fairness/sex/tpr": -0.04]), bound)
    XCTAssertEqual(recorded.gap ?? -1, 0.04, accuracy: 1e-12)
    XCTAssertTrue(recorded.passed)
    // A slash inside a group would be another attribute's name: not a group.
    let nested = MetricEvidence.fairness(run("r4", ["fairness/sex/a/b/tpr": 0.1, "fairness/sex/m/tpr": 0.8]), bound)
    XCTAssertEqual(nested.groups.map(\.name), ["m"])
    XCTAssertFalse(nested.passed)
  }

  func testComparisonsTakeTheirDirectionFromTheBound() throws {
    let bounds = try spec("").metrics
    let previous = run("p", ["auc": 0.8, "logloss": 0.4])
    let comparisons = MetricEvidence.regressionComparisons(
      new: run("n", ["auc": 0.795, "logloss": 0.41]), previous: previous, bounds: bounds)
    XCTAssertEqual(comparisons.map(\.direction), [.higherIsBetter, .lowerIsBetter])
    // auc 0.795 is 0.005 below 0.8 (1% is 0.008); logloss 0.41 is 0.01 above 0.4 (1% is 0.004).
    XCTAssertEqual(comparisons.map { MetricEvidence.holds($0, tolerance: 0.01) }, [true, false])
    XCTAssertEqual(comparisons.map { MetricEvidence.holds($0, tolerance: 0.05) }, [true, true])
    var tie = comparisons[0]
    tie.value = tie.reference
    XCTAssertFalse(MetricEvidence.beats(tie), "a tie does not beat a baseline")
    XCTAssertTrue(MetricEvidence.holds(tie, tolerance: 0), "a tie is no regression")
  }

  func testAnEnforcingRuleEarnsItsPointOnlyForWhatTheSpecDeclares() throws {
    let strict = try EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [strict]\n".utf8))
    var facts = ScoreFacts(model: "m", specPath: "models/m.yaml", commit: Self.commit, policy: strict)
    func graded(_ id: String) -> ScoredTest? {
      ScoreGrader.grade(facts).sections.flatMap(\.tests).first { $0.test.id == id }
    }
    XCTAssertEqual(graded("model-6")?.points, .half)
    XCTAssertTrue(graded("model-6")?.evidence.first?.text.contains("declares no validation.slices") ?? false)
    XCTAssertTrue(
      graded("model-6")?.hint?.contains("declare the slices that matter in models/m.yaml") ?? false,
      graded("model-6")?.hint ?? "")
    XCTAssertEqual(graded("monitor-7")?.points, .half)
    let declared = try spec(
      "  slices: {eu: {auc: {min: 0.7}}}\n  fairness: {sex: {metric: tpr, max_gap: 0.1}}\n  baseline: {auc: 0.6}\n")
    facts.validation = declared.validationEvidence
    facts.bounds = declared.metrics
    for id in ["model-5", "model-6", "model-7", "monitor-7"] { XCTAssertEqual(graded(id)?.points, .full, id) }
  }
}
