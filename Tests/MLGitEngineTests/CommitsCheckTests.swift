import Foundation
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// `check --range`, `--all` and named commits: which commits are judged and what the
/// summary says was checked.
final class CommitsCheckTests: XCTestCase {
  func testRangeAllAndNamedCommits() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let first = repo.commit("first")
    repo.write(
      "models/credit.yaml",
      ScratchRepository.spec(version: "1.1.0", features: ["income", "debt_ratio", "applicant_race"]))
    let second = repo.commit("protected feature")
    repo.write("README.md", "x\n")
    repo.commit("readme")
    let check = CommitsCheck(repository: try repo.open(), branch: nil)

    let range = try check.range(base: first.hex, tip: "HEAD", as: "\(first.short)..HEAD")
    XCTAssertEqual(range.checked, "\(first.short)..HEAD (2 commits checked)")
    XCTAssertEqual(range.findings.map(\.rule), ["features/protected"])
    XCTAssertEqual(range.findings.map(\.commit), [second.hex])

    let all = try check.all()
    XCTAssertEqual(all.checked, "all history (3 commits checked)")
    XCTAssertEqual(all.findings.filter { $0.severity == .error }.map(\.commit), [second.hex])

    // A commit named twice is judged once; the summary lists what was named.
    let named = try check.commits(["HEAD~1", second.hex])
    XCTAssertEqual(named.checked, "HEAD~1 \(second.hex) (1 commit checked)")
    XCTAssertEqual(named.findings.map(\.rule), ["features/protected"])

    XCTAssertThrowsError(try check.commits(["no-such-branch"])) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
      XCTAssertTrue("\(error)".hasPrefix("mlgit: "), "\(error)")
    }
  }
}
