import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitEngine

/// `mlgit reproduce`'s engine: the recorded command re-run at its commit in a temporary
/// worktree, its metrics compared within the tolerance, and the verdict kept in the
/// ledger on that commit; what it refuses to reproduce, and what it says it will run.
final class ReproductionTests: XCTestCase {
  private static let command = #"echo '{"auc": 0.9}' > metrics.json"#

  private func run(_ id: String, commit: OID, auc: Double, command: String = ReproductionTests.command) -> RunRecord {
    RunRecord(
      id: id, commit: commit.hex, model: "credit-risk", started: "2026-01-01T00:00:00Z",
      finished: "2026-01-01T00:01:00Z", user: "alice@example.com", host: "lab", command: command, exit: 0,
      metrics: ["auc": auc])
  }

  private func reproduction(_ repo: ScratchRepository, in directory: String? = nil) throws -> Reproduction {
    Reproduction(
      workspace: Workspace(repository: try repo.open(), environment: [:]), directory: directory ?? repo.path)
  }

  private func request(_ id: String, tolerance: Double = 0) throws -> Reproduction.Request {
    try Reproduction.Request(id: id, yes: true, allowNoMetrics: false, metrics: "metrics.json", tolerance: tolerance)
  }

  private func verdicts(_ repo: ScratchRepository, on commit: OID) throws -> [ReproductionRecord] {
    try RunLedger(repository: try repo.open()).notes.lines(for: commit).compactMap {
      try? ReproductionRecord.parse($0)
    }
  }

  func testAMatchingRunReproducesAndItsVerdictIsKeptOnItsCommit() throws {
    let repo = ScratchRepository()
    repo.write("README.md", "model\n")
    let head = repo.commit("model")
    try RunLedger(repository: try repo.open()).record(run("aaa111", commit: head, auc: 0.9), on: head)

    XCTAssertEqual(try reproduction(repo).reproduce(try request("aaa")), 0)

    let verdict = try XCTUnwrap(try verdicts(repo, on: head).first)
    XCTAssertEqual(verdict.run, "aaa111")
    XCTAssertEqual(verdict.commit, head.hex)
    XCTAssertEqual(verdict.reproduced, true)
    XCTAssertEqual(verdict.exit, 0)
    XCTAssertEqual(verdict.metrics, ["auc": ReproductionRecord.MetricComparison(recorded: 0.9, reproduced: 0.9)])
    XCTAssertNil(verdict.problem)
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: repo.path + "/metrics.json"), "the command runs in another worktree")
    XCTAssertEqual(ScratchRepository.run(["worktree", "list"], in: repo.path).split(separator: "\n").count, 1)
  }

  func testADifferentMetricDoesNotReproduceUnlessWithinTheTolerance() throws {
    let repo = ScratchRepository()
    repo.write("README.md", "model\n")
    let head = repo.commit("model")
    try RunLedger(repository: try repo.open()).record(run("bbb222", commit: head, auc: 0.85), on: head)

    XCTAssertEqual(try reproduction(repo).reproduce(try request("bbb222")), 1)
    XCTAssertEqual(try reproduction(repo).reproduce(try request("bbb222", tolerance: 0.06)), 0)
    XCTAssertEqual(try verdicts(repo, on: head).map(\.reproduced), [false, true])
    XCTAssertEqual(try verdicts(repo, on: head).map(\.tolerance), [0, 0.06])
  }

  func testRefusesABadToleranceARunWithoutCommandAndAMissingCommit() throws {
    XCTAssertThrowsError(
      try Reproduction.Request(id: "x", yes: true, allowNoMetrics: false, metrics: "m.json", tolerance: -1)
    ) { error in
      XCTAssertEqual((error as? CommandFailure)?.description, "mlgit: --tolerance must be a finite number >= 0")
    }
    XCTAssertThrowsError(
      try Reproduction.Request(id: "x", yes: true, allowNoMetrics: false, metrics: "m.json", tolerance: .infinity))

    let repo = ScratchRepository()
    repo.write("README.md", "model\n")
    let head = repo.commit("model")
    let ledger = RunLedger(repository: try repo.open())
    try ledger.record(run("recorded1", commit: head, auc: 0.9, command: ""), on: head)
    var elsewhere = run("elsewhere1", commit: head, auc: 0.9)
    elsewhere.commit = String(repeating: "ab", count: 20)
    try ledger.record(elsewhere, on: head)

    XCTAssertThrowsError(try reproduction(repo).recordedRun("recorded1")) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: run recorded1 has no recorded command (it was recorded with `mlgit run record`)")
    }
    XCTAssertThrowsError(try reproduction(repo).recordedRun("elsewhere1")) { error in
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: run elsewhere1 is on commit abababab, which this repository does not have; fetch it first")
    }
  }

  func testRunsFromTheCallersFolderAndShowsWhatItRuns() throws {
    let repo = ScratchRepository()
    repo.write("models/readme.txt", "model\n")
    repo.commit("model")
    XCTAssertEqual(try reproduction(repo, in: repo.path + "/models").subfolder(), "models/")
    XCTAssertEqual(try reproduction(repo).subfolder(), "")
    XCTAssertEqual(try reproduction(repo, in: repo.root).subfolder(), "")

    var shown = run("ccc333", commit: OID.zero, auc: 0.9, command: "python train.py\u{1B}[2K")
    shown.user = "mallory"
    XCTAssertEqual(
      Reproduction.confirmation(shown),
      "mlgit: run ccc333 was recorded by mallory on lab; reproducing it runs this command with sh -c, as you, at commit 00000000:\n"
        + "    python train.py\\u{1B}[2K")
  }

  func testDataFilesMissingOrChangedAreNoted() throws {
    let repo = ScratchRepository()
    repo.write("data/train.csv", "a,b\n1,2\n")
    repo.commit("data")
    var recorded = run("ddd444", commit: OID.zero, auc: 0.9)
    recorded.data = [
      "data/train.csv": String(repeating: "0", count: 64), "data/gone.csv": "0123456789abcdef",
      "data/same.csv": SHA256Digest.hex("x\n"),
    ]
    repo.write("data/same.csv", "x\n")
    XCTAssertEqual(
      try Reproduction.dataNotes(recorded, in: repo.path),
      [
        "data/gone.csv: not in the commit (sha256 0123456789ab…)",
        "data/train.csv: content differs from the run's (sha256 000000000000…)",
      ])
  }
}
