import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import XCTest

@testable import MLGitEngine

/// Which runs `mlgit runs list` shows: HEAD's history by default, named commits, every
/// run with `all`, one model's; newest first; with each run's reproductions' verdict.
final class RunsSelectionTests: XCTestCase {
  struct Ledger {
    let repo: ScratchRepository
    let first, second, side: OID
  }

  private static func run(_ id: String, on commit: OID, model: String, started: String) -> RunRecord {
    RunRecord(
      id: id, commit: commit.hex, model: model, started: started, finished: started, user: "alice", host: "h",
      command: "train", exit: 0, metrics: ["auc": 0.8])
  }

  private static func verdict(_ id: String, of run: String, on commit: OID, reproduced: Bool, at: String)
    -> ReproductionRecord
  {
    ReproductionRecord(
      id: id, run: run, commit: commit.hex, model: "a", reproduced: reproduced, tolerance: 0, user: "bob", host: "h",
      at: at, exit: 0)
  }

  /// main: first <- second; a side branch off first: side. Runs r1 (a) on first, r2 (b)
  /// on second, r3 (a) on side; r1 reproduced once of two tries, r2 never.
  private func makeLedger() throws -> Ledger {
    let repo = ScratchRepository()
    repo.write("README.md", "one\n")
    let first = repo.commit("first")
    repo.write("README.md", "two\n")
    let second = repo.commit("second")
    repo.run(["checkout", "-q", "-b", "side", first.hex])
    repo.write("side.txt", "side\n")
    let side = repo.commit("side")
    repo.run(["checkout", "-q", "main"])
    let ledger = RunLedger(repository: try repo.open())
    try ledger.record(Self.run("r1", on: first, model: "a", started: "2026-01-01T00:00:01Z"), on: first)
    try ledger.record(Self.run("r2", on: second, model: "b", started: "2026-01-01T00:00:02Z"), on: second)
    try ledger.record(Self.run("r3", on: side, model: "a", started: "2026-01-01T00:00:03Z"), on: side)
    try ledger.record(
      Self.verdict("v2", of: "r1", on: first, reproduced: true, at: "2026-01-03T00:00:00Z"), on: first)
    try ledger.record(
      Self.verdict("v1", of: "r1", on: first, reproduced: false, at: "2026-01-02T00:00:00Z"), on: first)
    try ledger.record(
      Self.verdict("v3", of: "r2", on: second, reproduced: false, at: "2026-01-04T00:00:00Z"), on: second)
    return Ledger(repo: repo, first: first, second: second, side: side)
  }

  private func ids(_ selection: RunsSelection?) -> [String] {
    guard let selection else { return ["nil"] }
    return selection.rows.map { selection.table.string(selection.table.rows[$0].id) }
  }

  private func select(
    _ ledger: Ledger, revisions: [String] = [], all: Bool = false, model: String? = nil
  ) throws -> RunsSelection? {
    try RunsSelection.select(
      in: Workspace(repository: try ledger.repo.open(), environment: [:]), revisions: revisions, all: all,
      model: model, keepingLines: true)
  }

  func testHeadsHistoryNamedCommitsEveryRunAndOneModel() throws {
    let ledger = try makeLedger()
    XCTAssertEqual(ids(try select(ledger)), ["r2", "r1"])
    XCTAssertEqual(ids(try select(ledger, all: true)), ["r3", "r2", "r1"])
    XCTAssertEqual(ids(try select(ledger, revisions: ["side", ledger.first.hex])), ["r3", "r1"])
    XCTAssertEqual(ids(try select(ledger, all: true, model: "a")), ["r3", "r1"])
    XCTAssertEqual(ids(try select(ledger, model: "c")), [])
    XCTAssertThrowsError(try select(ledger, revisions: ["nope"])) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
    }
  }

  func testEachRunsReproductionsVerdict() throws {
    let ledger = try makeLedger()
    let selection = try XCTUnwrap(try select(ledger, all: true))
    XCTAssertEqual(selection.rows.map(selection.reproduced), ["-", "no", "yes"])
    XCTAssertEqual(selection.listedReproductions.map(\.id), ["v1", "v2", "v3"])
    let headOnly = try XCTUnwrap(try select(ledger, revisions: [ledger.second.hex]))
    XCTAssertEqual(headOnly.listedReproductions.map(\.id), ["v3"])
  }

  func testNothingToListBeforeTheFirstCommit() throws {
    let repo = ScratchRepository()
    let selection = try RunsSelection.select(
      in: Workspace(repository: try repo.open(), environment: [:]), revisions: [], all: false, model: nil,
      keepingLines: false)
    XCTAssertNil(selection)
  }
}
