import TestSupport
import XCTest

@testable import MLSpec

/// Glob matching holds its bound on patterns built to make a backtracking matcher
/// explode, and agrees with a plain recursive matcher on generated cases.
final class GlobAdversarialTests: XCTestCase {
  /// The bound the matcher promises: pattern length times path length, with room for
  /// the constant factors of one step.
  func bound(_ pattern: String, _ path: String) -> Int {
    8 * (pattern.unicodeScalars.count + 2) * (path.unicodeScalars.count + 2)
  }

  func assertMatch(
    _ pattern: String, _ path: String, _ expected: Bool, file: StaticString = #filePath, line: UInt = #line
  ) {
    var steps = 0
    XCTAssertEqual(
      Glob(pattern).matches(path, steps: &steps), expected, "\(pattern) on \(path)", file: file, line: line)
    XCTAssertLessThanOrEqual(steps, bound(pattern, path), "\(pattern) on \(path)", file: file, line: line)
  }

  func testManyDoubleStarsOnADeepPathStayWithinTheBound() {
    let deep = (0..<40).map { "d\($0)" }.joined(separator: "/")
    for stars in [1, 6, 10, 30] {
      let pattern = String(repeating: "**/", count: stars) + "*.yaml"
      assertMatch(pattern, deep + "/model.txt", false)
      assertMatch(pattern, deep + "/model.yaml", true)
      assertMatch(pattern, deep + "/model.yaml/x", false)
    }
    // `**` between literals that almost match, over and over.
    let pattern = String(repeating: "**/a/", count: 12) + "**/b"
    assertMatch(pattern, Array(repeating: "a", count: 60).joined(separator: "/"), false)
    assertMatch(pattern, Array(repeating: "a", count: 60).joined(separator: "/") + "/b", true)
  }

  func testManyStarsInOneSegmentStayWithinTheBound() {
    let pattern = String(repeating: "*a", count: 20) + "*b"
    assertMatch(pattern, String(repeating: "a", count: 200), false)
    assertMatch(pattern, String(repeating: "a", count: 200) + "b", true)
    assertMatch(
      "models/" + String(repeating: "*[a-z]", count: 15) + "*.yaml",
      "models/" + String(repeating: "x", count: 300) + ".yml", false)
  }

  func testAgreesWithARecursiveMatcherOnGeneratedCases() {
    var random = SeededGenerator(seed: 0x6d6c_6769_7400)
    let segmentPieces = [
      "**", "**", "a", "b", "ab", "*", "a*", "*b", "*a*", "?", "a?", "[ab]", "[!a]*", "[a-b]?", "é", "*é",
    ]
    let pathSegments = ["a", "b", "ab", "ba", "aab", "abb", "c", "é", "aé", "x.yaml"]
    var agreed = 0
    for _ in 0..<20_000 {
      let pattern = (0..<random.below(6)).map { _ in segmentPieces[random.below(segmentPieces.count)] }.joined(
        separator: "/")
      let path = (0..<random.below(7)).map { _ in pathSegments[random.below(pathSegments.count)] }.joined(
        separator: "/")
      let expected = ReferenceGlob.matches(pattern, path)
      var steps = 0
      XCTAssertEqual(Glob(pattern).matches(path, steps: &steps), expected, "\(pattern) on \(path)")
      XCTAssertLessThanOrEqual(steps, bound(pattern, path), "\(pattern) on \(path)")
      agreed += 1
    }
    XCTAssertEqual(agreed, 20_000)
  }

  func testReferenceMatcherItself() {
    XCTAssertTrue(ReferenceGlob.matches("models/**/*.yaml", "models/x/y/a.yaml"))
    XCTAssertFalse(ReferenceGlob.matches("models/**/*.yaml", "models/x/y/a.yml"))
    XCTAssertTrue(ReferenceGlob.matches("v[!0-9]?", "vxy"))
    XCTAssertFalse(ReferenceGlob.matches("*a*b", "ba"))
  }
}

/// The definition of glob matching, written as plainly as possible (and exponential):
/// `**` takes any number of whole segments, `*` any run of scalars, `?` one scalar,
/// `[set]` one scalar of the set.
enum ReferenceGlob {
  static func matches(_ pattern: String, _ path: String) -> Bool {
    segments(
      pattern.split(separator: "/").map { Array($0.unicodeScalars) }[...],
      path.split(separator: "/").map { Array($0.unicodeScalars) }[...])
  }

  static func segments(_ pattern: ArraySlice<[Unicode.Scalar]>, _ path: ArraySlice<[Unicode.Scalar]>) -> Bool {
    guard let head = pattern.first else { return path.isEmpty }
    if head == ["*", "*"] {
      return (path.startIndex...path.endIndex).contains { segments(pattern.dropFirst(), path[$0...]) }
    }
    guard let segment = path.first else { return false }
    return scalars(head[...], segment[...]) && segments(pattern.dropFirst(), path.dropFirst())
  }

  static func scalars(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
    guard let p = pattern.first else { return text.isEmpty }
    switch p {
    case "*":
      return (text.startIndex...text.endIndex).contains { scalars(pattern.dropFirst(), text[$0...]) }
    case "?":
      return !text.isEmpty && scalars(pattern.dropFirst(), text.dropFirst())
    case "[":
      guard let close = pattern.dropFirst(2).firstIndex(of: "]"), let c = text.first else { return false }
      var set = Array(pattern[(pattern.startIndex + 1)..<close])
      let negate = set.first == "!" || set.first == "^"
      if negate { set.removeFirst() }
      var inSet = false
      var i = 0
      while i < set.count {
        if i + 2 < set.count, set[i + 1] == "-" {
          if set[i].value <= c.value && c.value <= set[i + 2].value { inSet = true }
          i += 3
        } else {
          if set[i] == c { inSet = true }
          i += 1
        }
      }
      return inSet != negate && scalars(pattern[(close + 1)...], text.dropFirst())
    default:
      return text.first == p && scalars(pattern.dropFirst(), text.dropFirst())
    }
  }
}
