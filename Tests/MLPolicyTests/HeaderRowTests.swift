import Foundation
@testable import MLPolicy
import XCTest

/// The CSV/TSV header reader: RFC 4180 quoting, columns in characters.
final class HeaderRowTests: XCTestCase {
  func names(_ text: String, _ separator: Character = ",") -> [String] {
    HeaderRow.columns(Data(text.utf8), separator: separator).map(\.name)
  }

  func testADoubledQuoteInsideQuotesIsOneQuote() {
    XCTAssertEqual(names("\"a\"\"b\",c\n"), ["a\"b", "c"])
    XCTAssertEqual(names("\"say \"\"race\"\"\",\"x,y\"\n"), ["say \"race\"", "x,y"])
    XCTAssertEqual(names("\"\"\"\"\n"), ["\""])
    XCTAssertEqual(HeaderRow.columns(Data("\"a\"\"b\",gender\n".utf8), separator: ",").map(\.column), [1, 8])
  }

  func testPlainAndQuotedHeaders() {
    XCTAssertEqual(names("income,\"debt ratio\",gender\r\n1,2,3\n"), ["income", "debt ratio", "gender"])
    XCTAssertEqual(names("a\tb\n", "\t"), ["a", "b"])
    XCTAssertEqual(names("\u{FEFF}a,b\n"), ["a", "b"])
  }
}
