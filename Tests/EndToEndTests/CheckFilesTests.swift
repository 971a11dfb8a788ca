import Foundation
import XCTest

/// `mlgit check --files [PATH…]`: spec, config and data files as they are in the work
/// tree, staged or not, each judged whole, by the policy in force in HEAD.
final class CheckFilesTests: XCTestCase {
  func testEveryCoveredFileIsJudgedWholeEvenWhenNothingChanged() {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    repo.write("models/other.yaml", Fixtures.spec(name: "other"))
    repo.write("README.md", "not covered\n")
    repo.stage()
    repo.commitFixture("bypass")
    // Nothing staged: the staged check has nothing to judge, the files check judges all.
    XCTAssertEqual(repo.mlgit("check", "--staged").status, 0)
    let before = repo.untouchableState()
    let files = repo.mlgit("check", "--files")
    XCTAssertEqual(files.status, 1, files.output)
    XCTAssertTrue(
      files.stdout.contains(
        "models/credit.yaml:8:5: error: feature 'race' is the protected attribute 'race' [features/protected]"),
      files.stdout)
    XCTAssertTrue(files.stdout.contains("mlgit: work-tree files (2 files checked): 1 error, 0 warnings"), files.stdout)
    XCTAssertEqual(repo.untouchableState(), before, "the index, work tree and refs are untouched")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git").filter { $0.hasPrefix("mlgit-") }, [])
  }

  func testUnstagedAndUntrackedFilesAreJudgedAsTheyAreOnDisk() {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "spec")
    let staged = Fixtures.spec(version: "1.5.0")
    repo.write("models/credit.yaml", staged)
    repo.stage("models/credit.yaml")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))  // edited again, not staged
    repo.write("models/new.yaml", Fixtures.spec(name: "new", features: ["income", "gender"]))  // untracked
    let before = repo.untouchableState()
    let result = repo.mlgit("check", "--files", "--format", "json")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stdout.contains("\"path\" : \"models/credit.yaml\""), result.stdout)
    XCTAssertTrue(result.stdout.contains("\"rule\" : \"spec/schema\""), result.stdout)
    XCTAssertTrue(result.stdout.contains("\"line\" : 3"), result.stdout)
    XCTAssertTrue(result.stdout.contains("\"path\" : \"models/new.yaml\""), result.stdout)
    XCTAssertTrue(result.stdout.contains("\"rule\" : \"features/protected\""), result.stdout)
    XCTAssertEqual(repo.untouchableState(), before)
    XCTAssertEqual(repo.git("show", ":models/credit.yaml").stdout, staged, "the staged version is kept")
  }

  func testPathsAreRelativeToTheCurrentFolderAndOnlyCoveredFilesCount() {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "spec")
    repo.write("models/bad.yaml", Fixtures.spec(name: "bad", version: "1.4"))
    let one = repo.mlgit(["check", "--files", "credit.yaml"], in: "models")
    XCTAssertEqual(one.status, 0, one.output)
    XCTAssertTrue(one.stdout.contains("(1 file checked)"), one.stdout)
    let bad = repo.mlgit(["check", "--files", "bad.yaml", "../README.md"], in: "models")
    XCTAssertEqual(bad.status, 2, bad.output)
    XCTAssertTrue(bad.stderr.contains("mlgit: ../README.md: no such file in the work tree or the index"), bad.stderr)
    let folder = repo.mlgit(["check", "--files", "."], in: "models")
    XCTAssertEqual(folder.status, 1, folder.output)
    XCTAssertTrue(
      folder.stdout.contains("models/bad.yaml:3:10: error: version must be a semantic version string"), folder.stdout)
    XCTAssertTrue(folder.stdout.contains("(2 files checked)"), folder.stdout)
    let usage = repo.mlgit("check", "--files", "--range", "HEAD~1..HEAD")
    XCTAssertEqual(usage.status, 2, usage.output)
  }
}
