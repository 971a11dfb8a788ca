import Foundation
@testable import MLGitEngine
import XCTest

/// `OpenFile`, mlgit's read-only file descriptor: prefixes, the whole of a pipe, the
/// system's reason when a read fails, and nothing for a path that cannot be opened.
final class OpenFileTests: XCTestCase {
  func testReadsPrefixesAndEnds() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("openfile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("f").path
    let bytes = Data((0..<200_000).map { UInt8($0 % 251) })
    try bytes.write(to: URL(fileURLWithPath: path))
    let file = try XCTUnwrap(OpenFile(forReadingAtPath: path))
    XCTAssertEqual(file.readPrefix(16), bytes.prefix(16))
    XCTAssertEqual(try file.read(upToCount: 100_000), bytes.dropFirst(16).prefix(100_000))
    XCTAssertEqual(try file.read(upToCount: 1_000_000), bytes.dropFirst(100_016))
    XCTAssertEqual(try file.read(upToCount: 10), Data())
    XCTAssertNil(OpenFile(forReadingAtPath: folder.appendingPathComponent("missing").path))
    // A folder opens, and reading it fails with the system's reason.
    let directory = try XCTUnwrap(OpenFile(forReadingAtPath: folder.path))
    XCTAssertThrowsError(try directory.read(upToCount: 1)) { error in
      XCTAssertEqual("\(error)", "Is a directory")
      XCTAssertEqual(SystemErrorText.reason(error), "Is a directory")
    }
    XCTAssertEqual(directory.readPrefix(4), Data())
  }

  func testReadsAPipeToItsEnd() throws {
    var ends: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&ends), 0)
    let text = Data(String(repeating: "refs/heads/main 0 1\n", count: 10_000).utf8)
    let input = ends[1]
    let writer = Thread {
      text.withUnsafeBytes { _ = write(input, $0.baseAddress, $0.count) }
      close(input)
    }
    writer.start()
    let read = try OpenFile.readToEnd(ends[0])
    close(ends[0])
    XCTAssertEqual(read, text)
  }
}
