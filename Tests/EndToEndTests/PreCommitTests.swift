import XCTest

final class PreCommitTests: XCTestCase {
  func testRefusesBrokenSpecWithLocationAndRule() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stderr.contains("models/credit.yaml:3:10: error: version must be a semantic version string"), result.stderr
    )
    XCTAssertTrue(result.stderr.contains("[spec/schema]"), result.stderr)
    XCTAssertEqual(repo.git("rev-parse", "--verify", "-q", "HEAD").status, 1, "no commit may be made")
  }

  func testAcceptsValidSpec() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let result = repo.git("commit", "-m", "add credit model")
    XCTAssertEqual(result.status, 0, result.output)
  }
}
