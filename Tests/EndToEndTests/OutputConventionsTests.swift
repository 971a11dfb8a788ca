import Foundation
import XCTest

/// `mlgit check --format github`, SARIF fingerprints and rule help, `--color`.
final class OutputConventionsTests: XCTestCase {
  /// A staged spec whose line 8 lists a protected attribute.
  func stagedProtectedFeature(extraLinesAbove: Int = 0) -> TempRepository {
    let repo = TempRepository()
    let spec =
      String(repeating: "# note\n", count: extraLinesAbove) + Fixtures.spec(features: ["income", "applicant_race"])
    repo.write("models/credit.yaml", spec)
    repo.stage()
    return repo
  }

  func testGitHubFormatPrintsWorkflowCommandAnnotations() {
    let repo = stagedProtectedFeature()
    let result = repo.mlgit("check", "--staged", "--format", "github")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertEqual(
      result.stdout,
      """
      ::error file=models/credit.yaml,line=8,col=5,title=features/protected::feature 'applicant_race' is the protected attribute 'race'%0Ahint: remove it from features; for fairness slices list it under sensitive_attributes
      mlgit: staged change: 1 error, 0 warnings

      """)
  }

  func testGitHubFormatEncodesWhatWouldEndTheCommand() {
    let repo = TempRepository()
    repo.write("models/a,b:c.yaml", Fixtures.spec(features: ["income", "applicant_race"]))
    repo.stage()
    let result = repo.mlgit("check", "--staged", "--format", "github")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.hasPrefix("::error file=models/a%2Cb%3Ac.yaml,line=8,col=5,title=features/protected::"),
      result.stdout)
    XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }.count, 1, result.stdout)
  }

  func testSARIFFingerprintsIgnoreTheLineAndRulesCarryHelp() throws {
    func sarif(_ repo: TempRepository) throws -> [String: Any] {
      let result = repo.mlgit("check", "--staged", "--format", "sarif")
      XCTAssertEqual(result.status, 1, result.output)
      let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      return try XCTUnwrap((document["runs"] as? [[String: Any]])?.first)
    }
    let first = try sarif(stagedProtectedFeature())
    let moved = try sarif(stagedProtectedFeature(extraLinesAbove: 3))
    func fingerprintAndLine(_ run: [String: Any]) throws -> (String, Int) {
      let result = try XCTUnwrap((run["results"] as? [[String: Any]])?.first)
      XCTAssertEqual(result["ruleId"] as? String, "features/protected")
      let fingerprint = try XCTUnwrap((result["partialFingerprints"] as? [String: String])?["mlgitFinding/v1"])
      let region =
        (((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"])
        as? [String: Any]
      return (fingerprint, try XCTUnwrap(region?["startLine"] as? Int))
    }
    let (a, lineA) = try fingerprintAndLine(first)
    let (b, lineB) = try fingerprintAndLine(moved)
    XCTAssertEqual([lineA, lineB], [8, 11])
    XCTAssertEqual(a, b)
    XCTAssertEqual(a.count, 64)

    let rules = try XCTUnwrap(
      ((first["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
    let rule = try XCTUnwrap(rules.first { $0["id"] as? String == "features/protected" })
    let help = try XCTUnwrap((rule["help"] as? [String: String])?["text"])
    let summary = try XCTUnwrap((rule["shortDescription"] as? [String: String])?["text"])
    XCTAssertTrue(help.hasPrefix(summary + "\n\n"), help)
    XCTAssertTrue(help.hasSuffix("Options and examples: mlgit policy explain features/protected"), help)
    XCTAssertFalse(rules.contains { ($0["help"] as? [String: String])?["text"]?.isEmpty ?? true })
  }

  func testColorAlwaysNeverAndNoColor() {
    let repo = stagedProtectedFeature()
    let plain = "models/credit.yaml:8:5: error: feature 'applicant_race'"
    // The tests run with NO_COLOR=1: auto is plain, always wins over it.
    XCTAssertTrue(repo.mlgit("check", "--staged").stdout.hasPrefix(plain))
    XCTAssertTrue(repo.mlgit("check", "--staged", "--color", "never").stdout.hasPrefix(plain))
    let always = repo.mlgit("check", "--staged", "--color", "always")
    XCTAssertEqual(always.status, 1, always.output)
    XCTAssertTrue(
      always.stdout.hasPrefix(
        "\u{1B}[1mmodels/credit.yaml:8:5\u{1B}[0m: \u{1B}[1;31merror\u{1B}[0m: feature 'applicant_race'"), always.stdout
    )
    let bad = repo.mlgit("check", "--staged", "--color", "sometimes")
    XCTAssertEqual(bad.status, 2, bad.output)
  }
}
