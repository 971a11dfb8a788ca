import Foundation
import XCTest

/// Hugging Face model cards as specs: a README.md matched by `specs:` whose YAML front
/// matter holds the spec's fields, judged by the same rules at the card's own lines.
final class ModelCardTests: XCTestCase {
  func repository() -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitFile(
      ".mlgit/config.yml",
      """
      apiVersion: mlgit/v1
      specs: ["models/**/*.yaml", "models/**/README.md"]

      """, "policy")
    return repo
  }

  /// A card as the Hub writes them, with the spec's fields beside its metadata; lines:
  /// 1 ---, 2 license, 3 language, 4 tags…, 6 apiVersion … 11 features:, 12-13 items.
  static func card(features: [String] = ["income", "debt_ratio"]) -> String {
    """
    ---
    license: apache-2.0
    language: [en]
    tags: [tabular-classification]
    library_name: sklearn
    apiVersion: mlgit/v1
    name: credit-risk
    version: 1.4.0
    owner: risk-team
    task: binary-classification
    features:
    \(features.map { "  - \($0)" }.joined(separator: "\n"))
    hyperparameters:
      max_depth: 6
      seed: 42
    model-index:
      - name: credit-risk
        results:
          - task: {type: tabular-classification}
            dataset: {name: loans, type: loans}
            metrics:
              - {type: auc, value: 0.81}
    ---

    # credit-risk

    A gradient-boosted model of loan default.

    """
  }

  func testAValidCardIsAcceptedAndAProtectedFeatureRefusedAtItsLine() {
    let repo = repository()
    repo.write("models/credit/README.md", ModelCardTests.card(features: ["income", "applicant_race"]))
    repo.stage("models/credit/README.md")
    let refused = repo.git("commit", "-q", "-m", "credit card")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit/README.md:13:5: error: feature 'applicant_race' is the protected attribute 'race' [features/protected]"
      ),
      refused.stderr)
    repo.write("models/credit/README.md", ModelCardTests.card())
    repo.stage("models/credit/README.md")
    let accepted = repo.git("commit", "-q", "-m", "credit card")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertFalse(accepted.stderr.contains("unknown field"), accepted.stderr)
    // A field that is neither the spec's nor the Hub's is still unknown, at its card line.
    repo.write(
      "models/credit/README.md",
      ModelCardTests.card().replacingOccurrences(of: "library_name: sklearn", with: "libary: sklearn"))
    repo.stage("models/credit/README.md")
    let check = repo.mlgit("check", "--staged")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(
      check.stdout.contains("models/credit/README.md:5:1: error: unknown field 'libary' [spec/schema]")
        || check.stderr.contains("models/credit/README.md:5:1: error: unknown field 'libary' [spec/schema]"),
      check.output)
  }

  func testACardWithoutFrontMatterOrWithAListIsAnErrorAtLineOne() {
    let cases: [(content: String, message: String)] = [
      ("# credit-risk\n\nNo metadata.\n", "a Markdown spec needs YAML front matter between '---' lines at the top"),
      (
        "---\n- income\n- debt_ratio\n---\n# credit-risk\n",
        "the front matter must be a mapping of the spec's fields, found a list"
      ),
      ("---\nname: credit-risk\n# never closed\n", "the front matter is not closed by a '---' line"),
    ]
    for c in cases {
      let repo = repository()
      repo.write("models/credit/README.md", c.content)
      repo.stage("models/credit/README.md")
      let commit = repo.git("commit", "-q", "-m", "credit card")
      XCTAssertNotEqual(commit.status, 0, commit.output)
      XCTAssertTrue(
        commit.stderr.contains("models/credit/README.md:1:1: error: \(c.message) [spec/schema]"), commit.stderr)
    }
  }
}
