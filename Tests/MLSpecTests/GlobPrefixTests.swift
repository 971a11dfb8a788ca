import MLSpec
import XCTest

/// The folder prefixes history checks limit their diffs to.
final class GlobPrefixTests: XCTestCase {
  func testLiteralPrefixStopsAtTheFirstWildcard() {
    XCTAssertEqual(Glob("models/**/*.yaml").literalPrefix, "models")
    XCTAssertEqual(Glob("teams/a/models/*.json").literalPrefix, "teams/a/models")
    XCTAssertEqual(Glob("**/*.yaml").literalPrefix, "")
    XCTAssertEqual(Glob(".mlgit/config.yml").literalPrefix, ".mlgit/config.yml")
  }
}
