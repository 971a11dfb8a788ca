import Foundation
import XCTest
@testable import MLSpec

final class ModelCardReadingTests: XCTestCase {
  func card(_ frontMatter: String) -> String { "---\n\(frontMatter)---\n\n# model\n\ntext: not: yaml: here\n" }

  static let fields =
    "apiVersion: mlgit/v1\nname: churn\nversion: 1.0.0\nowner: growth\nfeatures: [tenure]\nhyperparameters: {depth: 4}\n"

  func testFrontMatterKeepsTheCardsLineNumbersAndAllowsHubMetadata() throws {
    let root = try Document.parseFrontMatter(
      Data(card("license: mit\npipeline_tag: tabular-classification\n" + ModelCardReadingTests.fields).utf8))
    XCTAssertEqual(root.keyNode("license")?.location.line, 2)
    XCTAssertEqual(root.keyNode("name")?.location.line, 5)
    let (spec, problems) = ModelSpec.read(root, card: true)
    XCTAssertEqual(problems, [])
    XCTAssertEqual(spec?.name, "churn")
    // The same keys in a YAML spec are unknown fields.
    XCTAssertEqual(
      ModelSpec.read(root).problems.map(\.message), ["unknown field 'license'", "unknown field 'pipeline_tag'"])
  }

  func testModelIndexMetricTypesAreDeclaredWithoutBoundsUnlessValidationSetsThem() throws {
    let index =
      "model-index:\n  - name: churn\n    results:\n      - metrics:\n          - {type: auc, value: 0.8}\n          - {type: logloss, value: 0.3}\n"
    let root = try Document.parseFrontMatter(Data(card(ModelCardReadingTests.fields + index).utf8))
    let metrics = try XCTUnwrap(ModelSpec.read(root, card: true).spec).metrics
    XCTAssertEqual(metrics.map(\.metric), ["auc", "logloss"])
    XCTAssertEqual(metrics.map(\.min), [nil, nil])
    XCTAssertEqual(metrics.first?.location.line, 12)
    let bounded = try Document.parseFrontMatter(
      Data(card(ModelCardReadingTests.fields + index + "validation: {metrics: {auc: {min: 0.7}}}\n").utf8))
    XCTAssertEqual(try XCTUnwrap(ModelSpec.read(bounded, card: true).spec).metrics.map(\.metric), ["auc"])
    XCTAssertEqual(try XCTUnwrap(ModelSpec.read(bounded, card: true).spec).metrics.first?.min, 0.7)
  }

  func testMissingOrMalformedFrontMatterIsAnErrorAtLineOne() {
    for text in ["# model\n", "---\n[a, b]\n---\n", "---\nname: x\n", "---\n---\n", "\n---\nname: x\n---\n"] {
      XCTAssertThrowsError(try Document.parseFrontMatter(Data(text.utf8)), text) { error in
        XCTAssertEqual((error as? DocumentError)?.location, .start, text)
      }
    }
  }
}
