import Foundation
import MLPolicy
import XCTest

/// The binary carries policies/*.yaml (scripts/embed-resources.sh); a stale copy fails here.
final class ShippedPacksTests: XCTestCase {
  func testEmbeddedPacksMatchThePoliciesFolder() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("policies")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
    XCTAssertEqual(Set(files.map { String($0.dropLast(5)) }), Set(ShippedPacks.files.keys), "run scripts/embed-resources.sh")
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      XCTAssertEqual(ShippedPacks.files[String(file.dropLast(5))], text, "\(file): run scripts/embed-resources.sh")
    }
  }

  func testEveryPackLoads() throws {
    for name in ShippedPacks.files.keys {
      let policy = try EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [\(name)]\n".utf8))
      XCTAssertTrue(policy.sources.contains(name), "\(name): \(policy.sources)")
    }
  }
}
