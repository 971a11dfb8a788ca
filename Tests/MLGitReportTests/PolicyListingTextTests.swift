import Foundation
import MLGitReport
import MLPolicy
import XCTest

/// `policy list` and `policy show` as text, on a policy read from a config.
final class PolicyListingTextTests: XCTestCase {
  static let config = """
    apiVersion: mlgit/v1
    protected_branches: [main, "release/*"]
    reviewers: [carol@example.com]
    rules:
      hyperparameters/review: {severity: warning, approvals: 2}
      acme/license:
        message: every model names its license
        check: {field: license, required: true}
    exceptions:
      - model: credit-risk
        feature: applicant_age
        justification: "age-based pricing required by the regulator"
    """

  func testListPadsIdsAndSeveritiesAndPaintsOnlyTheSeverity() throws {
    let policy = try EffectivePolicy.load(config: Data(Self.config.utf8))
    let text = PolicyListing.listText(policy, source: "test", style: TextStyle(enabled: false))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    XCTAssertEqual(lines.first, "policy in force: test")
    XCTAssertEqual(lines.last, "")
    let width = (RuleRegistry.builtInRules.map(\.id) + ["acme/license"]).map(\.count).max() ?? 0
    XCTAssertEqual(lines.count, RuleRegistry.builtInRules.count + 3)
    XCTAssertEqual(
      lines[lines.count - 2],
      "acme/license".padding(toLength: width, withPad: " ", startingAt: 0)
        + "  error    every model names its license: 'license' is required (team rule, .mlgit/config.yml)")
    let review = try XCTUnwrap(lines.first { $0.hasPrefix("hyperparameters/review ") })
    XCTAssertEqual(
      review,
      "hyperparameters/review".padding(toLength: width, withPad: " ", startingAt: 0)
        + "  warning  A change of hyperparameters needs `approvals` approvals from `reviewers` (empty: anyone but the author); options: approvals, enforce (commit|push), new_specs"
    )

    let painted = PolicyListing.listText(policy, source: "test", style: TextStyle(enabled: true))
    XCTAssertTrue(painted.contains("  \u{1B}[1;33mwarning\u{1B}[0m  "), painted)
  }

  func testShowListsSettingsOptionsAndExceptions() throws {
    let policy = try EffectivePolicy.load(config: Data(Self.config.utf8))
    let text = PolicyListing.showText(policy, source: "test")
    XCTAssertEqual(
      text,
      """
      policy in force: test
      specs: models/**/*.yaml, models/**/*.yml, models/**/*.json
      data: data/**/*.csv, data/**/*.tsv
      protected branches: main, release/*
      reviewers: carol@example.com
      signed reviews required: no
      rules:
        spec/schema: error
        spec/version-bump: warning
        features/protected: error
        features/proxy: warning
        data/protected-columns: warning
        data/schema: off
        runs/required: off
        metrics/threshold: off
        metrics/slices: off
        metrics/fairness: off
        metrics/baseline: off
        metrics/regression: off
        runs/clean-tree: off
        runs/seed: off
        runs/budget: off
        runs/stale: off
        runs/reproduced: off
        hyperparameters/review: warning {approvals: 2, branches: "protected", enforce: "push"}
        policy/review: error {approvals: 1, branches: "protected", enforce: "push"}
        commits/signed: off
        acme/license: error {check: {"field":"license","required":true}, message: "every model names its license"}
      exception: feature 'applicant_age' allowed for model 'credit-risk': age-based pricing required by the regulator

      """)
  }
}
