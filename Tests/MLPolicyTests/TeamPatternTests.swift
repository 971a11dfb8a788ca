@testable import MLPolicy
import Synchronization
import XCTest

/// A team rule's `matches` pattern (`TeamPattern`): PCRE2 in the syntax rules write,
/// Unicode-aware, matched Unicode scalar by Unicode scalar, with a bound on backtracking.
final class TeamPatternTests: XCTestCase {
  func matches(_ pattern: String, _ text: String) throws -> Bool {
    switch try TeamPattern.compile(pattern).match(text) {
    case .found: return true
    case .notFound: return false
    case .tooCostly: throw TeamPattern.InvalidPattern()
    }
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

  /// Classes and case are Unicode's, as in Perl and ICU.
  func testClassesAndCaseAreUnicodes() throws {
    XCTAssertTrue(try matches(#"^\w+$"#, "équipe"))
    XCTAssertTrue(try matches(#"^\d+$"#, "\u{0663}\u{0664}"), "Arabic-Indic digits")
    XCTAssertTrue(try matches("(?i)^ÉQUIPE$", "équipe"))
    XCTAssertTrue(try matches("^[[:alpha:]]+$", "Straße"))
  }

  /// `$` is the end of the value: a trailing newline (a YAML block scalar's) does not
  /// slip past an anchored pattern, as it would in Perl's default.
  func testDollarIsTheEndOfTheValue() throws {
    XCTAssertFalse(try matches("^team-[a-z]+$", "team-risk\n"))
    XCTAssertTrue(try matches("(?m)^team-[a-z]+$", "team-risk\nmore"))
  }

  /// An empty pattern matches everything; an empty value is matched like any other.
  func testEmptyPatternsAndValues() throws {
    XCTAssertTrue(try matches("", ""))
    XCTAssertTrue(try matches("", "team-risk"))
    XCTAssertTrue(try matches("^$", ""))
    XCTAssertFalse(try matches("^team-[a-z]+$", ""))
  }

  func testBadPatternsThrow() {
    for pattern in ["team-[", "(", "a{2,1}", #"\"#, #"\C"#] {
      XCTAssertThrowsError(try TeamPattern.compile(pattern), pattern)
    }
  }

  /// A pattern that nests quantifiers backtracks exponentially on a value written for it:
  /// the match stops at the step limit, at once and the same way on every machine.
  func testBacktrackingIsBounded() throws {
    let pattern = try TeamPattern.compile("^(a+)+$")
    XCTAssertEqual(pattern.match(String(repeating: "a", count: 40) + "!"), .tooCostly)
    XCTAssertEqual(pattern.match("aaaa"), .found)
    XCTAssertEqual(pattern.match("aab"), .notFound)
  }

  /// A pattern may lower PCRE2's limits from inside (`(*LIMIT_MATCH=…)`) but not raise
  /// them past mlgit's: a policy cannot buy its pattern more steps.
  func testAPatternCannotRaiseItsOwnLimits() throws {
    let value = String(repeating: "c", count: 40) + "!"
    for prefix in ["(*LIMIT_MATCH=4000000000)", "(*LIMIT_DEPTH=4000000000)", "(*LIMIT_HEAP=4000000000)"] {
      XCTAssertEqual(try TeamPattern.compile(prefix + "^(c+)+$").match(value), .tooCostly, prefix)
    }
  }

  /// After `costlyLimit` values ran out of steps, the pattern's further values are
  /// reported so without being matched: ten thousand of them cost four matches.
  func testAPatternThatRanOutOfStepsOftenIsNotTriedAgain() throws {
    let pattern = try TeamPattern.compile("^(b+)+$")
    let hostile = String(repeating: "b", count: 40) + "!"
    for _ in 0..<TeamPattern.costlyLimit { XCTAssertEqual(pattern.match(hostile), .tooCostly) }
    XCTAssertEqual(pattern.match("bbb"), .tooCostly, "no longer matched")
    XCTAssertEqual(try TeamPattern.compile("^(a+)+$").match("aaaa"), .found, "other patterns still are")
  }

  /// One compiled pattern serves many threads at once.
  func testThreadsShareACompiledPattern() throws {
    let pattern = try TeamPattern.compile("^team-[a-z]+$")
    let wrong = Mutex(0)
    DispatchQueue.concurrentPerform(iterations: 64) { index in
      let even = index.isMultiple(of: 2)
      if pattern.match(even ? "team-risk" : "team-\(index)") != (even ? .found : .notFound) {
        wrong.withLock { $0 += 1 }
      }
    }
    XCTAssertEqual(wrong.withLock { $0 }, 0)
  }
}
