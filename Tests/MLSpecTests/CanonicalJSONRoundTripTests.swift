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

final class JSONParserTests: XCTestCase {
  func testParsesJSONAndRejectsWhatIsNot() throws {
    XCTAssertEqual(try JSONValue.parse(#" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\n\u00e9\ud83d\ude00"], "b": {}} "#),
      .object(["a": .array([.int(1), .double(-2500), .bool(true), .bool(false), .null, .string("x\"\\/\né😀")]), "b": .object([:])]))
    XCTAssertEqual(try JSONValue.parse("0.81"), .double(0.81))
    XCTAssertEqual(try JSONValue.parse(#""é""#), .string("é"))
    for bad in ["", "{", "{\"a\":1,}", "[1 2]", "01", "1.", "NaN", "{\"a\":NaN}", "\"\\x\"", "nul", "{} x", "\"a\nb\"", "-"] {
      XCTAssertThrowsError(try JSONValue.parse(bad), bad)
    }
  }
}

final class JSONFieldsTests: XCTestCase {
  func testBuildsOnlyTheWantedFieldsAndStillValidates() throws {
    let line = #"{"a":1,"b":{"x":[1,{"y":"z\""}]},"c":"three","d":[]}"#
    XCTAssertEqual(try JSONValue.parseFields(line, keys: ["a", "c"]), ["a": .int(1), "c": .string("three")])
    XCTAssertThrowsError(try JSONValue.parseFields(#"{"a":1,"b":{"x":[1,}]}"#, keys: ["a"]))
    XCTAssertThrowsError(try JSONValue.parseFields(#"{"a":1} trailing"#, keys: ["a"]))
    XCTAssertThrowsError(try JSONValue.parseFields(#"[1]"#, keys: ["a"]))
  }
}
