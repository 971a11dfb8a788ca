import Foundation
import MLPolicy
import MLSpec
import XCTest

final class ProtectedAttributeRulesTests: XCTestCase {
  func spec(features: [String], sensitive: [String] = []) -> String {
    var text = "apiVersion: mlgit/v1\nname: credit-risk\nversion: 1.0.0\nowner: risk\nfeatures:\n"
    for feature in features { text += "  - \(feature)\n" }
    if !sensitive.isEmpty { text += "sensitive_attributes:\n" + sensitive.map { "  - \($0)\n" }.joined() }
    return text + "hyperparameters:\n  depth: 4\n"
  }

  func check(_ specText: String, config: String? = nil, files: [FileChange] = []) throws -> [Finding] {
    let policy = try EffectivePolicy.load(config: config.map { Data($0.utf8) })
    let snapshot = SpecSnapshot(path: "models/credit.yaml", blob: nil, data: Data(specText.utf8))
    let changes = ChangeSet(
      origin: ChangeOrigin(commit: nil),
      specs: [ModelChange(path: "models/credit.yaml", old: nil, new: snapshot)], files: files)
    return PolicyEngine().evaluate(changes, in: PolicyContext(policy: policy, stage: .commit, branch: "main"))
  }

  func testProtectedFeatureIsAnErrorAtItsLocation() throws {
    let findings = try check(spec(features: ["income", "applicant_race"]))
    XCTAssertEqual(findings.count, 1, "\(findings)")
    let f = try XCTUnwrap(findings.first)
    XCTAssertEqual(f.rule, "features/protected")
    XCTAssertEqual(f.severity, .error)
    XCTAssertEqual(f.message, "feature 'applicant_race' is the protected attribute 'race'")
    XCTAssertEqual(f.hint, "remove it from features; for fairness slices list it under sensitive_attributes")
    XCTAssertEqual([f.line, f.column], [7, 5])
  }

  func testMatchedEntryIsNamedWhenItIsNotTheCategory() throws {
    let findings = try check(spec(features: ["is_female"]))
    XCTAssertEqual(findings.map(\.message), ["feature 'is_female' is the protected attribute 'sex' (matches 'female')"])
  }

  func testProxyIsAWarningNamingTheCategory() throws {
    let findings = try check(spec(features: ["income", "zip_code"]))
    XCTAssertEqual(findings.map(\.rule), ["features/proxy"])
    XCTAssertEqual(findings.first?.severity, .warning)
    XCTAssertEqual(findings.first?.message, "feature 'zip_code' is a known proxy for 'race' (matches 'zip code')")
  }

  func testSensitiveAttributesAreNotInputs() throws {
    XCTAssertEqual(try check(spec(features: ["income"], sensitive: ["gender", "age"])), [])
    let findings = try check(spec(features: ["income", "Gender"], sensitive: ["gender"]))
    XCTAssertEqual(findings.map(\.rule), ["features/protected"])
    XCTAssertEqual(findings.first?.message, "feature 'Gender' is also listed in sensitive_attributes (line 9)")
    // Any name, protected or not, cannot be both.
    XCTAssertEqual(
      try check(spec(features: ["income", "region"], sensitive: ["region"])).map(\.rule), ["features/protected"])
  }

  func testExceptionIsPrintedAsAllowedNotDropped() throws {
    let config = """
      apiVersion: mlgit/v1
      exceptions:
        - {model: credit-risk, feature: applicant_age, justification: "actuarial pricing permitted under state law X"}
        - {model: credit-risk, feature: zip_code, justification: "flood risk"}
        - {model: other-model, feature: gender, justification: "not this model"}

      """
    let findings = try check(spec(features: ["applicant_age", "zip_code", "gender"]), config: config)
    XCTAssertEqual(findings.map(\.severity), [.note, .note, .error], "\(findings)")
    XCTAssertEqual(
      findings[0].message,
      "feature 'applicant_age' is the protected attribute 'age', allowed for model 'credit-risk' by an exception: actuarial pricing permitted under state law X"
    )
    XCTAssertEqual(findings[1].rule, "features/proxy")
    XCTAssertTrue(findings[1].message.hasSuffix("allowed for model 'credit-risk' by an exception: flood risk"))
    XCTAssertEqual(findings[2].message, "feature 'gender' is the protected attribute 'sex' (matches 'gender')")
    XCTAssertTrue(EffectivePolicy.isPolicyPath(".mlgit/config.yml"), "an exception is a policy change")
  }

  func testExceptionAlsoAllowsSlicingByTheFeature() throws {
    let config = """
      apiVersion: mlgit/v1
      exceptions:
        - {model: credit-risk, feature: age, justification: "actuarial"}

      """
    let findings = try check(spec(features: ["income", "age"], sensitive: ["age"]), config: config)
    XCTAssertEqual(findings.map(\.severity), [.note], "\(findings)")
  }

  func testConfigExtendsTheLists() throws {
    let config = """
      apiVersion: mlgit/v1
      protected_attributes:
        caste: [caste, jati, varna]
        religion: [faith]
      proxies:
        caste: [village name]

      """
    let findings = try check(
      spec(features: ["applicant_caste", "faith_score", "villageName", "income"]), config: config)
    XCTAssertEqual(
      findings.map(\.message),
      [
        "feature 'applicant_caste' is the protected attribute 'caste'",
        "feature 'faith_score' is the protected attribute 'religion' (matches 'faith')",
        "feature 'villageName' is a known proxy for 'caste' (matches 'village name')",
      ])
    // The shipped lists stay in force.
    XCTAssertEqual(try check(spec(features: ["race"]), config: config).map(\.rule), ["features/protected"])
  }

