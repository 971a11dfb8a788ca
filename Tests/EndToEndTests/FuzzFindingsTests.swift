import Foundation
import XCTest

/// What fuzzing found (docs/fuzzing.md), end to end: every input in the spec and config
/// seed corpora, crashes fuzzing found included, gets a finding or an error from the built
/// mlgit, never a trap.
final class FuzzFindingsTests: XCTestCase {
  /// The repository's fuzz/corpus/TARGET folder.
  func corpus(_ target: String) throws -> [(name: String, data: Data)] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let folder = root.appendingPathComponent("fuzz/corpus/\(target)")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    XCTAssertFalse(names.isEmpty, "no seeds in \(folder.path)")
    return try names.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) }
  }

  func testSpecWithCarriageReturnLineBreaksAndADuplicateKeyIsReportedNotACrash() {
    let repo = TempRepository()
    // libyaml counts a lone CR as a line break; the locator of the second key counted only
    // LF, so its line index ran past the text (exit 132).
    repo.write("models/credit.yaml", "apiVersion: mlgit/v1\r\r\r\r\r\rname: a\nname: b\n")
    repo.stage()
    let result = repo.mlgit("check", "--staged")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.contains(
        "models/credit.yaml:8:1: error: duplicate key 'name' (first defined at line 7) [spec/schema]"), result.output)
  }

  func testConfigWithCarriageReturnLineBreaksAndADuplicateKeyIsAConfigError() {
    let repo = TempRepository()
    repo.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\r\r\rreviewers: [a]\nreviewers: [b]\n", "config")
    repo.commitFile("a.txt", "a\n", "next")
    let result = repo.mlgit("check", "HEAD")
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(
      result.stderr.contains(".mlgit/config.yml:5:1: error: duplicate key 'reviewers' (first defined at line 4)"),
      result.output)
  }

  func testEverySpecSeedIsJudged() throws {
    let repo = TempRepository()
    for (index, seed) in try corpus("spec").enumerated() {
      repo.write("models/seed\(index).yaml", data: seed.data)
    }
    repo.stage()
    let result = repo.mlgit("check", "--staged", "--format", "json")
    XCTAssertTrue(result.status == 0 || result.status == 1, "exit \(result.status): \(result.stderr)")
    XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)), result.stdout)
  }

  func testEveryConfigSeedIsAPolicyOrAConfigError() throws {
    for seed in try corpus("config") {
      let repo = TempRepository()
      repo.write(".mlgit/config.yml", data: seed.data)
      repo.stage()
      repo.commitFixture("config \(seed.name)")
      repo.write("models/credit.yaml", Fixtures.spec())
      repo.stage()
      let result = repo.mlgit("check", "--staged")
      XCTAssertTrue([0, 1, 2].contains(result.status), "\(seed.name): exit \(result.status): \(result.stderr)")
      if result.status == 2 {
        XCTAssertTrue(result.stderr.contains(".mlgit/config.yml:"), "\(seed.name): \(result.stderr)")
      }
    }
  }
}
