import Foundation
import GitKit
import MLGitReport
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitEngine

/// What the audit builder counts and collects from one walk of a small history: each
/// model's changes (added, modified, deleted; versions, features, hyperparameters), the
/// commits that bypassed the policy, and each run attached to the change in force at
/// its commit.
final class AuditBuilderTests: XCTestCase {
  struct History {
    let repo: ScratchRepository
    let added, tuned, bypass, readme, deleted: OID
  }

  private static func run(_ id: String, model: String, commit: String, finished: String) -> RunRecord {
    RunRecord(
      id: id, commit: commit, model: model, started: "2026-01-01T00:00:00Z", finished: finished, user: "alice",
      host: "h", command: "train", exit: 0, metrics: ["auc": 0.8])
  }

  /// credit-risk added, tuned, then deleted; churn added with a protected feature
  /// (committed without hooks: a bypass); a commit that touches no spec; four runs.
  private func makeHistory() throws -> History {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let added = repo.commit("credit: first model", date: "2026-01-01T10:00:00Z")
    repo.write(
      "models/credit.yaml",
      ScratchRepository.spec(version: "1.1.0", features: ["income", "debt_ratio", "tenure"], maxDepth: 8))
    let tuned = repo.commit("credit: deeper trees", date: "2026-01-02T10:00:00Z")
    repo.write(
      "models/churn.yaml", ScratchRepository.spec(name: "churn", version: "0.1.0", features: ["applicant_race"]))
    let bypass = repo.commit("churn: first model", date: "2026-01-03T10:00:00Z")
    repo.write("README.md", "models\n")
    let readme = repo.commit("readme", date: "2026-01-04T10:00:00Z")
    repo.run(["rm", "-q", "models/credit.yaml"])
    let deleted = repo.commit("credit: retired", date: "2026-01-05T10:00:00Z")
    let ledger = RunLedger(repository: try repo.open())
    try ledger.record(
      Self.run("r-tuned-late", model: "credit-risk", commit: readme.hex, finished: "2026-01-04T12:00:00Z"), on: readme)
    try ledger.record(
      Self.run("r-tuned", model: "credit-risk", commit: tuned.hex, finished: "2026-01-02T12:00:00Z"), on: tuned)
    // A record without its commit is on the commit its note is on.
    try ledger.record(
      Self.run("r-first", model: "credit-risk", commit: "", finished: "2026-01-01T12:00:00Z"), on: added)
    try ledger.record(
      Self.run("r-ghost", model: "ghost", commit: added.hex, finished: "2026-01-01T13:00:00Z"), on: added)
    return History(repo: repo, added: added, tuned: tuned, bypass: bypass, readme: readme, deleted: deleted)
  }

  func testModelsChangesAndVersions() throws {
    let history = try makeHistory()
    let report = try AuditBuilder(repository: try history.repo.open()).build()
    XCTAssertEqual(report.commitsScanned, 5)
    XCTAssertEqual(report.boundary, [])
    XCTAssertEqual(report.models.map(\.name), ["credit-risk", "churn"])
    XCTAssertEqual(report.models.map(\.deleted), [true, false])
    let credit = report.models[0]
    XCTAssertEqual(credit.paths, ["models/credit.yaml"])
    XCTAssertEqual(credit.changes.map(\.commit), [history.added.hex, history.tuned.hex, history.deleted.hex])
    XCTAssertEqual(credit.changes.map(\.status), [.added, .modified, .deleted])
    XCTAssertEqual(credit.changes.map(\.version.old), [nil, "1.0.0", "1.1.0"])
    XCTAssertEqual(credit.changes.map(\.version.new), ["1.0.0", "1.1.0", nil])
    XCTAssertEqual(credit.changes.map(\.owner), ["risk-team", "risk-team", "risk-team"])
    XCTAssertEqual(credit.changes[1].featuresAdded, ["tenure"])
    XCTAssertEqual(credit.changes[1].featuresRemoved, [])
    XCTAssertEqual(
      credit.changes[1].hyperparameters, [HyperparameterChange(key: "max_depth", old: .int(6), new: .int(8))])
    // A deleted spec lists no hyperparameter changes; the latest version is the last one not deleted.
    XCTAssertEqual(credit.changes[2].hyperparameters, [])
    XCTAssertEqual(credit.latestVersion, "1.1.0")
    XCTAssertEqual(report.models[1].changes.map(\.status), [.added])
  }

