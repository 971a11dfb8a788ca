import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// `mlgit check`: each scope its options name, what it judges and the line that says so.
final class CheckRequestTests: XCTestCase {
  func testEachScopeJudgesWhatItNamesAndSaysWhatWasChecked() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let first = repo.commit("first")
    repo.write(
      "models/credit.yaml",
      ScratchRepository.spec(version: "1.1.0", features: ["income", "debt_ratio", "applicant_race"]))
    let second = repo.commit("protected feature")
    repo.write("README.md", "x\n")
    repo.commit("readme")
    let workspace = Workspace(repository: try repo.open(), environment: [:])
    func check(_ scope: CheckRequest.Scope) throws -> (rules: [String], checked: String) {
      let result = try CheckRequest(scope: scope, branch: nil).run(in: workspace)
      return (result.findings.filter { $0.severity == .error }.map(\.rule), result.checked)
    }

    let range = try check(.range("\(first.short)..HEAD"))
    XCTAssertEqual(range.rules, ["features/protected"])
    XCTAssertEqual(range.checked, "\(first.short)..HEAD (2 commits checked)")

    let all = try check(.all)
    XCTAssertEqual(all.rules, ["features/protected"])
    XCTAssertEqual(all.checked, "all history (3 commits checked)")

    let named = try check(.commits([second.hex]))
    XCTAssertEqual(named.rules, ["features/protected"])
    XCTAssertEqual(named.checked, "\(second.hex) (1 commit checked)")

    let staged = try check(.staged(amend: false))
    XCTAssertEqual(staged.rules, [])
    XCTAssertEqual(staged.checked, "staged change")

    // The work tree's spec still has the protected feature, judged whole.
    let files = try check(.files([]))
    XCTAssertEqual(files.rules, ["features/protected"])
    XCTAssertEqual(files.checked, "work-tree files (1 file checked)")

    XCTAssertThrowsError(try check(.range("HEAD"))) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
      XCTAssertEqual("\(error)", "mlgit: --range takes A..B (two revisions), got 'HEAD'")
    }
  }
}
