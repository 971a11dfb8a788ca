import Foundation
import XCTest

/// Metrics files as DVC and other tools write them: nested JSON and YAML flattened to
/// dotted names, non-numbers skipped with a note, several files, files named by the spec
/// or by dvc.yaml; the dotted names are what `validation.metrics` and the gates use.
final class MetricsFilesTests: XCTestCase {
  /// The spec's validation block: metrics files named by the spec and a dotted bound.
  static let validation = "validation:\n  metrics_files: [eval/metrics.json]\n  metrics:\n    test.auc: {min: 0.8}\n"

  func testNestedJSONNamedByTheSpecIsRecordedDottedAndGatedAtPush() throws {
    let remote = TempRepository(bare: true, name: "remote.git")
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  metrics/threshold: error\n")
    clone.write("models/credit.yaml", Fixtures.spec(extra: MetricsFilesTests.validation))
    clone.write(".gitignore", "eval/\n")
    clone.stage()
    clone.commitFixture("model and policy")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    // One feature fewer: no hyperparameter review needed; test.auc's bound is at line 15.
    let change = clone.commitFile(
      "models/credit.yaml",
      Fixtures.spec(version: "1.5.0", features: ["income"], extra: MetricsFilesTests.validation), "drop a feature")

    func train(auc: String) -> (status: Int32, stderr: String) {
      let script =
        #"mkdir -p eval && printf '{"test": {"auc": \#(auc), "confusion": [[5, 1], [2, 7]]}, "train": {"loss": 0.25}, "model": "xgb"}' > eval/metrics.json"#
      let run = clone.mlgit("run", "--", "sh", "-c", script)
      return (run.status, run.stderr)
    }
    let weak = train(auc: "0.71")
    XCTAssertEqual(weak.status, 0, weak.stderr)
    XCTAssertTrue(
      weak.stderr.contains("mlgit: note: eval/metrics.json: 'model' is the string \"xgb\", not a number; skipped"),
      weak.stderr)
    XCTAssertTrue(
      weak.stderr.contains("mlgit: note: eval/metrics.json: 'test.confusion' is a list, not a number; skipped"),
      weak.stderr)
    let line = try XCTUnwrap(clone.runLines().first)
    XCTAssertTrue(line.contains(#""metrics":{"test.auc":0.71,"train.loss":0.25}"#), line)

    let refused = clone.git("push", "origin", "main")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains("\(change.prefix(8)): models/credit.yaml:15:5: error: best run "), refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains("of 'credit-risk' misses the bar: test.auc 0.71 < min 0.8 [metrics/threshold]"),
      refused.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), change)

    XCTAssertEqual(train(auc: "0.86").status, 0)
    let accepted = clone.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), change)
  }

  func testYAMLAndSeveralFilesAreRecordedWithNotesAndClearErrors() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    repo.write("eval.yaml", "test:\n  auc: 0.9\n  classes: [yes, no]\nnote: fine\n")
    repo.write("train.json", #"{"train": {"loss": 0.1}}"#)
    let recorded = repo.mlgit("run", "record", "--metrics", "eval.yaml", "--metrics", "train.json")
    XCTAssertEqual(recorded.status, 0, recorded.output)
    XCTAssertTrue(
      recorded.stderr.contains("mlgit: note: eval.yaml: 'test.classes' (line 3) is a list, not a number; skipped"),
      recorded.stderr)
    XCTAssertTrue(
      recorded.stderr.contains("mlgit: note: eval.yaml: 'note' (line 4) is the string \"fine\", not a number; skipped"),
      recorded.stderr)
    XCTAssertTrue(
      repo.runLines().first?.contains(#""metrics":{"test.auc":0.9,"train.loss":0.1}"#) ?? false,
      repo.runLines().joined())

    let refused: [([String], String, String, String)] = [
      (
        ["eval.yaml", "again.json"], "again.json", #"{"test": {"auc": 0.5}}"#,
        "mlgit: error: metric 'test.auc' is in both eval.yaml and again.json; each metric must come from one file"
      ),
      (
        ["words.json"], "words.json", #"{"model": "xgb", "classes": [1, 2]}"#,
        "mlgit: error: words.json: no metric is a number ('classes' is a list, and 1 more); metrics must be numbers"
      ),
      (
        ["nan.yaml"], "nan.yaml", "test:\n  auc: .nan\n",
        "mlgit: error: nan.yaml:2:8: metric 'test.auc' is NaN; metrics must be finite numbers"
      ),
      (
        ["nan.json"], "nan.json", "{\n  \"test\": {\"auc\": NaN}\n}",
        "mlgit: error: nan.json: metric 'auc' is NaN; metrics must be finite numbers (line 2)"
      ),
      (["bad.yaml"], "bad.yaml", "test:\n  auc: 0.9\n bad: [\n", "mlgit: error: bad.yaml: not a YAML document: "),
    ]
    for (files, name, text, message) in refused {
      repo.write(name, text)
      let result = repo.mlgit(["run", "record"] + files.flatMap { ["--metrics", $0] })
      XCTAssertEqual(result.status, 2, result.output)
      XCTAssertTrue(result.stderr.contains(message), "\(text): \(result.stderr)")
      XCTAssertFalse(result.stderr.contains("MLSpec.") || result.stderr.contains("Error("), result.stderr)
    }
    XCTAssertTrue(repo.mlgit("run", "record", "--metrics", "bad.yaml").stderr.contains("(line 3, column"))
    XCTAssertEqual(repo.runLines().count, 1)
  }

  func testDVCYamlMetricsArePickedUpWhenNothingElseNamesMetrics() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    repo.write(
      "dvc.yaml",
      """
      metrics:
        - summary.yaml
      stages:
        train:
          cmd: ./train.sh
          metrics:
            - metrics.json:
                cache: false
        evaluate:
          cmd: python evaluate.py
          wdir: eval
          metrics:
            - scores.json

      """)
    repo.write(".gitignore", "metrics.json\nsummary.yaml\neval/\n")
    repo.stage()
    repo.commitFixture("dvc pipeline")
    let script = #"./train.sh && mkdir -p eval && printf '{"test": {"f1": 0.7}}' > eval/scores.json"#
    let run = repo.mlgit("run", "--", "sh", "-c", script)
    XCTAssertEqual(run.status, 0, run.output)
    // summary.yaml was not written: a note, and the files the run wrote are recorded.
    XCTAssertTrue(
      run.stderr.contains(
        "mlgit: note: metrics file summary.yaml (named by dvc.yaml) does not exist; its metrics are not recorded"),
      run.stderr)
    XCTAssertTrue(
      repo.runLines().first?.contains(#""metrics":{"auc":0.81,"loss":0.25,"test.f1":0.7}"#) ?? false,
      repo.runLines().joined())

    // A run that writes none of them, and exits 0, is refused as a run with --metrics is.
    let none = repo.mlgit("run", "--", "true")
    XCTAssertEqual(none.status, 2, none.output)
    XCTAssertTrue(
      none.stderr.contains(
        "mlgit: metrics file summary.yaml (named by dvc.yaml) does not exist; the command exited 0 but the run is not recorded"
      ), none.stderr)

    // run record without --metrics reads them too; --metrics overrides dvc.yaml.
    repo.write("summary.yaml", "epochs: 3\n")
    let recorded = repo.mlgit("run", "record")
    XCTAssertEqual(recorded.status, 0, recorded.output)
    XCTAssertTrue(
      repo.runLines().contains { $0.contains(#""metrics":{"auc":0.81,"epochs":3.0,"loss":0.25,"test.f1":0.7}"#) },
      repo.runLines().joined(separator: "\n"))
    let flagged = repo.mlgit("run", "record", "--metrics", "summary.yaml")
    XCTAssertEqual(flagged.status, 0, flagged.output)
    XCTAssertTrue(
      repo.runLines().contains { $0.contains(#""metrics":{"epochs":3.0}"#) }, repo.runLines().joined(separator: "\n"))

    repo.write("dvc.yaml", "metrics: summary.yaml\n")
    let bad = repo.mlgit("run", "record")
    XCTAssertEqual(bad.status, 2, bad.output)
    XCTAssertTrue(
      bad.stderr.contains("dvc.yaml:1:10: error: 'metrics' must be a list of paths, found a string"), bad.stderr)
  }

  func testASpecsMetricsFilesMustBePaths() {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec(extra: "validation:\n  metrics_files: [{path: m.json}]\n"))
    repo.stage()
    let check = repo.mlgit("check")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(
      check.output.contains(
        "models/credit.yaml:14:19: error: 'validation.metrics_files' must be a path or a list of paths, found a mapping [spec/schema]"
      ), check.output)
  }
}
