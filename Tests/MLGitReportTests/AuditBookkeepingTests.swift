import Foundation
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitReport

/// The audit's model: what counts as a bypass, an unapproved change, a model's latest
/// version, and the summary the JSON document and the text header give of it.
final class AuditBookkeepingTests: XCTestCase {
  static func change(
    _ commit: String, status: AuditChange.Status = .modified, version: (String?, String?) = ("1", "2"),
    owner: String = "team-a"
  ) -> AuditChange {
    AuditChange(
      commit: commit, author: "Alice", email: "alice@example.com", time: 1_767_225_600, summary: "change \(commit)",
      path: "models/a.yaml", status: status, blob: status == .deleted ? nil : "b-\(commit)", owner: owner,
      version: (old: version.0, new: version.1))
  }

  static func finding(_ rule: String, _ severity: Severity, path: String = "models/a.yaml", commit: String? = nil)
    -> Finding
  {
    Finding(rule: rule, severity: severity, message: "\(rule) says no", path: path, commit: commit)
  }

  static func run(_ id: String, model: String = "a") -> RunRecord {
    RunRecord(
      id: id, commit: String(repeating: "c", count: 40), model: model, started: "2026-01-01T00:00:00Z",
      finished: "2026-01-01T00:01:00Z", user: "alice", host: "h", command: "train", exit: 0, metrics: ["auc": 0.9])
  }

  static func approval(_ reviewer: String, rejection: ApprovalRejection? = nil) -> AuditApproval {
    AuditApproval(
      record: ReviewRecord(
        path: "models/a.yaml", blob: "b", hyperparameters: nil, reviewer: reviewer,
        at: "2026-01-02T00:00:00Z"), signed: false, valid: nil, rejection: rejection)
  }

  /// Two models: `a` with a bypass, an unapproved change, approvals (one not counted) and
  /// runs; `b` deleted; plus a finding on a policy file and a bypass of it.
  static func report() -> AuditReport {
    var report = AuditReport(generated: "2026-02-01T00:00:00Z", repository: "/r")
    report.commitsScanned = 7
    var a = AuditModel(name: "a")
    a.paths = ["models/a.yaml"]
    var first = change("1111111111", status: .added, version: (nil, "1"))
    first.runs = [run("r1"), run("r2")]
    var second = change("2222222222")
    second.findings = [
      finding("features/protected", .error), finding("features/protected", .error),
      finding("spec/owner", .error), finding("metrics/threshold", .warning),
    ]
    second.reviewNeeded = true
    second.approvals = [approval("bob"), approval("alice", rejection: .selfApproval)]
    second.runs = [run("r3")]
    var third = change("3333333333", version: ("2", "3"))
    third.reviewNeeded = true
    third.reviewApproved = true
    third.approvals = [approval("carol")]
    a.changes = [first, second, third]
    var b = AuditModel(name: "b")
    b.paths = ["models/b.yaml"]
    b.changes = [
      change("4444444444", status: .added, version: (nil, "7"), owner: "team-b"),
      change("5555555555", status: .deleted, version: ("7", nil), owner: ""),
    ]
    b.deleted = true
    report.models = [a, b]
    report.otherFindings = [finding("policy/review", .error, path: ".mlgit/config.yml", commit: "6666666666")]
    report.bypasses = [
      AuditBypass(
        commit: "2222222222", author: "Alice", email: "alice@example.com", time: 0, summary: "s",
        rules: ["features/protected", "spec/owner"], paths: ["models/a.yaml"], models: ["a"])
    ]
    report.unattributedRuns = [run("r9", model: "gone")]
    return report
  }

  func testAChangeIsABypassOnlyWithErrorsAndNamesEachRuleOnce() {
    let change = Self.report().models[0].changes[1]
    XCTAssertTrue(change.bypass)
    XCTAssertEqual(change.bypassRules, ["features/protected", "spec/owner"])
    XCTAssertTrue(change.unapproved)
    var warned = Self.change("x")
    warned.findings = [Self.finding("metrics/threshold", .warning)]
    XCTAssertFalse(warned.bypass)
    XCTAssertEqual(warned.bypassRules, [])
    XCTAssertFalse(warned.unapproved, "nothing asks for approval")
  }

  func testAModelsLatestVersionAndOwnerSkipItsDeletion() {
    let b = Self.report().models[1]
    XCTAssertEqual(b.latest?.commit, "4444444444")
    XCTAssertEqual(b.latestVersion, "7")
    XCTAssertEqual(b.owner, "team-b")
    XCTAssertEqual(AuditModel(name: "empty").owner, "")
    XCTAssertNil(AuditModel(name: "empty").latestVersion)
    XCTAssertEqual(Self.report().models[0].runs.map(\.id), ["r1", "r2", "r3"])
    XCTAssertEqual(Self.report().models[0].findings.count, 4)
  }

