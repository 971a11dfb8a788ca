import Foundation
import GitKit
import MLGitErrors
import MLGitReport
import MLPolicy
import XCTest

@testable import MLGitEngine

/// `mlgit import mlflow`'s engine on the file store written by real MLflow
/// (fixtures/mlflow/mlruns): each run on its commit with its model, the run without a
/// commit tag skipped, the deleted one left out, and nothing recorded twice.
final class MLflowImportBatchTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/mlflow/mlruns")

  /// A copy of the store whose runs' commits (placeholders 111… and 222…) are `first` and `second`.
  private func store(in repo: ScratchRepository, first: OID, second: OID) throws -> String {
    let copy = repo.root + "/mlruns"
    try FileManager.default.copyItem(atPath: Self.fixtures.path, toPath: copy)
    let files = FileManager.default.enumerator(atPath: copy)
    while let relative = files?.nextObject() as? String {
      guard relative.hasSuffix("tags/mlflow.source.git.commit") else { continue }
      let path = copy + "/" + relative
      try String(contentsOfFile: path, encoding: .utf8)
        .replacingOccurrences(of: String(repeating: "1", count: 40), with: first.hex)
        .replacingOccurrences(of: String(repeating: "2", count: 40), with: second.hex)
        .write(toFile: path, atomically: true, encoding: .utf8)
    }
    return copy
  }

  func testRunsOnTheirCommitsSkippedOnesAndNothingTwice() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let first = repo.commit("credit model")
    repo.write("README.md", "more\n")
    let second = repo.commit("second")
    let mlruns = try store(in: repo, first: first, second: second)
    let workspace = Workspace(repository: try repo.open(), environment: [:])

    let batch = try MLflowImportBatch.read(store: mlruns, experiment: nil, in: workspace)
    let recorded = batch.recorded.sorted { $0.model + $0.commit < $1.model + $1.commit }
    XCTAssertEqual(
      recorded.map { "\($0.imported?["run_id"]?.stringValue ?? "") \($0.commit) \($0.model) \($0.exit)" }.sorted(),
      [
        "0ba6ec3e24bd4451aeff65ee0a9bbf4b \(first.hex) credit-risk 0",
        "51dc31c815764c8f86353c656ae77847 \(second.hex) credit-risk 1",
        "b22e71d894474abfae647872c449c662 \(first.hex) ranker 0",
      ])
    XCTAssertEqual(
      batch.skipped,
      [
        ImportJSON.Skipped(
          runId: "7f3993a49d5b478689b99a3ba4a789ec", name: "notebook", reason: "no mlflow.source.git.commit tag")
      ])
    XCTAssertEqual(batch.alreadyImported, 0)
    let ledger = RunLedger(repository: try repo.open())
    XCTAssertEqual(try ledger.runs(on: first), [], "reading the store records nothing")

    try batch.record()
    XCTAssertEqual(try ledger.runs(on: first).count, 2)
    XCTAssertEqual(try ledger.runs(on: second).count, 1)

    let again = try MLflowImportBatch.read(store: mlruns, experiment: nil, in: workspace)
    XCTAssertEqual(again.recorded, [])
    XCTAssertEqual(again.alreadyImported, 3)
    XCTAssertEqual(again.skipped.count, 1)
    try again.record()
    XCTAssertEqual(try ledger.runs(on: first).count, 2)

    let ranking = try MLflowImportBatch.read(store: mlruns, experiment: "ranking", in: workspace)
    XCTAssertEqual(ranking.alreadyImported, 1)
    XCTAssertEqual(ranking.skipped, [])
  }

  func testARunOnACommitThisRepositoryLacksIsSkipped() throws {
    let repo = ScratchRepository()
    repo.write("README.md", "one\n")
    let first = repo.commit("first")
    let mlruns = try store(in: repo, first: first, second: OID(hex: String(repeating: "c", count: 40)) ?? first)
    let batch = try MLflowImportBatch.read(
      store: mlruns, experiment: "credit", in: Workspace(repository: try repo.open(), environment: [:]))
    XCTAssertEqual(batch.recorded.map(\.model), [""], "no spec at the commit, no tag: no model")
    XCTAssertEqual(
      batch.skipped.map(\.reason).sorted(),
      ["commit cccccccccccc is not in this repository", "no mlflow.source.git.commit tag"])
  }
}
