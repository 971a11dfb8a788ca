import Foundation
import XCTest

/// A process pinned to one CPU (`taskset -c 0`) reads and judges on one thread
/// (`ReadAhead`): its range check, audit and run listing say exactly what they say with
/// a second thread, findings and exit status included.
final class OneCoreTests: XCTestCase {
  /// `mlgit` run with only CPU 0 allowed.
  private func pinned(_ repo: TempRepository, _ arguments: String...) -> CommandResult {
    Shell.run("/usr/bin/taskset", ["-c", "0", Shell.mlgit] + arguments, in: repo.path)
  }

  func testPinnedToOneCPUTheHistoryCommandsSayTheSame() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") else {
      throw XCTSkip("taskset (util-linux) is not installed")
    }
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(".gitignore", "metrics.json\n")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.0.0"))
    repo.stage()
    let root = repo.commitFixture("credit: first model")
    for (version, auc) in [("1.1.0", "0.81"), ("1.2.0", "0.83"), ("1.3.0", "0.84")] {
      repo.write("models/credit.yaml", Fixtures.spec(version: version))
      repo.stage()
      repo.commitFixture("credit: \(version)")
      repo.write("metrics.json", "{\"auc\": \(auc)}")
      let recorded = repo.mlgit("run", "record", "--spec", "models/credit.yaml", "--metrics", "metrics.json")
      XCTAssertEqual(recorded.status, 0, recorded.output)
    }
    // A protected attribute committed past the hook: the range check and the audit report it.
    repo.write(
      "models/churn.yaml", Fixtures.spec(name: "churn", version: "0.1.0", features: ["income", "applicant_race"]))
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-q", "--no-verify", "-m", "churn: race").status, 0)

    let range = "\(root)..HEAD"
    let check = pinned(repo, "check", "--range", range)
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(
      check.output.contains(
        "models/churn.yaml:8:5: error: feature 'applicant_race' is the protected attribute 'race' [features/protected]"),
      check.output)
    let threaded = repo.mlgit("check", "--range", range)
    XCTAssertEqual(check.status, threaded.status)
    XCTAssertEqual(check.stdout, threaded.stdout)
    XCTAssertEqual(check.stderr, threaded.stderr)

    let runs = pinned(repo, "runs", "--all")
    XCTAssertEqual(runs.status, 0, runs.output)
    XCTAssertEqual(runs.stdout.split(separator: "\n").filter { $0.contains("auc") }.count, 3, runs.stdout)
    XCTAssertEqual(runs.stdout, repo.mlgit("runs", "--all").stdout)

    // The audit's JSON says when it was generated: compare everything else.
    func withoutTime(_ text: String) -> String {
      text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("\"generated\"") }
        .joined(separator: "\n")
    }
    let audit = pinned(repo, "audit", "--format", "json")
    XCTAssertEqual(audit.status, 0, audit.output)
    XCTAssertTrue(audit.stdout.contains("applicant_race"), audit.stdout)
    XCTAssertEqual(withoutTime(audit.stdout), withoutTime(repo.mlgit("audit", "--format", "json").stdout))
  }
}
