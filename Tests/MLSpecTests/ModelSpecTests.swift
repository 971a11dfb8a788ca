import Foundation
@testable import MLSpec
import XCTest

/// The mlgit/v1 spec schema: every problem reported, each at its exact line and column.
final class ModelSpecTests: XCTestCase {
  static let valid = """
    apiVersion: mlgit/v1
    name: credit-risk
    version: 1.4.0
    owner: risk-team
    task: binary-classification
    target: defaulted
    features:
      - income
      - debt_ratio
      - {name: tenure_months, cost: low}
    sensitive_attributes:
      - gender
    hyperparameters:
      learning_rate: 0.05
      max_depth: 6
    data:
      train: {path: data/train.csv, sha256: 9f2c000000000000000000000000000000000000000000000000000000000000}
      test: data/test.csv
    validation:
      metrics:
        auc: {min: 0.78}
        logloss: {max: 0.45}

    """

  func read(_ text: String) throws -> (spec: ModelSpec?, problems: [SchemaProblem]) {
    ModelSpec.read(try Document.parse(Data(text.utf8)))
  }

  func problems(_ text: String) throws -> [String] {
    try read(text).problems.map { "\($0.location): \($0.message)" }
  }

  func testValidSpecHasNoProblemsAndReadsEveryField() throws {
    let (spec, problems) = try read(Self.valid)
    XCTAssertEqual(problems, [])
    let s = try XCTUnwrap(spec)
    XCTAssertEqual(s.name, "credit-risk")
    XCTAssertEqual(s.version?.text, "1.4.0")
    XCTAssertEqual(s.versionLocation, SourceLocation(line: 3, column: 10))
    XCTAssertEqual(s.owner, "risk-team")
    XCTAssertEqual(s.features.map(\.name), ["income", "debt_ratio", "tenure_months"])
    XCTAssertEqual(s.features[2].location, SourceLocation(line: 10, column: 12))
    XCTAssertEqual(s.sensitiveAttributes.map(\.name), ["gender"])
    XCTAssertEqual(s.data.map(\.name), ["train", "test"])
    XCTAssertEqual(s.data[0].sha256?.count, 64)
    XCTAssertEqual(s.data[1].path, "data/test.csv")
    XCTAssertEqual(
      s.metrics,
      [
        MetricBound(metric: "auc", min: 0.78, max: nil, location: SourceLocation(line: 21, column: 5)),
        MetricBound(metric: "logloss", min: nil, max: 0.45, location: SourceLocation(line: 22, column: 5)),
      ])
    guard case .inline(let node)? = s.hyperparameters else { return XCTFail("inline hyperparameters expected") }
    XCTAssertEqual(node["max_depth"]?.scalarType, .int)
  }

  func testVersionWrittenAsANumberIsReportedAtTheValue() throws {
    let text = Self.valid.replacingOccurrences(of: "version: 1.4.0", with: "version: 1.4")
    XCTAssertEqual(try problems(text), ["3:10: version must be a semantic version string, found a number '1.4'"])
  }

  func testVersionThatIsNotSemantic() throws {
    let text = Self.valid.replacingOccurrences(of: "version: 1.4.0", with: "version: v1.4.0")
    XCTAssertEqual(try problems(text), ["3:10: version 'v1.4.0' is not a semantic version"])
  }

  func testNameMustBeASlug() throws {
    let text = Self.valid.replacingOccurrences(of: "name: credit-risk", with: "name: Credit Risk")
    let (_, found) = try read(text)
    XCTAssertEqual(found.map(\.message), ["name 'Credit Risk' is not a lowercase slug"])
    XCTAssertEqual(found.first?.location, SourceLocation(line: 2, column: 7))
    XCTAssertEqual(found.first?.hint, "use lowercase letters, digits and dashes, e.g. 'credit-risk'")
  }

  func testEveryMissingRequiredFieldIsReported() throws {
    XCTAssertEqual(
      try problems("task: regression\n"),
      [
        "1:1: missing required field 'apiVersion'",
        "1:1: missing required field 'name'",
        "1:1: missing required field 'version'",
        "1:1: missing required field 'owner'",
        "1:1: missing required field 'features'",
        "1:1: missing required field 'hyperparameters'",
      ])
  }

  func testNullRequiredFieldIsReportedAtItsValue() throws {
    let text = Self.valid.replacingOccurrences(of: "owner: risk-team", with: "owner:")
    XCTAssertEqual(try problems(text), ["4:7: missing required field 'owner'"])
  }

