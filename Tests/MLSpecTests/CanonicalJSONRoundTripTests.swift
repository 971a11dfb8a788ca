import MLSpec
import XCTest

/// Ledger lines must read back to the same canonical text, or `cat_sort_uniq` would keep duplicates.
final class CanonicalJSONRoundTripTests: XCTestCase {
  func testCanonicalTextIsStableThroughParse() throws {
    let text = #"{"b":[1,2.5,"x"],"a":{"z":null,"y":true},"c":"line\nbreak"}"#
    let canonical = try JSONValue.parse(text).canonical
    XCTAssertEqual(canonical, #"{"a":{"y":true,"z":null},"b":[1,2.5,"x"],"c":"line\nbreak"}"#)
    XCTAssertEqual(try JSONValue.parse(canonical).canonical, canonical)
  }
}
