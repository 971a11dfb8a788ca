import Foundation
import MLSpec
import XCTest

@testable import MLGitReport

/// The fast writer of the audit and the runs listing: its two layouts, values written
/// already as JSON copied as they are, and objects' keys in sorted order (a debug build,
/// as the tests run, stops at a key out of order; the audit's own check is
/// AuditBookkeepingTests.testEveryJSONObjectHasItsKeysSorted).
final class JSONWriterTests: XCTestCase {
  func write(_ style: JSONWriter.Style) -> String {
    var out = JSONWriter(style: style)
    out.object { out in
      out.key("empty")
      out.array([Int]()) { $0.field("never", $1) }
      out.field("name", "a \"b\"\n")
      out.key("runs")
      out.array([#"{"id":"x"}"#, #"{"id":"y"}"#]) { $0.json($1) }
      out.key("value")
      out.value(.object(["b": .int(1), "a": .array([.bool(true), .null]), "c": .object([:])]))
    }
    out.endLine()
    return String(decoding: out.bytes, as: UTF8.self)
  }

  func testCompact() {
    XCTAssertEqual(
      write(.compact),
      #"{"empty":[],"name":"a \"b\"\n","runs":[{"id":"x"},{"id":"y"}],"value":{"a":[true,null],"b":1,"c":{}}}"# + "\n")
  }

  func testIndented() {
    XCTAssertEqual(
      write(.indented),
      """
      {
        "empty": [],
        "name": "a \\"b\\"\\n",
        "runs": [
          {"id":"x"},
          {"id":"y"}
        ],
        "value": {
          "a": [
            true,
            null
          ],
          "b": 1,
          "c": {}
        }
      }

      """)
  }

  func testEveryLayoutParsesAsTheSameDocument() throws {
    let compact = try JSONSerialization.jsonObject(with: Data(write(.compact).utf8)) as? NSDictionary
    let indented = try JSONSerialization.jsonObject(with: Data(write(.indented).utf8)) as? NSDictionary
    XCTAssertNotNil(compact)
    XCTAssertEqual(compact, indented)
  }
}
