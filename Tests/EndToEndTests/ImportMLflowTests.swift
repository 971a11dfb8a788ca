import Foundation
import XCTest

/// `mlgit import mlflow`: runs from a file store written by real MLflow
/// (fixtures/mlflow/mlruns, made by fixtures/mlflow/make-stores.py), each on its commit.
final class ImportMLflowTests: XCTestCase {
  func store(in repo: TempRepository, first: String, second: String) throws -> String {
    try repo.mlflowFileStore(first: first, second: second)
  }

  func testFileStoreRunsLandOnTheirCommitsOnceWithTypesAndSteps() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let second = repo.commitFile("notes.txt", "more\n", "second commit")
    let mlruns = try store(in: repo, first: first, second: second)

    let dry = repo.mlgit("import", "mlflow", mlruns, "--dry-run")
    XCTAssertEqual(dry.status, 0, dry.output)
    XCTAssertTrue(
      dry.stdout.contains("on \(first.prefix(8)) of credit-risk: exit 0, auc=0.86 loss=0.3 val/acc=0.9"), dry.stdout)
    XCTAssertTrue(dry.stdout.contains("(notebook): no mlflow.source.git.commit tag"), dry.stdout)
    XCTAssertTrue(
      dry.stderr.contains("mlgit: would import 3 runs from \(mlruns); 0 already imported, 1 skipped"), dry.stderr)
    XCTAssertEqual(repo.runLines(first), [], "a dry run records nothing")

    let imported = repo.mlgit("import", "mlflow", mlruns)
    XCTAssertEqual(imported.status, 0, imported.output)
    XCTAssertTrue(
      imported.stderr.contains("mlgit: imported 3 runs from \(mlruns); 0 already imported, 1 skipped"), imported.stderr)
    let onFirst = repo.runLines(first)
    XCTAssertEqual(onFirst.count, 2, onFirst.joined(separator: "\n"))
    let good = try XCTUnwrap(onFirst.first { $0.contains(#""run_name":"good""#) })
    // The last value of each metric, how many values were logged, params with their types.
    XCTAssertTrue(good.contains(#""metrics":{"auc":0.86,"loss":0.3,"val/acc":0.9}"#), good)
    XCTAssertTrue(good.contains(#""steps":{"auc":5,"loss":5,"val/acc":1}"#), good)
    XCTAssertTrue(
      good.contains(#""params":{"learning_rate":0.05,"max_depth":6,"optimizer":"adam","seed":42,"use_gpu":false}"#),
      good)
    XCTAssertTrue(
      good.contains(#""model":"credit-risk""#) && good.contains(#""user":"alice@example.com""#)
        && good.contains(#""exit":0"#), good)
    XCTAssertTrue(good.contains(#""from":"mlflow""#) && good.contains(#""status":"FINISHED""#), good)
    // A tag names the model; a failed run is exit 1 on its own commit; deleted runs are left out.
    XCTAssertTrue(onFirst.contains { $0.contains(#""model":"ranker""#) }, onFirst.joined(separator: "\n"))
    let failed = try XCTUnwrap(repo.runLines(second).first)
    XCTAssertTrue(failed.contains(#""exit":1"#) && failed.contains(#""status":"FAILED""#), failed)
    XCTAssertFalse((onFirst + [failed]).contains { $0.contains(#""run_name":"deleted""#) })
    XCTAssertTrue(repo.mlgit("runs").stdout.contains("auc=0.86"))

    let again = repo.mlgit("import", "mlflow", mlruns)
    XCTAssertEqual(again.status, 0, again.output)
    XCTAssertTrue(
      again.stderr.contains("mlgit: imported 0 runs from \(mlruns); 3 already imported, 1 skipped"), again.stderr)
    XCTAssertEqual(repo.runLines(first), onFirst)
    XCTAssertEqual(repo.runLines(second).count, 1)
  }

  func testExperimentFilterAndUnusableStores() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let mlruns = try store(in: repo, first: first, second: first)
    let ranking = repo.mlgit("import", "mlflow", mlruns, "--experiment", "ranking")
    XCTAssertEqual(ranking.status, 0, ranking.output)
    XCTAssertEqual(repo.runLines(first).count, 1)
    XCTAssertTrue(repo.runLines(first).first?.contains(#""model":"ranker""#) ?? false)

    let unknown = repo.mlgit("import", "mlflow", mlruns, "--experiment", "nope")
    XCTAssertEqual(unknown.status, 2, unknown.output)
    XCTAssertTrue(
      unknown.stderr.contains("no experiment named 'nope' in \(mlruns) (experiments: Default, credit, ranking)"),
      unknown.stderr)
    let notStore = repo.mlgit("import", "mlflow", repo.path + "/models")
    XCTAssertEqual(notStore.status, 2, notStore.output)
    XCTAssertTrue(
      notStore.stderr.contains("is not an MLflow file store: no <experiment>/meta.yaml in it"), notStore.stderr)
    // Another repository's commits: skipped, not recorded on something else.
    let other = TempRepository()
    other.commitTrainableModel(auc: "0.5", extraHyperparameters: "  other: 1\n")
    let foreign = other.mlgit("import", "mlflow", mlruns)
    XCTAssertEqual(foreign.status, 0, foreign.output)
    XCTAssertTrue(
      foreign.stdout.contains("(good): commit \(first.prefix(12)) is not in this repository"), foreign.stdout)
    XCTAssertTrue(foreign.stderr.contains("imported 0 runs"), foreign.stderr)
  }
}
