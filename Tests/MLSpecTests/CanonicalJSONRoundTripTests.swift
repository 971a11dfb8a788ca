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
    XCTAssertEqual(
      try JSONValue.parse(#" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\n\u00e9\ud83d\ude00"], "b": {}} "#),
      .object([
        "a": .array([.int(1), .double(-2500), .bool(true), .bool(false), .null, .string("x\"\\/\né😀")]),
        "b": .object([:]),
      ]))
    XCTAssertEqual(try JSONValue.parse("0.81"), .double(0.81))
    XCTAssertEqual(try JSONValue.parse(#""é""#), .string("é"))
    for bad in [
      "", "{", "{\"a\":1,}", "[1 2]", "01", "1.", "NaN", "{\"a\":NaN}", "\"\\x\"", "nul", "{} x", "\"a\nb\"", "-",
    ] {
      XCTAssertThrowsError(try JSONValue.parse(bad), bad)
    }
  }
}

/// `JSONCursor`: objects read key by key, values read or skipped, all of it checked.
final class JSONCursorTests: XCTestCase {
  private struct CursorTestError: Error {}

  /// Keys of `text`'s top-level object, in order, reading the values of `read` as strings.
  private func keys(_ text: String, reading read: Set<String> = []) throws -> [String] {
    var text = text
    return try text.withUTF8 { buffer in
      var cursor = JSONCursor(UnsafeRawBufferPointer(buffer))
      guard try cursor.enterObject() else { throw CursorTestError() }
      var seen: [String] = []
      var scratch: [UInt8] = []
      while let key = try cursor.nextKey() {
        seen.append(key.string)
        if read.contains(key.string) { _ = try cursor.appendString(to: &scratch) }
      }
      try cursor.end()
      return seen
    }
  }

  func testCursorVisitsKeysInOrderAndSkipsUnreadValues() throws {
    XCTAssertEqual(try keys(#"{"a":{"x":[1,2]},"b":"two","c":3,"b":null}"#, reading: ["b"]), ["a", "b", "c", "b"])
    XCTAssertEqual(try keys(#" { } "#), [])
    // Escaped keys are decoded before they are compared.
    var text = #"{"sch\u0065ma":"x\u00e9"}"#
    try text.withUTF8 { buffer in
      var cursor = JSONCursor(UnsafeRawBufferPointer(buffer))
      XCTAssertTrue(try cursor.enterObject())
      let key = try XCTUnwrap(try cursor.nextKey())
      XCTAssertTrue(key == "schema")
      var bytes: [UInt8] = []
      let range = try XCTUnwrap(try cursor.appendString(to: &bytes))
      XCTAssertEqual(String(decoding: bytes[range], as: UTF8.self), "x\u{e9}")
      XCTAssertNil(try cursor.nextKey())
      try cursor.end()
    }
    XCTAssertThrowsError(try keys(#"{"a":[1,}"#))
    XCTAssertThrowsError(try keys(#"{"a":1 "b":2}"#))
    XCTAssertThrowsError(try keys(#"{"a":1,}"#))
    XCTAssertThrowsError(try keys(#"{"a":1}x"#))
    XCTAssertThrowsError(try keys(#"[1]"#))
    XCTAssertThrowsError(try keys(#"{"a":{"x":[1,}]}}"#), "a value skipped unread is still checked")
  }
}
