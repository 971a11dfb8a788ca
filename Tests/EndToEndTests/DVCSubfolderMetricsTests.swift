import Foundation
import XCTest

/// `dvc.yaml` files in sub-folders: DVC reads a pipeline file in any folder, its paths
/// relative to that folder; `mlgit run` picks up their metrics as it does the root's.
final class DVCSubfolderMetricsTests: XCTestCase {
  func testMetricsOfTrackedSubfolderPipelinesAreReadRelativeToTheirFolder() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    // A stage with a wdir (relative to its dvc.yaml's folder), and a top-level entry that
    // climbs out of the folder.
    repo.write(
      "pipelines/train/dvc.yaml",
      """
      stages:
        fit:
          cmd: ./train.sh
          wdir: ../..
          metrics:
            - metrics.json:
                cache: false
        evaluate:
          cmd: python evaluate.py
          metrics:
            - eval/scores.json

      """)
    repo.write("reports/dvc.yaml", "metrics:\n  - ../summary/final.yaml\n")
    // Not tracked: not a pipeline of the repository, so not read.
    repo.write(".gitignore", "metrics.json\npipelines/train/eval/\nsummary/\nscratch/\n")
    repo.stage()
    repo.commitFixture("pipelines in sub-folders")
    repo.write("scratch/dvc.yaml", "metrics:\n  - scratch.json\n")

    let script =
      #"./train.sh && mkdir -p pipelines/train/eval summary && printf '{"test": {"f1": 0.7}}' > pipelines/train/eval/scores.json && printf 'epochs: 3\n' > summary/final.yaml"#
    let run = repo.mlgit("run", "--", "sh", "-c", script)
    XCTAssertEqual(run.status, 0, run.output)
    XCTAssertFalse(run.stderr.contains("scratch"), run.stderr)
    let line = try XCTUnwrap(repo.runLines().first)
    XCTAssertTrue(line.contains(#""metrics":{"auc":0.81,"epochs":3.0,"loss":0.25,"test.f1":0.7}"#), line)

    // A file the run did not write is named by its path from the root.
    let partial = repo.mlgit("run", "--", "./train.sh")
    XCTAssertEqual(partial.status, 0, partial.output)
    XCTAssertTrue(
      partial.stderr.contains(
        "mlgit: note: metrics file pipelines/train/eval/scores.json (named by dvc.yaml) was not written by this run"),
      partial.stderr)
    XCTAssertTrue(
      partial.stderr.contains(
        "mlgit: note: metrics file summary/final.yaml (named by dvc.yaml) was not written by this run"), partial.stderr)

    // An error in a sub-folder's dvc.yaml names that file and the line.
    repo.write("reports/dvc.yaml", "metrics:\n  - {a: 1, b: 2}\n")
    let bad = repo.mlgit("run", "record")
    XCTAssertEqual(bad.status, 2, bad.output)
    XCTAssertTrue(
      bad.stderr.contains(
        "reports/dvc.yaml:2:5: error: a metrics entry must be a path or {path: {…}}, found a mapping"), bad.stderr)

    // A path that leaves the work tree is refused, not read.
    repo.write("reports/dvc.yaml", "metrics:\n  - ../../outside.json\n")
    let outside = repo.mlgit("run", "record")
    XCTAssertEqual(outside.status, 2, outside.output)
    XCTAssertTrue(outside.stderr.contains("mlgit: metrics file ../outside.json (named by dvc.yaml)"), outside.stderr)
  }
}
