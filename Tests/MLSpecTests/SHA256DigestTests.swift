import Foundation
import MLSpec
import TestSupport
import XCTest

/// Digests stored in run ledgers and review approvals must never change: the known
/// vectors of FIPS 180-4 and pinned digests of large inputs, hashed from memory, from a
/// file and through a pipe (whose reads come back short).
final class SHA256DigestTests: XCTestCase {
  func testFIPSVectors() {
    let vectors: [(String, String)] = [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
      (
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
      ),
      (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]
    for (text, digest) in vectors {
      XCTAssertEqual(SHA256Digest.hex(Data(text.utf8)), digest, "\(text.prefix(20))")
      XCTAssertEqual(SHA256Digest.hex(text), digest, "\(text.prefix(20))")
    }
  }

  /// Every length around the 64-byte block and its 56-byte padding boundary.
  func testLengthsAroundTheBlockBoundaries() throws {
    let bytes = Data((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
    // Pinned from the hand-written SHA-256 mlgit used before swift-crypto (and equal to
    // sha256sum): the hash of the concatenated digests of every prefix of `bytes`.
    let digests = (0...bytes.count).map { SHA256Digest.hex(bytes.prefix($0)) }.joined()
    XCTAssertEqual(SHA256Digest.hex(digests), "530566f39d545b371e5360fbfe251c0da6410ba297e67392dfaec0cb575d67ed")
  }

  /// A streamed input of 9 MiB and 13 bytes (nine full read buffers and a short tail),
  /// from a file and from a pipe, equals the digest of the same bytes in memory and the
  /// pinned digest of the hand-written implementation mlgit used before.
  func testLargeStreamedInput() throws {
    var generator = SeededGenerator(seed: 0x5348_4132_3536)
    var data = Data(count: 9 << 20 + 13)
    data.withUnsafeMutableBytes { raw in
      for index in raw.indices { raw[index] = UInt8(truncatingIfNeeded: generator.next()) }
    }
    let pinned = "b025e5247f90ecd969748e00e058290cb43ab0ef71f7d4118e0a324feff62a9b"
    XCTAssertEqual(SHA256Digest.hex(data), pinned)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("data.bin")
    try data.write(to: file)
    XCTAssertEqual(try SHA256Digest.hex(ofFile: file.path), pinned)

    let pipe = Pipe()
    let bytes = data
    let writer = Thread {
      pipe.fileHandleForWriting.write(bytes)
      try? pipe.fileHandleForWriting.close()
    }
    writer.start()
    XCTAssertEqual(try SHA256Digest.hex(ofDescriptor: pipe.fileHandleForReading.fileDescriptor), pinned)
  }

  func testAMissingFileIsAnError() {
    XCTAssertThrowsError(try SHA256Digest.hex(ofFile: "/nonexistent/mlgit-sha256"))
  }
}
