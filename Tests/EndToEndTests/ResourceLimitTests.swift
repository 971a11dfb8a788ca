import Foundation
import XCTest

/// Big files: what a hook reads of them is bounded by what its rules need, not by their size.
final class ResourceLimitTests: XCTestCase {
  /// A CSV of about `megabytes` MB whose header names a protected attribute.
  static func csv(megabytes: Int) -> Data {
    let row = "12345,1,0\n"
    var data = Data("income,race,defaulted\n".utf8)
    data.append(Data(String(repeating: row, count: megabytes * 1_000_000 / row.utf8.count).utf8))
    return data
  }

  /// A commit with data files (one loose, one written straight into a pack as git does for
  /// files over core.bigFileThreshold) and a spec, each 48 MB, checked by the pre-commit
  /// hook with its data segment limited to 40 MB: reading any of them whole would fail.
  func testHugeStagedFilesAreCheckedWithinBoundedMemory() throws {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitFile("README.md", "readme\n", "init")
    let csv = ResourceLimitTests.csv(megabytes: 48)
    repo.write("data/loose.csv", data: csv)
    repo.write("data/packed.csv", data: csv + Data("9,9,9\n".utf8))
    repo.write("models/huge.yaml", String(repeating: "# padding\n", count: 4_800_000))
    repo.stage("data/loose.csv", "models/huge.yaml")
    XCTAssertEqual(repo.git("-c", "core.bigFileThreshold=1m", "add", "data/packed.csv").status, 0)
    let packed = repo.git("rev-parse", ":data/packed.csv").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertFalse(
      FileManager.default.fileExists(
        atPath: "\(repo.path)/.git/objects/\(packed.prefix(2))/\(packed.dropFirst(2))"), "expected a packed blob")

    let commit = Shell.run("/bin/sh", ["-c", "ulimit -d 40000 && exec git commit -q -m 'big data'"], in: repo.path)
    XCTAssertEqual(commit.status, 1, commit.output)
    let out = commit.output
    XCTAssertTrue(
      out.contains(
        "data/loose.csv:1:8: warning: column 'race' is the protected attribute 'race' [data/protected-columns]"), out)
    XCTAssertTrue(
      out.contains(
        "data/packed.csv:1:8: warning: column 'race' is the protected attribute 'race' [data/protected-columns]"), out)
    XCTAssertTrue(
      out.contains(
        "models/huge.yaml:1:1: error: file is 48000000 bytes, over mlgit's 1048576-byte limit for specs [spec/schema]"),
      out)
    XCTAssertTrue(out.contains("mlgit: pre-commit: 1 error, 2 warnings"), out)
  }
}
