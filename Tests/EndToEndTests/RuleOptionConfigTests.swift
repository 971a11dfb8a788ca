import Foundation
import XCTest

/// Rule options in `.mlgit/config.yml` are checked by name, type and range: a bad one
/// is a config error at its line (exit 2), never a crash and never silently ignored.
final class RuleOptionConfigTests: XCTestCase {
  /// A repository whose committed config sets `rules:` to `rules` (committed with hooks
  /// skipped, as `--no-verify` would), and a staged hyperparameter change.
  func repository(rules: String) -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    repo.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n\(rules)", "policy")
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.5.0",
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"))
    repo.stage("models/credit.yaml")
    return repo
  }

  func testOutOfRangeNumbersAreAConfigErrorNotACrash() {
    for value in ["1e300", ".inf", ".nan", "-1", "99999999999999999999"] {
      let repo = repository(rules: "  hyperparameters/review: {severity: error, approvals: \(value)}\n")
      let expected =
        ".mlgit/config.yml:3:56: error: rule 'hyperparameters/review': 'approvals' must be a whole number from 0 to 100, found \(value)"
      let check = repo.mlgit("check", "--staged")
      XCTAssertEqual(check.status, 2, "\(value): \(check.output)")
      XCTAssertTrue(check.stderr.contains(expected), check.stderr)
      // The hook refuses the commit with the same error; nothing is committed.
      let head = repo.head
      let commit = repo.git("commit", "-q", "-m", "deeper trees")
      XCTAssertNotEqual(commit.status, 0, commit.output)
      XCTAssertTrue(commit.stderr.contains(expected), commit.stderr)
      XCTAssertEqual(repo.head, head)
      // History checks and the review commands read the same policy.
      repo.commitFixture("deeper trees")
      let range = repo.mlgit("check", "--range", "HEAD~1..HEAD")
      XCTAssertEqual(range.status, 2, range.output)
      XCTAssertTrue(
        range.stderr.contains("rule 'hyperparameters/review': 'approvals' must be a whole number"), range.stderr)
      let status = repo.mlgit("review", "status", "HEAD")
      XCTAssertEqual(status.status, 2, status.output)
      XCTAssertTrue(status.stderr.contains("found \(value)"), status.stderr)
    }
  }

  func testMisspeltOrInvalidOptionsAreRefusedAtTheirLine() {
    let cases: [(rules: String, error: String, hint: String?)] = [
      (
        "  hyperparameters/review: {severity: error, aprovals: 2}\n",
        ".mlgit/config.yml:3:45: error: rule 'hyperparameters/review' has no option 'aprovals'",
        "did you mean 'approvals'?"
      ),
      (
        "  hyperparameters/review:\n    approvals: two\n",
        ".mlgit/config.yml:4:16: error: rule 'hyperparameters/review': 'approvals' must be a whole number from 0 to 100, found 'two'",
        nil
      ),
      (
        "  hyperparameters/review:\n    enforce: sometimes\n",
        ".mlgit/config.yml:4:14: error: rule 'hyperparameters/review': 'enforce' must be 'commit' or 'push', found 'sometimes'",
        nil
      ),
      (
        "  hyperparameters/review:\n    new_spec: true\n",
        ".mlgit/config.yml:4:5: error: rule 'hyperparameters/review' has no option 'new_spec'",
        "did you mean 'new_specs'?"
      ),
      (
        "  runs/required: {severity: error, branches: [main, 7]}\n",
        ".mlgit/config.yml:3:46: error: rule 'runs/required': 'branches' must be a branch glob, a list of them, or 'protected', found a list",
        nil
      ),
    ]
    for c in cases {
      let repo = repository(rules: c.rules)
      let check = repo.mlgit("check", "--staged")
      XCTAssertEqual(check.status, 2, "\(c.rules): \(check.output)")
      XCTAssertTrue(check.stderr.contains(c.error), "\(c.rules): \(check.stderr)")
      if let hint = c.hint { XCTAssertTrue(check.stderr.contains("hint: \(hint)"), check.stderr) }
      let explain = repo.mlgit("policy", "explain", "hyperparameters/review")
      XCTAssertEqual(explain.status, 2, explain.output)
      XCTAssertTrue(explain.stderr.contains(c.error), explain.stderr)
    }
  }

  func testPolicyExplainListsTheOptions() {
    let repo = TempRepository()
    repo.commitFile(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: {approvals: 2}\n", "policy")
    let explain = repo.mlgit("policy", "explain", "hyperparameters/review")
    XCTAssertEqual(explain.status, 0, explain.output)
    XCTAssertTrue(explain.stdout.contains("  approvals: a whole number from 0 to 100 (in force: 2)\n"), explain.stdout)
    XCTAssertTrue(explain.stdout.contains("  enforce: 'commit' or 'push' (in force: push)\n"), explain.stdout)
    XCTAssertTrue(explain.stdout.contains("  new_specs: true or false (unset: false)\n"), explain.stdout)
    XCTAssertTrue(
      explain.stdout.contains("  branches: a branch glob, a list of them, or 'protected' (in force: protected)\n"),
      explain.stdout)
    let gate = repo.mlgit("policy", "explain", "runs/required")
    XCTAssertTrue(
      gate.stdout.contains("  branches: a branch glob, a list of them, or 'protected' (unset: protected_branches)\n"),
      gate.stdout)
  }
}
