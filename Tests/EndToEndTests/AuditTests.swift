import Foundation
import XCTest

/// `mlgit audit`: a history of good commits, a `--no-verify` bypass, an approved and an
/// unapproved hyperparameter change, and runs, read back as text, JSON and HTML.
final class AuditTests: XCTestCase {
  static let validation = "validation:\n  metrics:\n    auc: {min: 0.78}\n"

  struct History {
    let repo: TempRepository
    let first, tuned, bypass, retuned, churn: String
  }

  /// credit-risk: added, tuned (approved by bob), tuned again by alice (not approved);
  /// churn: added, then a protected feature committed with --no-verify.
  func makeHistory() -> History {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    func commit(_ message: String, noVerify: Bool = false) -> String {
      repo.stage()
      let result = repo.git(["commit", "-q", "-m", message] + (noVerify ? ["--no-verify"] : []))
      XCTAssertEqual(result.status, 0, result.output)
      return repo.head
    }
    func run(_ spec: String, _ metrics: String, exit: Int = 0) {
      repo.write("metrics.json", metrics)
      let result = repo.mlgit("run", "record", "--spec", spec, "--metrics", "metrics.json", "--exit", String(exit))
      XCTAssertEqual(result.status, 0, result.output)
    }
    func approve(_ path: String, reviewer: String, signature: String? = nil) {
      let blob = repo.git("rev-parse", "HEAD:\(path)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let signed = signature.map { ",\"signature\":\"\($0)\"" } ?? ""
      let line = "{\"at\":\"2026-02-01T10:00:00Z\",\"blob\":\"\(blob)\",\"decision\":\"approve\",\"hyperparameters\":\"ab\","
        + "\"path\":\"\(path)\",\"reviewer\":\"\(reviewer)\",\"schema\":\"mlgit.review/1\"\(signed)}"
      XCTAssertEqual(repo.git("notes", "--ref=mlgit/reviews", "add", "-m", line, blob).status, 0)
    }
    repo.write(".gitignore", "metrics.json\n")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.0.0", extra: AuditTests.validation))
    let first = commit("credit: first model")
    run("models/credit.yaml", "{\"auc\": 0.74}")
    run("models/credit.yaml", "{\"auc\": 0.80}")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.1.0", features: ["income", "debt_ratio", "tenure"],
      hyperparameters: "  learning_rate: 0.1\n  max_depth: 6\n  seed: 42\n", extra: AuditTests.validation))
    let tuned = commit("credit: faster learning")
    approve("models/credit.yaml", reviewer: "bob@example.com", signature: "U1NIU0lH")
    run("models/credit.yaml", "{\"auc\": 0.83}")
    repo.write("models/churn.yaml", Fixtures.spec(name: "churn", version: "0.1.0"))
    let churn = commit("churn: first model")
    repo.write("models/churn.yaml", Fixtures.spec(name: "churn", version: "0.2.0", features: ["income", "applicant_race"]))
    let bypass = commit("churn: race as a feature", noVerify: true)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.2.0", features: ["income", "debt_ratio", "tenure"],
      hyperparameters: "  learning_rate: 0.2\n  max_depth: 6\n  seed: 42\n", extra: AuditTests.validation))
    let retuned = commit("credit: even faster")
    approve("models/credit.yaml", reviewer: "alice@example.com")  // the author's own: does not count
    run("models/credit.yaml", "{\"auc\": 0.79}", exit: 1)
    repo.commitFile("README.md", "docs\n", "docs only")
    return History(repo: repo, first: first, tuned: tuned, bypass: bypass, retuned: retuned, churn: churn)
  }

  func testTextNamesChangesApprovalsRunsAndTheBypass() {
    let h = makeHistory()
    let result = h.repo.mlgit("audit")
    XCTAssertEqual(result.status, 0, result.output)
    let text = result.stdout
    XCTAssertTrue(text.hasPrefix("mlgit audit: 2 models, 5 changes, 4 runs, "), text)
    XCTAssertTrue(text.contains(" (6 commits scanned)\n"), text)
    XCTAssertTrue(text.contains("credit-risk (owner risk-team; latest 1.2.0; models/credit.yaml)"), text)
    XCTAssertTrue(text.contains("\(h.tuned.prefix(8)) Alice Author <alice@example.com> 1.0.0 -> 1.1.0\n"), text)
    XCTAssertTrue(text.contains("      features: +tenure\n"), text)
    XCTAssertTrue(text.contains("      hyperparameter learning_rate: 0.05 -> 0.1\n"), text)
    XCTAssertTrue(text.contains("      approved: bob@example.com at 2026-02-01T10:00:00Z (signed, signature unverified)\n"), text)
    XCTAssertTrue(text.contains("      hyperparameter learning_rate: 0.1 -> 0.2\n"), text)
    XCTAssertTrue(text.contains("      NOT APPROVED: alice@example.com at 2026-02-01T10:00:00Z (unsigned)\n"), text)
    XCTAssertTrue(text.contains("on \(h.first.prefix(8)): exit 0, auc 0.74\n"), text)
    XCTAssertTrue(text.contains("on \(h.retuned.prefix(8)): exit 1, auc 0.79\n"), text)
    XCTAssertTrue(text.contains("\(h.bypass.prefix(8)) Alice Author <alice@example.com> 0.1.0 -> 0.2.0  BYPASS [features/protected]\n"), text)
    XCTAssertTrue(text.contains("      error: models/churn.yaml:8:5: feature 'applicant_race' is the protected attribute 'race' [features/protected]\n"), text)
    XCTAssertTrue(text.contains("  \(h.bypass.prefix(8)) "), text)
    XCTAssertTrue(text.contains(": models/churn.yaml [features/protected]\n"), text)
    // The other commits are no bypasses (with the review rule in force, the unapproved
    // hyperparameter change is one too: pre-push would have refused it).
    for line in text.split(separator: "\n") where line.contains("BYPASS") {
      XCTAssertTrue(line.hasPrefix("  2") && (line.contains(h.bypass.prefix(8)) || line.contains("\(h.retuned.prefix(8)) ") && line.hasSuffix("[hyperparameters/review]")), String(line))
    }

    let one = h.repo.mlgit("audit", "--model", "churn")
    XCTAssertEqual(one.status, 0, one.output)
    XCTAssertFalse(one.stdout.contains("credit-risk"), one.stdout)
    XCTAssertTrue(one.stdout.hasPrefix("mlgit audit: 1 model, 2 changes, 0 runs, 1 bypass"), one.stdout)
  }

  func testJSONIsTheDocumentedSchema() throws {
    let h = makeHistory()
    let result = h.repo.mlgit("audit", "--format", "json")
    XCTAssertEqual(result.status, 0, result.output)
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(document["schema"] as? String, "mlgit.audit/1")
    XCTAssertEqual(document["commitsScanned"] as? Int, 6)
    let summary = try XCTUnwrap(document["summary"] as? [String: Int])
    XCTAssertEqual(summary.filter { !["errors", "bypasses"].contains($0.key) }, ["models": 2, "changes": 5, "approvals": 2, "runs": 4, "warnings": 0])
    let reviewRule = summary["bypasses"] == 2  // hyperparameters/review in force: the unapproved change too
    XCTAssertEqual(summary["bypasses"], reviewRule ? 2 : 1)
    let models = try XCTUnwrap(document["models"] as? [[String: Any]])
    XCTAssertEqual(models.map { $0["name"] as? String }, ["credit-risk", "churn"])
    let credit = try XCTUnwrap(models.first)
    XCTAssertEqual(credit["latestVersion"] as? String, "1.2.0")
    XCTAssertEqual(credit["paths"] as? [String], ["models/credit.yaml"])
    let changes = try XCTUnwrap(credit["changes"] as? [[String: Any]])
    XCTAssertEqual(changes.map { $0["commit"] as? String }, [h.first, h.tuned, h.retuned])
    XCTAssertEqual(changes.map { $0["status"] as? String }, ["added", "modified", "modified"])

    let tuned = changes[1]
    XCTAssertEqual(tuned["version"] as? [String: String], ["old": "1.0.0", "new": "1.1.0"])
    XCTAssertEqual((tuned["features"] as? [String: [String]])?["added"], ["tenure"])
    let hyper = try XCTUnwrap(tuned["hyperparameters"] as? [[String: Any]])
    XCTAssertEqual(hyper.count, 1)
    XCTAssertEqual(hyper.first?["key"] as? String, "learning_rate")
    XCTAssertEqual(hyper.first?["old"] as? Double, 0.05)
    XCTAssertEqual(hyper.first?["new"] as? Double, 0.1)
    XCTAssertEqual(tuned["review"] as? [String: Bool], ["needed": true, "approved": true])
    let approval = try XCTUnwrap((tuned["approvals"] as? [[String: Any]])?.first)
    XCTAssertEqual(approval["reviewer"] as? String, "bob@example.com")
    XCTAssertEqual(approval["signed"] as? Bool, true)
    XCTAssertTrue(approval["valid"] is NSNull)
    let tunedRuns = try XCTUnwrap(tuned["runs"] as? [[String: Any]])
    XCTAssertEqual(tunedRuns.count, 1)
    XCTAssertEqual((tunedRuns.first?["metrics"] as? [String: Double])?["auc"], 0.83)
    XCTAssertEqual(tunedRuns.first?["exit"] as? Int, 0)
    XCTAssertEqual(tuned["bypass"] as? Bool, false)

    let retuned = changes[2]
    XCTAssertEqual(retuned["review"] as? [String: Bool], ["needed": true, "approved": false])
    XCTAssertEqual((retuned["approvals"] as? [[String: Any]])?.first?["signed"] as? Bool, false)
    XCTAssertEqual((retuned["runs"] as? [[String: Any]])?.first?["exit"] as? Int, 1)
    XCTAssertEqual((changes[0]["runs"] as? [[String: Any]])?.count, 2)
    XCTAssertEqual(changes[0]["review"] as? [String: Bool], ["needed": false, "approved": false])

    let churn = try XCTUnwrap((models.last?["changes"] as? [[String: Any]]))
    XCTAssertEqual(churn.map { $0["bypass"] as? Bool }, [false, true])
    XCTAssertEqual(churn.last?["bypassRules"] as? [String], ["features/protected"])
    let finding = try XCTUnwrap((churn.last?["findings"] as? [[String: Any]])?.first)
    XCTAssertEqual(finding["rule"] as? String, "features/protected")
    XCTAssertEqual(finding["severity"] as? String, "error")
    XCTAssertEqual(finding["path"] as? String, "models/churn.yaml")
    XCTAssertEqual(finding["line"] as? Int, 8)
    XCTAssertEqual(finding["column"] as? Int, 5)

    let bypasses = try XCTUnwrap(document["bypasses"] as? [[String: Any]])
    XCTAssertEqual(bypasses.map { $0["commit"] as? String }, reviewRule ? [h.bypass, h.retuned] : [h.bypass])
    XCTAssertEqual(retuned["bypass"] as? Bool, reviewRule)
    XCTAssertEqual(tuned["bypass"] as? Bool, false)
    XCTAssertEqual(bypasses.first?["rules"] as? [String], ["features/protected"])
    XCTAssertEqual(bypasses.first?["models"] as? [String], ["churn"])

    // --since keeps the commits from that date on.
    let future = h.repo.mlgit("audit", "--format", "json", "--since", "2999-01-01")
    let empty = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(future.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(empty["commitsScanned"] as? Int, 0)
    XCTAssertEqual((empty["unattributedRuns"] as? [Any])?.count, 4)
    XCTAssertEqual(h.repo.mlgit("audit", "--since", "yesterday-ish").status, 2)
  }

  func testHTMLIsOneSelfContainedPageWithEachModelAndItsCharts() throws {
    let h = makeHistory()
    let result = h.repo.mlgit("audit", "--format", "html", "--output", "audit.html")
    XCTAssertEqual(result.status, 0, result.output)
    let html = try XCTUnwrap(h.repo.read("audit.html"))
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    XCTAssertTrue(html.contains("<section id=\"model-credit-risk\">"), html)
    XCTAssertTrue(html.contains("<section id=\"model-churn\">"), html)
    XCTAssertTrue(html.contains("<section id=\"bypasses\">"), html)
    // credit-risk has runs and an auc bound: one chart, with its threshold drawn.
    XCTAssertEqual(html.components(separatedBy: "<svg ").count, 2, html)
    XCTAssertTrue(html.contains("<path class=\"threshold\""), html)
    XCTAssertTrue(html.contains("min 0.78"), html)
    XCTAssertTrue(html.contains("<tr class=\"bypass\">"), html)
    XCTAssertTrue(html.hasSuffix("</html>\n"))
    // Nothing outside the page: no external src/href, no imports, no scripts.
    XCTAssertNil(html.range(of: #"(src|href)\s*=\s*["']?(https?:)?//"#, options: .regularExpression), html)
    XCTAssertFalse(html.contains("@import"))
    XCTAssertFalse(html.contains("<script"))
    XCTAssertFalse(html.contains("<link"))
  }
}
