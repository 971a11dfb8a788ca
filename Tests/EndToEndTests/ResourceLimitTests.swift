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

  /// The size, in KiB, of the writable LOAD segments of an ELF executable (RLIMIT_DATA
  /// counts them); 0 for a binary that is not 64-bit little-endian ELF.
  static func writableSegmentKilobytes(of path: String) throws -> Int {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> Int {
      var value: T = 0
      _ = withUnsafeMutableBytes(of: &value) { data.copyBytes(to: $0, from: offset..<(offset + MemoryLayout<T>.size)) }
      return Int(T(littleEndian: value))
    }
    guard data.count > 64, data.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]), data[4] == 2, data[5] == 1 else {
      return 0
    }
    let table = integer(32, UInt64.self)
    let entrySize = integer(54, UInt16.self)
    let count = integer(56, UInt16.self)
    var bytes = 0
    for index in 0..<count {
      let entry = table + index * entrySize
      let type = integer(entry, UInt32.self)
      let flags = integer(entry + 4, UInt32.self)
      // PT_LOAD with PF_W: its memory size (p_memsz).
      if type == 1, flags & 2 != 0 { bytes += integer(entry + 40, UInt64.self) }
    }
    return (bytes + 1023) / 1024
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

    // The limit counts the binary's own writable segments too: 41 MB in the release build,
    // whose .rodata (ICU's data table with it) the linker makes writable (docs/performance.md,
    // "Big files"). What the hook allocates must stay within 40 MB beyond them.
    let limit = 40_000 + (try ResourceLimitTests.writableSegmentKilobytes(of: Shell.mlgit))
    let commit = Shell.run(
      "/bin/sh", ["-c", "ulimit -d \(limit) && exec git commit -q -m 'big data'"], in: repo.path)
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