  func testWrongTypes() throws {
    let text = Self.valid
      .replacingOccurrences(of: "owner: risk-team", with: "owner: 42")
      .replacingOccurrences(of: "task: binary-classification", with: "task: [a]")
      .replacingOccurrences(of: "  learning_rate: 0.05\n  max_depth: 6\n", with: "")
      .replacingOccurrences(of: "hyperparameters:\n", with: "hyperparameters: fast\n")
    XCTAssertEqual(
      try problems(text),
      [
        "4:8: 'owner' must be a non-empty string, found an integer",
        "5:7: 'task' must be a string, found a list",
        "13:18: 'hyperparameters' must be a mapping, found a string",
      ])
  }

  func testUnknownFieldSuggestsTheClosest() throws {
    let (_, found) = try read(Self.valid + "hyperparameter: {}\nfeaturez: []\n")
    XCTAssertEqual(found.map(\.message), ["unknown field 'hyperparameter'", "unknown field 'featurez'"])
    XCTAssertEqual(found.map(\.location), [SourceLocation(line: 23, column: 1), SourceLocation(line: 24, column: 1)])
    XCTAssertEqual(found.first?.hint, "did you mean 'hyperparameters'?")
  }

  func testInformationalKeysAreAllowed() throws {
    XCTAssertEqual(try problems(Self.valid + "description: a model\ntags: [x]\n"), [])
  }

  func testFeatureProblems() throws {
    let text = Self.valid.replacingOccurrences(
      of: "  - income\n  - debt_ratio\n  - {name: tenure_months, cost: low}\n",
      with: "  - income\n  - 12\n  - income\n  - {cost: low}\n  - \"\"\n")
    XCTAssertEqual(
      try problems(text),
      [
        "9:5: an entry of 'features' must be a name string, found an integer",
        "10:5: 'income' is listed twice in 'features' (first at line 8)",
        "11:5: an entry of 'features' needs a 'name' string",
        "12:5: an entry of 'features' is empty",
      ])
  }

  func testEmptyFeaturesAndScalarFeatures() throws {
    let empty = Self.valid.replacingOccurrences(
      of: "features:\n  - income\n  - debt_ratio\n  - {name: tenure_months, cost: low}\n", with: "features: []\n")
    XCTAssertEqual(try problems(empty), ["7:11: 'features' is empty"])
    let scalar = Self.valid.replacingOccurrences(
      of: "features:\n  - income\n  - debt_ratio\n  - {name: tenure_months, cost: low}\n", with: "features: income\n")
    XCTAssertEqual(try problems(scalar), ["7:11: 'features' must be a list, found a string"])
  }

  func testSensitiveAttributesRejectMappings() throws {
    let text = Self.valid.replacingOccurrences(of: "  - gender\n", with: "  - {name: gender}\n")
    XCTAssertEqual(
      try problems(text), ["12:5: an entry of 'sensitive_attributes' must be a name string, found a mapping"])
  }

  func testDataProblems() throws {
    let text = Self.valid
      .replacingOccurrences(
        of: "sha256: 9f2c000000000000000000000000000000000000000000000000000000000000", with: "sha256: abc"
      )
      .replacingOccurrences(of: "test: data/test.csv", with: "test: {sha256: null}\n  other: 3")
    XCTAssertEqual(
      try problems(text),
      [
        "17:41: data 'train': sha256 must be 64 hexadecimal characters",
        "18:9: data 'test' needs a 'path' string",
        "19:10: data 'other' must be a path or {path: …, sha256: …}, found an integer",
      ])
  }

  func testMetricBoundProblems() throws {
    let text = Self.valid
      .replacingOccurrences(of: "auc: {min: 0.78}", with: "auc: {min: 0.9, max: 0.8}")
      .replacingOccurrences(
        of: "logloss: {max: 0.45}", with: "logloss: {max: low, best: 1}\n    f1: 0.5\n    recall: {}")
    XCTAssertEqual(
      try problems(text),
      [
        "21:10: metric 'auc': min 0.9 is above max 0.8",
        "22:20: metric 'logloss': max must be a finite number, found a string",
        "22:25: metric 'logloss': unknown bound 'best'",
        "23:9: metric 'f1' must be {min: …} and/or {max: …}, found a number",
        "24:13: metric 'recall' has no bound",
      ])
  }

