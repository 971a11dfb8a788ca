import MLGitReport
import XCTest

@testable import MLGitEngine

/// The `mlgit.doctor/1` document and the report lines it carries.
final class DiagnosisTests: XCTestCase {
  func testTheDocumentHasEveryFieldUnderItsName() throws {
    var diagnosis = Diagnosis()
    diagnosis.executable = "/opt/mlgit/bin/mlgit"
    diagnosis.libgit2 = "1.5.1"
    diagnosis.repository = "/srv/work/"
    diagnosis.hooks = [Diagnosis.Hook(name: "pre-commit", runs: false, steps: [".git/hooks/pre-commit: no hook"])]
    diagnosis.problems = ["mlgit's pre-commit check does not run: run `mlgit install`"]
    diagnosis.report = ["mlgit \(MLGitVersion.current) at /opt/mlgit/bin/mlgit"]
    XCTAssertEqual(
      String(decoding: try SortedJSON.encode(diagnosis), as: UTF8.self),
      """
      {
        "bare" : false,
        "executable" : "/opt/mlgit/bin/mlgit",
        "hooks" : [
          {
            "name" : "pre-commit",
            "runs" : false,
            "steps" : [
              ".git/hooks/pre-commit: no hook"
            ]
          }
        ],
        "libgit2" : "1.5.1",
        "problems" : [
          "mlgit's pre-commit check does not run: run `mlgit install`"
        ],
        "report" : [
          "mlgit \(MLGitVersion.current) at /opt/mlgit/bin/mlgit"
        ],
        "repository" : "/srv/work/",
        "schema" : "mlgit.doctor/1",
        "version" : "\(MLGitVersion.current)"
      }

      """)
  }

  func testALineWithoutColourIsItsTextThenItsAlarm() {
    XCTAssertEqual(
      Diagnosis.Line("  pre-commit: ", alarm: "MLGIT'S CHECK DOES NOT RUN").plain,
      "  pre-commit: MLGIT'S CHECK DOES NOT RUN")
    XCTAssertEqual(Diagnosis.Line("index: none yet").plain, "index: none yet")
    XCTAssertEqual(Diagnosis.Line("index: none yet").alarm, "")
  }
}