  func testJSONSummaryCountsEveryChangeApprovalRunAndFinding() throws {
    let bytes = AuditJSON.render(Self.report())
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    XCTAssertEqual(
      document["summary"] as? [String: Int],
      [
        "approvals": 3, "approvalsCounted": 2, "bypasses": 1, "changes": 5, "errors": 4, "models": 2, "runs": 3,
        "unapproved": 1, "warnings": 1,
      ])
    XCTAssertEqual(document["schema"] as? String, "mlgit.audit/1")
    XCTAssertEqual(document["commitsScanned"] as? Int, 7)
    XCTAssertEqual((document["models"] as? [[String: Any]])?.map { $0["name"] as? String }, ["a", "b"])
    XCTAssertEqual(bytes.last, 10)
  }

  func testTextHeaderCountsModelsChangesRunsAndBypasses() {
    let text = AuditText.render(Self.report())
    XCTAssertTrue(text.hasPrefix("mlgit audit: 2 models, 5 changes, 3 runs, 1 bypass (7 commits scanned)\n"), text)
    XCTAssertTrue(text.contains("\nruns no listed spec change accounts for: 1\n"), text)
    XCTAssertTrue(
      text.contains(
        "      NOT APPROVED: bob at 2026-01-02T00:00:00Z (unsigned; counted); "
          + "alice at 2026-01-02T00:00:00Z (unsigned; not counted: the author)\n"), text)
  }

  /// The audit writes its keys by hand, in sorted order: a field added out of order would
  /// go unnoticed by every reader but this test.
  func testEveryJSONObjectHasItsKeysSorted() throws {
    var report = Self.report()
    // Enough models that the second half is written on the other thread.
    for index in 0..<9 {
      var model = report.models[0]
      model.name = "m\(index)"
      report.models.append(model)
    }
    report.models[0].changes[1].hyperparameters = [
      HyperparameterChange(
        key: "lr", old: .double(0.1),
        new: .object(["z": .int(1), "a": .int(2)]))
    ]
    let text = String(decoding: AuditJSON.render(report), as: UTF8.self)
    // Keys at each depth, per open object: a line `"key": ` at one indentation more than the `{`.
    var stack: [[String]] = []
    var objects = 0
    for line in text.split(separator: "\n") {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("\""), let end = trimmed.dropFirst().firstIndex(of: "\""),
        trimmed[trimmed.index(after: end)...].hasPrefix(": ")
      {
        stack[stack.count - 1].append(String(trimmed[trimmed.index(after: trimmed.startIndex)..<end]))
      }
      if trimmed.hasSuffix("{") {
        stack.append([])
        objects += 1
      }
      if trimmed.hasPrefix("}") {
        let keys = stack.removeLast()
        XCTAssertEqual(keys, keys.sorted(), "keys out of order")
      }
    }
    XCTAssertGreaterThan(objects, 50)
    XCTAssertTrue(stack.isEmpty)
    let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    XCTAssertEqual(
      (parsed["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String },
      ["a", "b"] + (0..<9).map { "m\($0)" })
  }

  func testApprovalsWithNothingToApproveDoNotCountAndSignaturesAreChecked() {
    struct Verifier: ReviewSignatureVerifier {
      func verifiedKey(_ record: ReviewRecord) -> String? { record.signature == "good" ? "SHA256:k" : nil }
    }
    let records = [
      ReviewRecord(path: "p", blob: "b", hyperparameters: nil, reviewer: "bob", at: "t", signature: "good"),
      ReviewRecord(path: "p", blob: "b", hyperparameters: nil, reviewer: "carol", at: "t", signature: "forged"),
      ReviewRecord(path: "p", blob: "b", hyperparameters: nil, reviewer: "dave", at: "t"),
    ]
    let judged = AuditApproval.judge(records, for: nil, ruleVerifier: nil, signatures: Verifier())
    XCTAssertEqual(judged.map(\.rejection), [.nothingToApprove, .nothingToApprove, .nothingToApprove])
    XCTAssertEqual(judged.map(\.counted), [false, false, false])
    XCTAssertEqual(judged.map(\.signed), [true, true, false])
    XCTAssertEqual(judged.map(\.valid), [true, false, nil])
    // Without allowed signers, a signature cannot verify.
    XCTAssertEqual(
      AuditApproval.judge(records, for: nil, ruleVerifier: nil, signatures: nil).map(\.valid), [false, false, nil])
  }

  func testTimestampsAreUTC() {
    XCTAssertEqual(UTCTimestamp.string(0), "1970-01-01T00:00:00Z")
    XCTAssertEqual(UTCTimestamp.string(1_767_225_600 + 3_661), "2026-01-01T01:01:01Z")
  }
}
