import Foundation
import XCTest

/// `mlgit audit`: a history of good commits, a `--no-verify` bypass, an approved and an
/// unapproved hyperparameter change, and runs, read back as text, JSON and HTML.
final class AuditTests: XCTestCase {
  static let validation = "validation:\n  metrics:\n    auc: {min: 0.78}\n"
  static let bob = [
    "GIT_AUTHOR_NAME": "Bob Reviewer", "GIT_AUTHOR_EMAIL": "bob@example.com",
    "GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com",
  ]

  struct History {
    let repo: TempRepository
    let first, tuned, bypass, retuned, churn: String
  }

  /// sha256 of the canonical JSON of hyperparameters, as an approval records it.
  static func hash(_ canonical: String, in repo: TempRepository) -> String {
    let result = Shell.run("/usr/bin/env", ["sha256sum"], in: repo.path, input: canonical)
    XCTAssertEqual(result.status, 0, result.output)
    return String(result.stdout.prefix(64))
  }

  /// credit-risk: added (with Bob's key in .mlgit/allowed_signers), tuned (approved by
  /// Bob with `mlgit review approve --sign`), tuned again by Alice (approved only by
  /// herself, and by a forged record for other hyperparameters with a bad signature);
  /// churn: added, then a protected feature committed with --no-verify.
  func makeHistory() -> History {
    let repo = TempRepository()
    let keys = repo.root + "/keys"
    XCTAssertNoThrow(try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true))
    let made = Shell.run(
      "/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bob", "-f", "\(keys)/bob"], in: keys)
    XCTAssertEqual(made.status, 0, made.output)
    let bobKey = ((try? String(contentsOfFile: "\(keys)/bob.pub", encoding: .utf8)) ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
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
    /// A record written with stock git, as anyone with push access to the notes could.
    func forge(_ path: String, reviewer: String, at: String, hyperparameters: String, signature: String? = nil) {
      let blob = repo.git("rev-parse", "HEAD:\(path)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let signed = signature.map { ",\"signature\":\"\($0)\"" } ?? ""
      let line =
        "{\"at\":\"\(at)\",\"blob\":\"\(blob)\",\"decision\":\"approve\",\"hyperparameters\":\"\(hyperparameters)\","
        + "\"path\":\"\(path)\",\"reviewer\":\"\(reviewer)\",\"schema\":\"mlgit.review/1\"\(signed)}"
      XCTAssertEqual(repo.git("notes", "--ref=mlgit/reviews", "append", "-m", line, blob).status, 0)
    }
    repo.write(".gitignore", "metrics.json\n")
    // The root commit establishes the policy: allowed signers added later would need approval.
    repo.write(".mlgit/allowed_signers", "bob@example.com namespaces=\"mlgit-review\" \(bobKey)\n")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.0.0", extra: AuditTests.validation))
    let first = commit("credit: first model")
    run("models/credit.yaml", "{\"auc\": 0.74}")
    run("models/credit.yaml", "{\"auc\": 0.80}")
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.1.0", features: ["income", "debt_ratio", "tenure"],
        hyperparameters: "  learning_rate: 0.1\n  max_depth: 6\n  seed: 42\n", extra: AuditTests.validation))
    let tuned = commit("credit: faster learning")
    let approve = repo.mlgit(
      ["review", "approve", tuned, "--sign", "--key", "\(keys)/bob", "-m", "curves look fine"],
      environment: AuditTests.bob)
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertTrue(approve.stdout.contains("as bob@example.com (signed)"), approve.output)
    run("models/credit.yaml", "{\"auc\": 0.83}")
    repo.write("models/churn.yaml", Fixtures.spec(name: "churn", version: "0.1.0"))
    let churn = commit("churn: first model")
    repo.write(
      "models/churn.yaml", Fixtures.spec(name: "churn", version: "0.2.0", features: ["income", "applicant_race"]))
    let bypass = commit("churn: race as a feature", noVerify: true)
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.2.0", features: ["income", "debt_ratio", "tenure"],
        hyperparameters: "  learning_rate: 0.2\n  max_depth: 6\n  seed: 42\n", extra: AuditTests.validation))
    let retuned = commit("credit: even faster")
    // The author's own approval of the exact content: does not count.
    forge(
      "models/credit.yaml", reviewer: "alice@example.com", at: "2026-02-01T10:00:00Z",
      hyperparameters: AuditTests.hash("{\"learning_rate\":0.2,\"max_depth\":6,\"seed\":42}", in: repo))
    // Another reviewer's, for other hyperparameters, with a signature no key made: does not count.
    forge(
      "models/credit.yaml", reviewer: "carol@example.com", at: "2026-02-01T11:00:00Z", hyperparameters: "ab",
      signature: "U1NIU0lH")
    run("models/credit.yaml", "{\"auc\": 0.79}", exit: 1)
    repo.commitFile("README.md", "docs\n", "docs only")
    return History(repo: repo, first: first, tuned: tuned, bypass: bypass, retuned: retuned, churn: churn)
  }

  func testTextNamesChangesApprovalsRunsAndTheBypass() throws {
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
    XCTAssertNotNil(
      text.range(
        of:
          #"\n      approved: bob@example.com at 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(signed, signature verified; counted\)\n"#,
        options: .regularExpression), text)
    XCTAssertTrue(text.contains("      hyperparameter learning_rate: 0.1 -> 0.2\n"), text)
    XCTAssertTrue(
      text.contains(
        "      NOT APPROVED: alice@example.com at 2026-02-01T10:00:00Z (unsigned; not counted: the author); "
          + "carol@example.com at 2026-02-01T11:00:00Z (signed, signature does not verify; not counted: approved other hyperparameters"
      ), text)
    XCTAssertTrue(text.contains("on \(h.first.prefix(8)): exit 0, auc 0.74\n"), text)
    XCTAssertTrue(text.contains("on \(h.retuned.prefix(8)): exit 1, auc 0.79\n"), text)
    XCTAssertTrue(
      text.contains(
        "\(h.bypass.prefix(8)) Alice Author <alice@example.com> 0.1.0 -> 0.2.0  BYPASS [features/protected]\n"), text)
    XCTAssertTrue(
      text.contains(
        "      error: models/churn.yaml:8:5: feature 'applicant_race' is the protected attribute 'race' [features/protected]\n"
      ), text)
    XCTAssertTrue(
      text.contains(
        "\(h.retuned.prefix(8)) Alice Author <alice@example.com> 1.1.0 -> 1.2.0  BYPASS [hyperparameters/review]\n"),
      text)
    XCTAssertTrue(
      text.contains(
        "      error: models/credit.yaml:11:3: hyperparameters changed (learning_rate 0.1 -> 0.2): needs 1 approval "
          + "from anyone but alice@example.com; none yet; not counted: alice@example.com (the author), carol@example.com (approved other hyperparameters"
      ), text)
    // The bypasses: the --no-verify commit and the unapproved change (pre-push refuses it), no other.
    let bypassSection = try XCTUnwrap(text.components(separatedBy: "\nbypasses: ").last)
    let bypassLines = bypassSection.split(separator: "\n").dropFirst().prefix { $0.hasPrefix("  ") }
    XCTAssertEqual(bypassLines.count, 2, text)
    XCTAssertTrue(bypassLines.first?.hasPrefix("  \(h.bypass.prefix(8)) ") ?? false, text)
    XCTAssertTrue(bypassLines.first?.hasSuffix(": models/churn.yaml [features/protected]") ?? false, text)
    XCTAssertTrue(bypassLines.last?.hasPrefix("  \(h.retuned.prefix(8)) ") ?? false, text)
    XCTAssertTrue(bypassLines.last?.hasSuffix(": models/credit.yaml [hyperparameters/review]") ?? false, text)
    XCTAssertEqual(text.components(separatedBy: "  BYPASS [").count, 3, text)

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
    XCTAssertEqual(
      summary,
      [
        "models": 2, "changes": 5, "approvals": 3, "approvalsCounted": 1, "unapproved": 1, "runs": 4,
        "errors": 2, "warnings": 0, "bypasses": 2,
      ])
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
    let tunedReview = try XCTUnwrap(tuned["review"] as? [String: Any])
    XCTAssertEqual(tunedReview["needed"] as? Bool, true)
    XCTAssertEqual(tunedReview["approved"] as? Bool, true)
    XCTAssertEqual(tunedReview["required"] as? Int, 1)
    XCTAssertEqual(tunedReview["approvedBy"] as? [String], ["bob@example.com"])
    let tunedApprovals = try XCTUnwrap(tuned["approvals"] as? [[String: Any]])
    XCTAssertEqual(tunedApprovals.count, 1)
    let approval = try XCTUnwrap(tunedApprovals.first)
    XCTAssertEqual(approval["reviewer"] as? String, "bob@example.com")
    XCTAssertEqual(approval["counted"] as? Bool, true)
    XCTAssertTrue(approval["reason"] is NSNull)
    XCTAssertTrue(approval["reasonText"] is NSNull)
    XCTAssertEqual(approval["signed"] as? Bool, true)
    XCTAssertEqual(approval["valid"] as? Bool, true)
    XCTAssertEqual(approval["decision"] as? String, "approve")
    XCTAssertEqual(approval["path"] as? String, "models/credit.yaml")
    XCTAssertEqual(approval["blob"] as? String, tuned["blob"] as? String)
    XCTAssertEqual(approval["message"] as? String, "curves look fine")
    // mlgit review approve recorded the sha256 of the canonical hyperparameters.
    XCTAssertEqual(
      approval["hyperparameters"] as? String,
      AuditTests.hash("{\"learning_rate\":0.1,\"max_depth\":6,\"seed\":42}", in: h.repo))
    let tunedRuns = try XCTUnwrap(tuned["runs"] as? [[String: Any]])
    XCTAssertEqual(tunedRuns.count, 1)
    XCTAssertEqual((tunedRuns.first?["metrics"] as? [String: Double])?["auc"], 0.83)
    XCTAssertEqual(tunedRuns.first?["exit"] as? Int, 0)
    XCTAssertEqual(tuned["bypass"] as? Bool, false)

    let retuned = changes[2]
    let retunedReview = try XCTUnwrap(retuned["review"] as? [String: Any])
    XCTAssertEqual(retunedReview["needed"] as? Bool, true)
    XCTAssertEqual(retunedReview["approved"] as? Bool, false)
    XCTAssertEqual(retunedReview["approvedBy"] as? [String], [])
    let retunedApprovals = try XCTUnwrap(retuned["approvals"] as? [[String: Any]])
    XCTAssertEqual(retunedApprovals.map { $0["reviewer"] as? String }, ["alice@example.com", "carol@example.com"])
    XCTAssertEqual(retunedApprovals.map { $0["counted"] as? Bool }, [false, false])
    XCTAssertEqual(retunedApprovals.map { $0["reason"] as? String }, ["self-approval", "other-hyperparameters"])
    XCTAssertEqual(retunedApprovals.first?["reasonText"] as? String, "the author")
    XCTAssertEqual(retunedApprovals.map { $0["signed"] as? Bool }, [false, true])
    XCTAssertTrue(retunedApprovals.first?["valid"] is NSNull)
    XCTAssertEqual(retunedApprovals.last?["valid"] as? Bool, false)
    XCTAssertEqual(retuned["bypassRules"] as? [String], ["hyperparameters/review"])
    XCTAssertEqual((retuned["runs"] as? [[String: Any]])?.first?["exit"] as? Int, 1)
    XCTAssertEqual((changes[0]["runs"] as? [[String: Any]])?.count, 2)
    let firstReview = try XCTUnwrap(changes[0]["review"] as? [String: Any])
    XCTAssertEqual(firstReview["needed"] as? Bool, false)  // a new spec: the default pack does not ask
    XCTAssertEqual(firstReview["approved"] as? Bool, false)

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
    XCTAssertEqual(bypasses.map { $0["commit"] as? String }, [h.bypass, h.retuned])
    XCTAssertEqual(bypasses.last?["rules"] as? [String], ["hyperparameters/review"])
    XCTAssertEqual(bypasses.last?["models"] as? [String], ["credit-risk"])
    XCTAssertEqual(retuned["bypass"] as? Bool, true)
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
    // Approvals as the review rule counts them, signatures verified.
    XCTAssertTrue(html.contains("signed ✓</span> <span class=\"badge ok\">counted</span>"), html)
    XCTAssertTrue(
      html.contains("<span class=\"badge warn\" title=\"self-approval\">not counted: the author</span>"), html)
    XCTAssertTrue(html.contains(">signature invalid</span>"), html)
    XCTAssertTrue(html.contains("<span class=\"badge warn\">not approved</span>"), html)
    XCTAssertTrue(html.hasSuffix("</html>\n"))
    // Nothing outside the page: no external src/href, no imports, no scripts.
    XCTAssertNil(html.range(of: #"(src|href)\s*=\s*["']?(https?:)?//"#, options: .regularExpression), html)
    XCTAssertFalse(html.contains("@import"))
    XCTAssertFalse(html.contains("<script"))
    XCTAssertFalse(html.contains("<link"))
    // Narrow windows (800 px): every table sits in a box that scrolls sideways, and
    // below 1100 px the cells wrap so the timeline fits without it.
    XCTAssertEqual(
      html.components(separatedBy: "<table").count, html.components(separatedBy: "<div class=\"wide\"><table").count)
    XCTAssertTrue(html.contains(".wide{overflow-x:auto;max-width:100%}"))
    XCTAssertTrue(html.contains("@media (max-width:1100px)"))
  }
}
