import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import XCTest

@testable import MLGitEngine

/// `mlgit run record`'s engine: a run made elsewhere recorded on the commit named, with
/// the spec's name and params at that commit (or a params file's), the metrics file's
/// values, and a refusal of a command given after `--`.
final class RunRecordingTests: XCTestCase {
  private func recording(_ repo: ScratchRepository) throws -> RunRecording {
    RunRecording(workspace: Workspace(repository: try repo.open(), environment: [:]))
  }

  func testRecordsOnTheNamedCommitWithTheSpecThere() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let first = repo.commit("credit model")
    repo.write("README.md", "models\n")
    let second = repo.commit("readme")
    let metrics = repo.root + "/metrics.json"
    try #"{"auc": 0.81, "val": {"loss": 0.4}}"#.write(toFile: metrics, atomically: true, encoding: .utf8)

    let recorded = try recording(repo).record(
      on: first.hex, metrics: [metrics], spec: nil, params: nil, command: "python train.py", exit: 0)

    XCTAssertEqual(recorded.commit, first)
    XCTAssertEqual(recorded.run.model, "credit-risk")
    XCTAssertEqual(recorded.run.version, "1.0.0")
    XCTAssertEqual(recorded.run.params.canonical, #"{"learning_rate":0.05,"max_depth":6}"#)
    XCTAssertEqual(recorded.run.metrics, ["auc": 0.81, "val.loss": 0.4])
    XCTAssertEqual(recorded.run.command, "python train.py")
    XCTAssertEqual(recorded.run.started, recorded.run.finished)
    XCTAssertEqual(recorded.summary, "mlgit: recorded run \(recorded.run.id) of credit-risk on \(first.short)")
    let ledger = RunLedger(repository: try repo.open())
    XCTAssertEqual(try ledger.runs(on: first), [recorded.run])
    XCTAssertEqual(try ledger.runs(on: second), [])
  }

  func testAParamsFileReplacesTheSpecsAndItsErrorsPointAtIt() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("credit model")
    let metrics = repo.root + "/metrics.json"
    try #"{"auc": 0.7}"#.write(toFile: metrics, atomically: true, encoding: .utf8)
    let params = repo.root + "/params.yaml"
    try "seed: 7\nmodel:\n  depth: 3\n".write(toFile: params, atomically: true, encoding: .utf8)

    let recorded = try recording(repo).record(
      on: "HEAD", metrics: [metrics], spec: nil, params: params, command: "", exit: 2)
    XCTAssertEqual(recorded.run.params.canonical, #"{"model":{"depth":3},"seed":7}"#)
    XCTAssertEqual(recorded.run.exit, 2)

    try "seed: [1,\n".write(toFile: params, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(
      try recording(repo).record(on: "HEAD", metrics: [metrics], spec: nil, params: params, command: "", exit: 0)
    ) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
      XCTAssertTrue((error as? CommandFailure)?.description.hasPrefix("\(params):") ?? false, "\(error)")
    }
  }

  func testUnknownCommitAndMissingMetricsAreUsageErrors() throws {
    let repo = ScratchRepository()
    repo.write("README.md", "no spec\n")
    repo.commit("readme")
    XCTAssertThrowsError(
      try recording(repo).record(on: "no-such-rev", metrics: ["m.json"], spec: nil, params: nil, command: "", exit: 0)
    ) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
      XCTAssertTrue((error as? CommandFailure)?.description.hasPrefix("mlgit: ") ?? false, "\(error)")
    }
    XCTAssertThrowsError(
      try recording(repo).record(on: "HEAD", metrics: [], spec: nil, params: nil, command: "", exit: 0)
    ) { error in
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: give the run's metrics with --metrics FILE (the spec names no validation.metrics_files and there is no dvc.yaml with metrics)"
      )
    }
  }

  func testACommandAfterTheTerminatorIsRefused() throws {
    XCTAssertNoThrow(try RunRecording.refuseCommand(in: ["run", "record", "--metrics", "m.json"]))
    XCTAssertNoThrow(try RunRecording.refuseCommand(in: ["run", "record", "--metrics", "m.json", "--"]))
    XCTAssertThrowsError(
      try RunRecording.refuseCommand(in: ["run", "record", "--metrics", "m.json", "--", "python", "train.py"])
    ) { error in
      XCTAssertEqual((error as? CommandFailure)?.exitStatus, .usage)
      XCTAssertEqual(
        (error as? CommandFailure)?.description,
        "mlgit: run record records a run made elsewhere and runs nothing, so it does not take a command after --, got 'python train.py'\n"
          + "  hint: to run it and record the run: mlgit run [--metrics FILE] -- python train.py; to name the command a recorded run ran: mlgit run record --command 'python train.py' …"
      )
    }
  }
}
