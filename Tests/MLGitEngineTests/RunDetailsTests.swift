import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import XCTest

@testable import MLGitEngine

/// `mlgit runs show`'s engine: the run by id or unique prefix, and only its own
/// reproductions, oldest first.
final class RunDetailsTests: XCTestCase {
  func testTheRunAndItsReproductionsOldestFirst() throws {
    let repo = ScratchRepository()
    repo.write("README.md", "one\n")
    let head = repo.commit("first")
    let ledger = RunLedger(repository: try repo.open())
    for id in ["run-one", "run-two"] {
      try ledger.record(
        RunRecord(
          id: id, commit: head.hex, model: "m", started: "2026-01-01T00:00:00Z", finished: "2026-01-01T00:00:00Z",
          user: "alice", host: "h", command: "train", exit: 0),
        on: head)
    }
    for (id, run, at) in [
      ("v-late", "run-one", "2026-02-02T00:00:00Z"), ("v-other", "run-two", "2026-01-15T00:00:00Z"),
      ("v-early", "run-one", "2026-02-01T00:00:00Z"),
    ] {
      try ledger.record(
        ReproductionRecord(
          id: id, run: run, commit: head.hex, model: "m", reproduced: true, tolerance: 0, user: "bob", host: "h",
          at: at, exit: 0),
        on: head)
    }
    let workspace = Workspace(repository: try repo.open(), environment: [:])

    let details = try RunDetails.load(id: "run-o", in: workspace)
    XCTAssertEqual(details.run.id, "run-one")
    XCTAssertEqual(details.reproductions.map(\.id), ["v-early", "v-late"])
    XCTAssertEqual(try RunDetails.load(id: "run-one", in: workspace, withReproductions: false).reproductions, [])

    XCTAssertThrowsError(try RunDetails.load(id: "run", in: workspace)) { error in
      XCTAssertEqual(
        (error as? CommandFailure)?.description, "mlgit: run id 'run' is ambiguous: run-one, run-two")
    }
    XCTAssertThrowsError(try RunDetails.load(id: "zzz", in: workspace)) { error in
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: no recorded run has id 'zzz'; `mlgit runs --all` lists them")
    }
  }
}
