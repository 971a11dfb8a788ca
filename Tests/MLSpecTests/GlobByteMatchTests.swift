import TestSupport
import XCTest

@testable import MLSpec

/// `Glob.matches` takes a byte path for ASCII patterns and paths (no allocation); it
/// must agree with the scalar matcher (`matches(_:steps:)`, held to the reference matcher
/// by `GlobAdversarialTests`) on every path, and leave non-ASCII text to it.
final class GlobByteMatchTests: XCTestCase {
  func testAgreesWithTheScalarMatcherOnGeneratedCases() {
    var random = SeededGenerator(seed: 0x6279_7465_7300)
    let patternPieces = [
      "**", "**", "models", "a", "b", "ab", "*", "a*", "*b", "*a*", "?", "a?", "[ab]", "[!a]*", "[a-b]?", "*.yaml",
      "[^x]", "x[", "*[a-]", "é",
    ]
    let pathPieces = ["models", "a", "b", "ab", "ba", "aab", "x.yaml", "c", "-", "[", "", "é", "aé"]
    var byteAnswers = 0
    for _ in 0..<20_000 {
      let pattern = (0..<random.below(6)).map { _ in patternPieces[random.below(patternPieces.count)] }.joined(
        separator: "/")
      var path = (0..<random.below(7)).map { _ in pathPieces[random.below(pathPieces.count)] }.joined(separator: "/")
      if random.below(8) == 0 { path = "/" + path }
      if random.below(8) == 0 { path += "/" }
      let glob = Glob(pattern)
      var steps = 0
      let scalar = glob.matches(path, steps: &steps)
      XCTAssertEqual(glob.matches(path), scalar, "\(pattern) on \(path)")
      let ascii = pattern.utf8.allSatisfy { $0 < 0x80 } && path.utf8.allSatisfy { $0 < 0x80 }
      let bytes = Array(path.utf8).withUnsafeBufferPointer { buffer in
        glob.matchesASCII(buffer)
      }
      if ascii {
        XCTAssertEqual(bytes, scalar, "\(pattern) on \(path)")
        byteAnswers += 1
      } else {
        XCTAssertNil(bytes, "\(pattern) on \(path): non-ASCII text goes to the scalar matcher")
      }
    }
    XCTAssertGreaterThan(byteAnswers, 5_000)
  }

  func testNonASCIIPathsGoToTheScalarMatcher() {
    let glob = Glob("models/**/*.yaml")
    XCTAssertNil(Array("models/é.yaml".utf8).withUnsafeBufferPointer { glob.matchesASCII($0) })
    XCTAssertTrue(glob.matches("models/é.yaml"))
    XCTAssertEqual(Array("models/x/a.yaml".utf8).withUnsafeBufferPointer { glob.matchesASCII($0) }, true)
    XCTAssertEqual(Array("src/a.yaml".utf8).withUnsafeBufferPointer { glob.matchesASCII($0) }, false)
  }
}
