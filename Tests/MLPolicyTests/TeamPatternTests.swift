@testable import MLPolicy
import XCTest

/// A team rule's `matches` pattern (`TeamPattern`): Swift's `Regex` in the syntax rules
/// write, matched Unicode scalar by Unicode scalar as ICU's matcher did before.
final class TeamPatternTests: XCTestCase {
  func matches(_ pattern: String, _ text: String) throws -> Bool {
    try TeamPattern.regex(pattern).firstMatch(in: text) != nil
  }

  func testSyntaxRulesWrite() throws {
    XCTAssertTrue(try matches("^team-[a-z]+$", "team-risk"))
    XCTAssertFalse(try matches("^team-[a-z]+$", "team-Risk"))
    XCTAssertTrue(try matches(#"^v\d+\.\d+$"#, "v2.10"))
    XCTAssertTrue(try matches("(?i)^APPROVED$", "approved"))
    XCTAssertTrue(try matches("risk|fraud", "credit-fraud-v2"), "unanchored: found anywhere")
    XCTAssertTrue(try matches(#"^[\w-]{3,8}$"#, "ab_c-d"))
    XCTAssertFalse(try matches(#"^[\w-]{3,8}$"#, "ab"))
  }

  /// `.` is one scalar: a letter written with a combining accent is two.
  func testMatchesScalarByScalar() throws {
    XCTAssertTrue(try matches("^.$", "\u{E9}"))
    XCTAssertFalse(try matches("^.$", "e\u{301}"))
    XCTAssertTrue(try matches("^..$", "e\u{301}"))
  }

  func testBadPatternsThrow() {
    for pattern in ["team-[", "(", "a{2,1}", #"\"#] {
      XCTAssertThrowsError(try TeamPattern.regex(pattern), pattern)
    }
  }
}
