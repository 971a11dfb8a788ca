import XCTest

/// Protected attributes and their proxies, through the installed pre-commit hook and `mlgit check`.
final class ProtectedAttributesTests: XCTestCase {
  /// A repository with the hooks installed and, when given, a config committed at HEAD.
  func repository(config: String? = nil) -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    if let config {
      repo.write(".mlgit/config.yml", config)
      repo.stage()
      repo.commitFixture("policy")
    }
    return repo
  }

  func testProtectedFeatureIsRefusedWithRuleAndLocation() {
    let repo = repository()
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "applicant_race"]))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:8:5: error: feature 'applicant_race' is the protected attribute 'race' [features/protected]"
      ),
      result.stderr)
    XCTAssertTrue(
      result.stderr.contains(
        "hint: remove it from features; for fairness slices list it under sensitive_attributes"), result.stderr)
    XCTAssertEqual(repo.git("rev-parse", "--verify", "-q", "HEAD").status, 1, "no commit may be made")
  }

  func testProxyWarningLetsTheCommitThrough() {
    let repo = repository()
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "zipCode"]))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:8:5: warning: feature 'zipCode' is a known proxy for 'race' (matches 'zip code') [features/proxy]"
      ),
      result.stderr)
    XCTAssertEqual(repo.git("rev-parse", "--verify", "-q", "HEAD").status, 0)
  }

  func testNameInFeaturesAndSensitiveAttributesIsRefused() {
    let repo = repository()
    repo.write(
      "models/credit.yaml", Fixtures.spec(features: ["income", "gender"], extra: "sensitive_attributes:\n  - gender\n"))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:8:5: error: feature 'gender' is also listed in sensitive_attributes (line 14) [features/protected]"
      ),
      result.stderr)
  }

  func testSensitiveAttributesAloneAreAccepted() {
    let repo = repository()
    repo.write(
      "models/credit.yaml", Fixtures.spec(features: ["income"], extra: "sensitive_attributes:\n  - gender\n  - age\n"))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(result.stderr, "", "nothing to report")
  }

  static let exceptionConfig = """
    apiVersion: mlgit/v1
    exceptions:
      - model: credit-risk
        feature: applicant_age
        justification: "age-based pricing required by the state insurance regulator (filing 2024-17)"

    """

  func testExceptionInHeadsConfigIsPrintedAsAllowed() {
    let repo = repository(config: ProtectedAttributesTests.exceptionConfig)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "applicant_age"]))
    repo.stage()
    let expected =
      "models/credit.yaml:8:5: note: feature 'applicant_age' is the protected attribute 'age', allowed for model 'credit-risk' by an exception: age-based pricing required by the state insurance regulator (filing 2024-17) [features/protected]"
    let check = repo.mlgit("check", "--staged")
    XCTAssertEqual(check.status, 0, check.output)
    XCTAssertTrue(check.stdout.contains(expected), check.stdout)
    let json = repo.mlgit("check", "--staged", "--format", "json")
    XCTAssertTrue(json.stdout.contains("\"severity\" : \"note\""), json.stdout)
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.stderr.contains(expected), result.stderr)
  }

  func testExceptionInTheSameCommitDoesNotApply() {
    // A commit is judged by the policy before it: it cannot write its own exception.
    let repo = repository(config: "apiVersion: mlgit/v1\n")
    repo.write(".mlgit/config.yml", ProtectedAttributesTests.exceptionConfig)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "applicant_age"]))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model and its exception")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:8:5: error: feature 'applicant_age' is the protected attribute 'age' [features/protected]"),
      result.stderr)
  }

  func testCSVHeaderWithGenderIsWarnedAboutWhateverItsSize() {
    let repo = repository()
    var csv = "income,gender,defaulted\n"
    let row = "52000,f,0\n"
    csv.reserveCapacity(4_000_000)
    for _ in 0..<400_000 { csv += row }
    repo.write("data/train.csv", csv)
    repo.write("data/other.csv", "income,page_views\n1,2\n")
    repo.stage()
    let result = repo.git("commit", "-m", "add training data")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "data/train.csv:1:8: warning: column 'gender' is the protected attribute 'sex' (matches 'gender') [data/protected-columns]"
      ),
      result.stderr)
    XCTAssertFalse(result.stderr.contains("data/other.csv"), result.stderr)
  }

  func testConfigExtendingGDPRArticle9IsInForce() {
    let repo = repository(config: "apiVersion: mlgit/v1\nextends: [eu-gdpr-art9]\n")
    let explain = repo.mlgit("policy", "explain", "features/protected")
    XCTAssertEqual(explain.status, 0, explain.output)
    XCTAssertTrue(
      explain.stdout.contains("in force: error (default + eu-gdpr-art9 + .mlgit/config.yml (from HEAD))"),
      explain.stdout)
    XCTAssertTrue(explain.stdout.contains("eu-gdpr-art9: GDPR, Regulation (EU) 2016/679, Art. 9(1)"), explain.stdout)
    XCTAssertTrue(explain.stdout.contains("sexual_orientation: sexual orientation, sexuality"), explain.stdout)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "sexLifeScore"]))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:8:5: error: feature 'sexLifeScore' is the protected attribute 'sexual_orientation' (matches 'sex life') [features/protected]"
      ),
      result.stderr)
  }

  func testConfigCategoryOfItsOwnIsHonoured() {
    let repo = repository(
      config: """
        apiVersion: mlgit/v1
        protected_attributes:
          caste: [caste, jati]
        proxies:
          caste: [village name]

        """)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "applicant_jati", "village_name"]))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:8:5: error: feature 'applicant_jati' is the protected attribute 'caste' (matches 'jati') [features/protected]"
      ),
      result.stderr)
    XCTAssertTrue(
      result.stderr.contains(
        "models/credit.yaml:9:5: warning: feature 'village_name' is a known proxy for 'caste' (matches 'village name') [features/proxy]"
      ),
      result.stderr)
  }
}
