import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import XCTest

@testable import MLGitEngine

/// `mlgit run`'s engine: the training command runs in the given folder, and the run is
/// recorded on HEAD with the spec's name and params, the metrics it wrote and its exit
/// status; a dirty work tree under runs/clean-tree at error stops it before it starts.
final class TrainingRunTests: XCTestCase {
  private func workspace(_ repo: ScratchRepository) throws -> Workspace {
    Workspace(repository: try repo.open(), environment: [:])
  }

  func testRecordsTheRunOnHeadWithTheSpecAndTheMetricsWritten() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.2.0"))
    let head = repo.commit("credit model")
    let command = ["sh", "-c", #"echo '{"auc": 0.9, "loss": 0.25}' > metrics.json; exit 3"#]

    let status = try TrainingRun(workspace: try workspace(repo), directory: repo.path).run(
      try TrainingRun.Request(command: command, metrics: [repo.path + "/metrics.json"], spec: nil))

    XCTAssertEqual(status, 3)
    let runs = try RunLedger(repository: try repo.open()).runs(on: head)
    XCTAssertEqual(runs.count, 1)
    let run = try XCTUnwrap(runs.first)
    XCTAssertEqual(run.commit, head.hex)
    XCTAssertEqual(run.model, "credit-risk")
    XCTAssertEqual(run.version, "1.2.0")
    XCTAssertEqual(run.params.canonical, #"{"learning_rate":0.05,"max_depth":6}"#)
    XCTAssertEqual(run.metrics, ["auc": 0.9, "loss": 0.25])
    XCTAssertEqual(run.exit, 3)
    XCTAssertEqual(run.dirty, false, "an untracked metrics file leaves the tree clean")
    XCTAssertEqual(run.user, "alice@example.com")
    XCTAssertEqual(run.command, #"sh -c 'echo '\''{"auc": 0.9, "loss": 0.25}'\'' > metrics.json; exit 3'"#)
    XCTAssertNil(run.interrupted)
  }

  func testDirtyTreeUnderStrictStopsTheRunBeforeItStarts() throws {
    let repo = ScratchRepository()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\n")
    repo.write("train.sh", "echo train\n")
    let head = repo.commit("config")
    repo.write("train.sh", "echo train\n# tweak\n")

    let status = try TrainingRun(workspace: try workspace(repo), directory: repo.path).run(
      try TrainingRun.Request(command: ["sh", "-c", "touch ran"], metrics: [], spec: nil))

    XCTAssertEqual(status, 1)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/ran"), "the command must not run")
    XCTAssertEqual(try RunLedger(repository: try repo.open()).runs(on: head), [])
  }

  func testRefusesAnEmptyCommandAndAnUnbornHead() throws {
    XCTAssertThrowsError(try TrainingRun.Request(command: [], metrics: [], spec: nil)) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: give the training command after --, e.g. `mlgit run --metrics metrics.json -- python train.py`")
    }
    let repo = ScratchRepository()
    let run = TrainingRun(workspace: try workspace(repo), directory: repo.path)
    XCTAssertThrowsError(try run.run(try TrainingRun.Request(command: ["true"], metrics: [], spec: nil))) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: run records on HEAD, and this repository has no commit yet")
    }
  }
}