  func testBypassesAreCommitsWithErrorFindings() throws {
    let history = try makeHistory()
    let report = try AuditBuilder(repository: try history.repo.open()).build()
    XCTAssertEqual(report.bypasses.map(\.commit), [history.bypass.hex])
    XCTAssertEqual(report.bypasses.first?.rules, ["features/protected"])
    XCTAssertEqual(report.bypasses.first?.paths, ["models/churn.yaml"])
    XCTAssertEqual(report.bypasses.first?.models, ["churn"])
    XCTAssertEqual(report.bypasses.first?.summary, "churn: first model")
    // The finding is listed on churn's change, not among the findings of no model.
    XCTAssertEqual(report.models[1].changes[0].findings.map(\.rule), ["features/protected"])
    XCTAssertEqual(report.models[1].changes[0].findings.map(\.line), [7])
    XCTAssertEqual(report.otherFindings.map(\.rule), [])
  }

  func testRunsAttachToTheChangeInForceAtTheirCommit() throws {
    let history = try makeHistory()
    let report = try AuditBuilder(repository: try history.repo.open()).build()
    let credit = report.models[0]
    XCTAssertEqual(credit.changes[0].runs.map(\.id), ["r-first"])
    XCTAssertEqual(credit.changes[0].runs.map(\.commit), [history.added.hex])
    // The README commit changed no spec: its run belongs to the tuned version, after the
    // tuned commit's own run (by finishing time).
    XCTAssertEqual(credit.changes[1].runs.map(\.id), ["r-tuned", "r-tuned-late"])
    XCTAssertEqual(credit.changes[2].runs.map(\.id), [])
    // A run of a model no spec names is kept, unattributed.
    XCTAssertEqual(report.unattributedRuns.map(\.id), ["r-ghost"])
  }

  func testModelFilterKeepsOneModel() throws {
    let history = try makeHistory()
    let builder = AuditBuilder(repository: try history.repo.open())
    builder.modelFilter = "churn"
    let report = try builder.build()
    XCTAssertEqual(report.commitsScanned, 5)
    XCTAssertEqual(report.models.map(\.name), ["churn"])
    XCTAssertEqual(report.bypasses.map(\.commit), [history.bypass.hex])
    XCTAssertEqual(report.unattributedRuns.map(\.id), [])
    XCTAssertEqual(report.modelFilter, "churn")
  }

  func testSinceLeavesOlderCommitsOut() throws {
    let history = try makeHistory()
    let builder = AuditBuilder(repository: try history.repo.open())
    builder.since = AuditBuilder.parseDate("2026-01-03")
    let report = try builder.build()
    // Only the commits from January 3rd on are judged: churn's, the README's, the deletion.
    XCTAssertEqual(report.commitsScanned, 3)
    XCTAssertEqual(report.models.map(\.name), ["churn", "credit-risk"])
    XCTAssertEqual(report.bypasses.map(\.commit), [history.bypass.hex])
  }

  func testSinceDates() {
    XCTAssertEqual(AuditBuilder.parseDate("2026-01-03"), 1_767_398_400)
    XCTAssertEqual(AuditBuilder.parseDate("2026-01-03T01:00:00Z"), 1_767_402_000)
    XCTAssertEqual(AuditBuilder.parseDate("@42"), 42)
    XCTAssertNil(AuditBuilder.parseDate("yesterday"))
    XCTAssertNil(AuditBuilder.parseDate("2026-13-45"))
  }
}
