import Foundation
import XCTest

@testable import MLSpec

/// MLSpec's text work without Foundation gives what it gave with it.
final class PlainTextUseTests: XCTestCase {
  /// Control characters in canonical JSON: `\u` and four lower-case hex digits, as
  /// `String(format: "\\u%04x")` wrote them (approvals hash this text).
  func testCanonicalJSONEscapesEveryControlCharacterAsBefore() {
    for value in UInt32(0)..<0x20 {
      guard let scalar = Unicode.Scalar(value), !["\n", "\r", "\t"].contains(scalar) else { continue }
      XCTAssertEqual(
        JSONValue.string("a\(scalar)b").canonical, "\"a" + String(format: "\\u%04x", value) + "b\"", "U+\(value)")
    }
    XCTAssertEqual(JSONValue.string("\u{1F}\u{7F}").canonical, "\"\\u001f\u{7F}\"")
  }

  func testSlugsLoseTheirOuterDashesOnly() {
    XCTAssertEqual(ModelSpec.slugify("  Credit Risk (v2)! "), "credit-risk-v2")
    XCTAssertEqual(ModelSpec.slugify("-a--b-"), "a-b")
    XCTAssertEqual(ModelSpec.slugify("---"), "")
    XCTAssertEqual(ModelSpec.slugify("Ünïcode model"), "n-code-model")
    XCTAssertEqual(ModelSpec.slugify(""), "")
  }

  func testBlankNamesAreWhitespaceOnly() {
    XCTAssertTrue(ModelSpec.isBlank(" \t\u{3000}"))
    XCTAssertTrue(ModelSpec.isBlank(""))
    XCTAssertFalse(ModelSpec.isBlank(" \n"))
    XCTAssertFalse(ModelSpec.isBlank(" x"))
  }
}