  func testRegimePacksExtendDefaultAndNameTheirSources() throws {
    for (pack, name, category) in [
      ("us-ecoa", "receives_public_assistance", "public_assistance"),
      ("us-eeoc", "is_over_40", "age"),
      ("eu-gdpr-art9", "sex_life_score", "sexual_orientation"),
    ] {
      let config = "apiVersion: mlgit/v1\nextends: [\(pack)]\n"
      let policy = try EffectivePolicy.load(config: Data(config.utf8))
      XCTAssertEqual(policy.sources, ["default", pack, ".mlgit/config.yml"])
      XCTAssertNotNil(policy.legalSources[pack], "\(pack) names its legal source")
      XCTAssertNotNil(policy.legalSources["default"])
      XCTAssertEqual(policy.attributeMatcher.protectedMatches(name).map(\.category), [category], pack)
      XCTAssertEqual(policy.attributeMatcher.protectedMatches("applicant_race").map(\.category), ["race"], pack)
      XCTAssertEqual(policy.severity(of: "spec/schema"), .error)
      XCTAssertEqual(policy.severity(of: "spec/version-bump"), .warning)
    }
    // Not in force without the pack.
    XCTAssertEqual(try EffectivePolicy.builtIn().attributeMatcher.protectedMatches("receives_public_assistance"), [])
  }

  func testDefaultPackSeverities() throws {
    let policy = try EffectivePolicy.builtIn()
    XCTAssertEqual(policy.severity(of: "features/protected"), .error)
    XCTAssertEqual(policy.severity(of: "features/proxy"), .warning)
    XCTAssertEqual(policy.severity(of: "data/protected-columns"), .warning)
    XCTAssertEqual(policy.severity(of: "spec/schema"), .error)
    XCTAssertEqual(policy.severity(of: "spec/version-bump"), .warning)
  }

  func testDataHeaderColumnsAreChecked() throws {
    let csv = FileChange(
      path: "data/train.csv", oldBlob: nil, newBlob: "b1",
      newPrefix: Data("\u{FEFF}income,\"Applicant Gender\",zip_code\r\n1,f,02139\n".utf8))
    let tsv = FileChange(
      path: "data/train.tsv", oldBlob: nil, newBlob: "b2", newPrefix: Data("income\tage\n1\t30\n".utf8))
    let elsewhere = FileChange(path: "exports/train.csv", oldBlob: nil, newBlob: "b3", newPrefix: Data("gender\n".utf8))
    let deleted = FileChange(path: "data/old.csv", oldBlob: "b4", newBlob: nil, newPrefix: nil)
    let findings = try check(spec(features: ["income"]), files: [csv, tsv, elsewhere, deleted])
    XCTAssertEqual(
      findings.map { "\($0.path):\($0.line):\($0.column) \($0.rule) \($0.message)" },
      [
        "data/train.csv:1:8 data/protected-columns column 'Applicant Gender' is the protected attribute 'sex' (matches 'gender')",
        "data/train.tsv:1:8 data/protected-columns column 'age' is the protected attribute 'age'",
      ])
    XCTAssertEqual(findings.first?.severity, .warning)
  }

  func testCutOffHeaderDoesNotJudgeHalfAName() throws {
    // 64 KiB of header with no line end: the last, cut-off field is left out.
    let long = (0..<9000).map { "col\($0)" }.joined(separator: ",")
    var bytes = Data((long + ",gender_x").utf8)
    bytes = bytes.prefix(64 * 1024)
    let file = FileChange(path: "data/wide.csv", oldBlob: nil, newBlob: "b", newPrefix: bytes)
    XCTAssertEqual(try check(spec(features: ["income"]), files: [file]), [])
  }

  func testExplainListsCategoriesProxiesSourcesAndExceptions() throws {
    let config = """
      apiVersion: mlgit/v1
      extends: [eu-gdpr-art9]
      protected_attributes:
        caste: [caste]
      exceptions:
        - {model: credit-risk, feature: zip_code, justification: "flood risk"}

      """
    let policy = try EffectivePolicy.load(config: Data(config.utf8))
    let text = try XCTUnwrap(RuleRegistry.rule(id: "features/protected")?.details(for: policy))
    for expected in [
      "  race: race, racial", "  caste: caste", "  age: age, date of birth", "    not: account age",
      "proxies in force", "  race: zip, zipcode", "  eu-gdpr-art9: GDPR", "  default: Common protected",
      "model 'credit-risk', feature 'zip_code': flood risk", "sex life",
    ] {
      XCTAssertTrue(text.contains(expected), "explain lacks '\(expected)':\n\(text)")
    }
  }

  func testEveryOneOfAThousandFeaturesIsJudged() throws {
    // Not a timed assertion (bench/features-bench.sh measures); checks every name is judged.
    let names = (0..<1000).map { i in ["income_\(i)", "applicant_race_\(i)", "zip_code_\(i)", "page_views_\(i)"][i % 4]
    }
    let findings = try check(spec(features: names))
    XCTAssertEqual(findings.filter { $0.rule == "features/protected" }.count, 250)
    XCTAssertEqual(findings.filter { $0.rule == "features/proxy" }.count, 250)
  }
}
