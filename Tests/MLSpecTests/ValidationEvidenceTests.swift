import Foundation
@testable import MLSpec
import XCTest

/// `validation.slices`, `validation.fairness` and `validation.baseline`: read into values,
/// and every problem reported at its own line and column.
final class ValidationEvidenceTests: XCTestCase {
  /// A spec whose `validation:` block ends with `blocks` (from line 10).
  func read(_ blocks: String) throws -> (spec: ModelSpec?, problems: [String]) {
    let text = """
      apiVersion: mlgit/v1
      name: credit-risk
      version: 1.4.0
      owner: risk-team
      features: [income]
      hyperparameters: {depth: 4}
      validation:
        metrics:
          auc: {min: 0.78}

      """ + blocks
    let (spec, problems) = ModelSpec.read(try Document.parse(Data(text.utf8)))
    return (spec, problems.map { "\($0.location): \($0.message)" })
  }

  func testWellFormedBlocksAreReadWithTheirLines() throws {
    let (spec, problems) = try read(
      """
        slices:
          new_customers:
            auc: {min: 0.72}
            logloss: {max: 0.5}
        fairness:
          sex: {metric: tpr, max_gap: 0.05, groups: [female, male]}
        baseline: {auc: 0.7}

      """)
    XCTAssertEqual(problems, [])
    let evidence = try XCTUnwrap(spec?.validationEvidence)
    XCTAssertEqual(evidence.slices.map(\.name), ["new_customers"])
    XCTAssertEqual(evidence.slices.first?.bounds.map(\.metric), ["auc", "logloss"])
    XCTAssertEqual(evidence.slices.first?.bounds.map(\.location.line), [12, 13])
    XCTAssertEqual(evidence.slices.first?.bounds.map(\.direction), [.higherIsBetter, .lowerIsBetter])
    XCTAssertEqual(evidence.fairness.first?.metric, "tpr")
    XCTAssertEqual(evidence.fairness.first?.maxGap, 0.05)
    XCTAssertEqual(evidence.fairness.first?.maxGapLocation, SourceLocation(line: 15, column: 33))
    XCTAssertEqual(evidence.fairness.first?.groups.map(\.name), ["female", "male"])
    XCTAssertEqual(
      evidence.baseline,
      .values([BaselineValue(metric: "auc", value: 0.7, location: SourceLocation(line: 16, column: 14))]))
    XCTAssertEqual(
      SliceBounds.metricNames(slice: "new_customers", metric: "auc"),
      ["slice/new_customers/auc", "slice.new_customers.auc"])
  }

  func testABaselineModelIsNamedAsAStringOrUnderModel() throws {
    XCTAssertEqual(
      try read("  baseline: simple-model\n").spec?.validationEvidence.baseline,
      .model("simple-model", location: SourceLocation(line: 10, column: 13)))
    XCTAssertEqual(
      try read("  baseline: {model: simple-model}\n").spec?.validationEvidence.baseline,
      .model("simple-model", location: SourceLocation(line: 10, column: 21)))
  }

  func testEveryProblemIsAtItsLine() throws {
    XCTAssertEqual(try read("  slice: {a: {auc: {min: 1}}}\n").problems, ["10:3: unknown field 'validation.slice'"])
    XCTAssertEqual(
      try read("  slices: [a]\n").problems,
      ["10:11: 'validation.slices' must be a mapping of slice name to metric bounds, found a list"])
    XCTAssertEqual(
      try read(
        "  slices:\n    a/b: {auc: {min: 0.7}}\n    c: {auc: {least: 0.7}}\n    d: {auc: {min: 0.9, max: 0.1}}\n    e: 3\n"
      ).problems,
      [
        "11:5: slice name 'a/b' contains '/', which separates the parts of a recorded metric name",
        "12:15: slice 'c': metric 'auc': unknown bound 'least'",
        "13:14: slice 'd': metric 'auc': min 0.9 is above max 0.1",
        "14:8: slice 'e' must be a mapping of metric to bounds, found an integer",
      ])
    XCTAssertEqual(
      try read(
        "  fairness:\n    sex: {metric: tpr, max_gap: -0.1}\n    race: {max_gap: 0.1, gap: 1}\n    age: {metric: tpr, max_gap: 0.1, groups: [old]}\n"
      ).problems,
      [
        "11:33: fairness 'sex': max_gap must be a finite number, 0 or more",
        "12:26: fairness 'race': unknown field 'gap'",
        "12:5: fairness 'race': metric is missing",
        "13:46: fairness 'age': groups must be a list of at least two group names",
      ])
    XCTAssertEqual(
      try read("  baseline: {logloss: 0.5, auc: high}\n").problems,
      [
        "10:14: baseline 'logloss': validation.metrics does not bound it, so which way is better is unknown",
        "10:33: baseline 'auc' must be a finite number, found a string",
      ])
    XCTAssertEqual(try read("  baseline: credit-risk\n").problems, ["10:13: 'credit-risk' cannot be its own baseline"])
    XCTAssertEqual(
      try read("  baseline: Simple Model\n").problems,
      ["10:13: baseline model 'Simple Model' is not a model name (a lowercase slug)"])
  }
}
