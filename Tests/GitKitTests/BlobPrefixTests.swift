import Foundation
@testable import GitKit
import XCTest

/// `blobPrefix` and the size limits read the same bytes whatever the object's storage:
/// loose, packed whole, or packed as a delta.
final class BlobPrefixTests: XCTestCase {
  static func content(_ seed: Int) -> String {
    var text = "header,\(seed)\n"
    for row in 0..<100_000 { text += "\(row),\(row * 7 % 1000),\(row % 3 == 0 ? "yes" : "no")\n" }
    return text  // about 1.3 MB: over the size below which blobs are read whole
  }

  func testPrefixesOfLoosePackedAndDeltifiedBlobs() throws {
    let s = try Scratch()
    let first = BlobPrefixTests.content(1)
    let second = BlobPrefixTests.content(1) + "tail\n"
    XCTAssertGreaterThan(first.utf8.count, Repository.prefixReadWhole)
    try s.write("data/a.csv", first)
    let c1 = try s.commit()
    try s.write("data/a.csv", second)
    let c2 = try s.commit()
    let repo = try Repository.discover(at: s.root)
    let id1 = try XCTUnwrap(try repo.entry(at: "data/a.csv", inTree: try repo.treeOf(commit: c1))).id
    let id2 = try XCTUnwrap(try repo.entry(at: "data/a.csv", inTree: try repo.treeOf(commit: c2))).id

    func check(_ label: String, _ repo: Repository) throws {
      for (id, text) in [(id1, first), (id2, second)] {
        XCTAssertEqual(try repo.blobPrefix(id, count: 100), Data(text.utf8.prefix(100)), label)
        XCTAssertEqual(try repo.blobPrefix(id, count: 10_000_000), Data(text.utf8), label)
        XCTAssertEqual(try repo.blobSize(id), text.utf8.count, label)
        XCTAssertThrowsError(try repo.blob(id, limit: 1000), label) { error in
          XCTAssertEqual((error as? BlobTooLarge)?.size, text.utf8.count, label)
        }
      }
    }
    try check("loose", repo)
    // One pack, one of the two blobs stored as a delta of the other.
    try s.run("repack", "-adq", "-f", "--window=10")
    let verify = try s.run(
      "verify-pack", "-v",
      try XCTUnwrap(
        try FileManager.default.contentsOfDirectory(atPath: s.root + "/.git/objects/pack").first {
          $0.hasSuffix(".idx")
        }
        .map { s.root + "/.git/objects/pack/" + $0 }))
    let lines = verify.split(separator: "\n").filter { $0.hasPrefix(id1.hex) || $0.hasPrefix(id2.hex) }
    XCTAssertEqual(lines.count, 2, verify)
    XCTAssertEqual(
      lines.filter { $0.split(separator: " ", omittingEmptySubsequences: true).count > 5 }.count, 1,
      "one blob should be a delta: \(lines)")
    try check("packed", try Repository.discover(at: s.root))
  }

  func testAPrefixOfATreeIsAnError() throws {
    let s = try Scratch()
    try s.write("a.txt", "a\n")
    let c = try s.commit()
    let repo = try Repository.discover(at: s.root)
    XCTAssertThrowsError(try repo.blobPrefix(try repo.treeOf(commit: c), count: 10)) { error in
      XCTAssertTrue("\(error)".contains("is not a file"), "\(error)")
    }
  }
}
