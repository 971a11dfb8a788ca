import Foundation
import MLGitReport
import MLPolicy
import XCTest

/// `policy explain` as text: a team rule, and one of mlgit's with its examples.
final class RuleExplanationTests: XCTestCase {
  func testTeamRule() throws {
    let policy = try EffectivePolicy.load(config: Data(PolicyListingTextTests.config.utf8))
    let team = try XCTUnwrap(policy.teamRules.first)
    XCTAssertEqual(
      RuleExplanation.text(team, policy: policy, source: "test"),
      """
      acme/license: 'license' is required
      team rule declared in .mlgit/config.yml:6; default severity: error; in force: error (test)

      options (besides severity):
        check: a check: {field: …}, {features_forbidden: […]} or {command: […]} (in force: {"field":"license","required":true})
          what the rule checks: a field, forbidden features or a command
        message: text (in force: every model names its license)
          said before each finding's own text
        timeout: a number of seconds above 0, at most 600 (unset: 10)
          how long a command check may run (seconds)
        branches: a branch glob, a list of them, or 'protected' (unset: every branch)
          limits the rule to changes going to these branches (globs; `protected`: the protected_branches list)

      """)
  }

  func testBuiltInRuleShowsItsExamples() throws {
    let policy = try EffectivePolicy.builtIn()
    let rule = try XCTUnwrap(RuleRegistry.rule(id: "hyperparameters/review"))
    let text = RuleExplanation.text(rule, policy: policy, source: "test")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    XCTAssertEqual(
      Array(lines.prefix(2)),
      [
        "hyperparameters/review: A change of hyperparameters needs `approvals` approvals from `reviewers` (empty: anyone but the author); options: approvals, enforce (commit|push), new_specs",
        "default severity: error; in force: error (test)",
      ])
    XCTAssertEqual(
      lines.filter { $0.hasPrefix("example ") }.count,
      type(of: rule).description.examples.count)
    XCTAssertTrue(text.hasSuffix("\n"), text)
    // A run gate's examples show their runs, the clock and what the rule reports.
    let gate = try XCTUnwrap(RuleRegistry.rule(id: "runs/required"))
    let gateText = RuleExplanation.text(gate, policy: policy, source: "test")
    XCTAssertTrue(gateText.contains("  judged at a push to main, clock 2026-01-15T00:00:00Z\n"), gateText)
    XCTAssertTrue(gateText.contains("\n  => "), gateText)
  }
}