  func testHyperparametersFromAFile() throws {
    let text = Self.valid.replacingOccurrences(
      of: "hyperparameters:\n  learning_rate: 0.05\n  max_depth: 6\n",
      with: "hyperparameters: {from: params.yaml, key: train}\n")
    let (spec, found) = try read(text)
    XCTAssertEqual(found.map(\.message), [])
    guard case .file(let path, let key, let location)? = spec?.hyperparameters else {
      return XCTFail("file source expected")
    }
    XCTAssertEqual(path, "params.yaml")
    XCTAssertEqual(key, "train")
    XCTAssertEqual(location, SourceLocation(line: 13, column: 25))
    let extra = Self.valid.replacingOccurrences(
      of: "hyperparameters:\n  learning_rate: 0.05\n  max_depth: 6\n",
      with: "hyperparameters: {from: params.yaml, keys: x}\n")
    XCTAssertEqual(try problems(extra), ["13:38: unknown field 'keys' beside 'from'"])
  }

  func testASpecThatIsNotAMapping() throws {
    XCTAssertEqual(try problems("- a\n- b\n"), ["1:1: a spec must be a mapping, found a list"])
    XCTAssertNil(try read("just text\n").spec)
  }

  func testWrongAPIVersion() throws {
    let text = Self.valid.replacingOccurrences(of: "apiVersion: mlgit/v1", with: "apiVersion: mlgit/v2")
    XCTAssertEqual(try problems(text), ["1:13: apiVersion must be 'mlgit/v1', found 'mlgit/v2'"])
  }

  func testJSONSpecReportsJSONLocations() throws {
    let text =
      "{\n  \"apiVersion\": \"mlgit/v1\",\n  \"name\": \"churn\",\n  \"version\": 2,\n  \"owner\": \"growth\",\n"
      + "  \"features\": [\"tenure\"],\n  \"hyperparameters\": {\"depth\": 4}\n}\n"
    XCTAssertEqual(try problems(text), ["4:14: version must be a semantic version string, found an integer '2'"])
  }
}

final class SemanticVersionTests: XCTestCase {
  func testParsesCoreAndPrerelease() throws {
    let v = try XCTUnwrap(SemanticVersion("1.4.0-rc.1+build.5"))
    XCTAssertEqual([v.major, v.minor, v.patch], [1, 4, 0])
    XCTAssertEqual(v.prerelease, "rc.1")
    XCTAssertEqual(v.description, "1.4.0-rc.1+build.5")
  }

  func testRefusesWhatIsNotSemver() {
    for text in ["1.4", "1", "1.4.0.0", "v1.4.0", "01.4.0", "1.04.0", "1.4.-1", "1.4.0-", "", "1..0", "1.4.x", "١.٢.٣"]
    {
      XCTAssertNil(SemanticVersion(text), text)
    }
    for text in ["1.4.0 ", "1.4.99999999999999999999", "a.b.c", "1.4.0.", ".1.4", "1.4.0-+x"] {
      XCTAssertNil(SemanticVersion(text), text)
    }
    XCTAssertEqual(SemanticVersion("1.2.3-rc.1-x+y+z")?.prerelease, "rc.1-x")
    XCTAssertEqual(SemanticVersion("1.4.0+")?.patch, 0)
    XCTAssertNotNil(SemanticVersion("0.0.0"))
    XCTAssertNotNil(SemanticVersion("10.20.30"))
    XCTAssertEqual(SemanticVersion("9223372036854775807.0.10")?.major, Int.max)
  }

  func testSlugs() {
    for name in ["credit-risk", "a", "m2", "x-1-y", String(repeating: "a", count: 63)] {
      XCTAssertTrue(ModelSpec.isSlug(name), name)
    }
    for name in ["", "-a", "a-", "a--b", "Credit", "a_b", "a b", "café", String(repeating: "a", count: 64)] {
      XCTAssertFalse(ModelSpec.isSlug(name), name)
    }
  }

  func testOrdering() throws {
    func v(_ s: String) -> SemanticVersion { SemanticVersion(s)! }
    XCTAssertLessThan(v("1.4.0"), v("1.5.0"))
    XCTAssertLessThan(v("1.9.0"), v("1.10.0"))
    XCTAssertLessThan(v("1.4.0-rc.1"), v("1.4.0"))
    XCTAssertLessThan(v("1.4.0-alpha"), v("1.4.0-beta"))
    XCTAssertLessThan(v("1.4.0-alpha.2"), v("1.4.0-alpha.10"))
    XCTAssertLessThan(v("1.4.0-9"), v("1.4.0-alpha"))
    XCTAssertEqual(v("1.4.0+a"), v("1.4.0+b"), "build metadata does not count")
    XCTAssertFalse(v("2.0.0") < v("1.99.99"))
  }
}
