import Foundation
@testable import MLSpec
import TestSupport
import XCTest

/// The direct libyaml reader must give exactly the nodes the composer gives, and pass
/// every document it does not handle to the composer.
final class YAMLEventReaderTests: XCTestCase {
  /// Both paths on one text: nil from the fast reader, or the same tree as the composer's.
  func compare(_ text: String, expectFast: Bool? = nil, file: StaticString = #filePath, line: UInt = #line) {
    var copy = text
    let fast = copy.withUTF8 { YAMLEventReader.read($0) }
    if let expectFast {
      XCTAssertEqual(fast != nil, expectFast, "fast path for \(text.debugDescription)", file: file, line: line)
    }
    guard let fast else { return }
    do {
      let slow = try YAMLComposer.parse(text)
      XCTAssertEqual(fast.outline, slow.outline, text.debugDescription, file: file, line: line)
    } catch {
      XCTFail(
        "the fast reader accepted what the composer refuses (\(error)): \(text.debugDescription)", file: file,
        line: line)
    }
  }

  func testPlainSpecsTakeTheFastPathWithTheSameNodes() {
    compare(
      """
      apiVersion: mlgit/v1
      name: credit-risk
      version: 1.0.0
      owner: risk-team
      task: binary-classification
      features:
        - income
        - {name: tenure, cost: low}
        - "quoted"
      hyperparameters:
        learning_rate: 0.05
        max_depth: 6
        seed: 42
        big: 1_000
        hex: 0x1F
        exp: 1e-5
        inf: .inf
        flag: yes
        off: Off
        nothing: ~
        empty:
        tilde_string: '~'
      validation:
        metrics:
          auc: {min: 0.78}
      notes: |
        two lines
        here
      folded: >
        a folded
        text
      """, expectFast: true)
    compare(
      #"{"apiVersion": "mlgit/v1", "features": ["a", "b"], "n": 1.5, "t": true, "z": null, "e": ""}"#, expectFast: true)
    compare("- a\n- - nested\n  - list\n- k: v\n", expectFast: true)
    compare("just a scalar", expectFast: true)
    compare("'quoted root'", expectFast: true)
    compare("name: caf\u{e9} \u{1F600}\nwho: \u{e9}t\u{e9}: x\n", expectFast: nil)
    compare("a: \"esc\\u00e9\\n\\t\\\\\"\nb: 'it''s'\n", expectFast: true)
    compare("---\na: 1\n...\n", expectFast: true)
    compare("# comment\na: 1 # trailing\n\n\n", expectFast: true)
    compare("a:\n  b:\n    c:\n      - 1\n      -   2\n", expectFast: true)
    compare("? complex\n: value\n", expectFast: true)
    compare("a: -1\nb: +2\nc: -.5\nd: 1.\ne: 0o17\nf: 0b101\ng: 12:30\nh: 2026-01-01\n", expectFast: true)
  }

  /// A mapping key that is not a scalar sends the document to the composer; the event that was
  /// read for it (here with a 16 KB anchor libyaml allocated) is freed, not leaked: 1,000
  /// parses would otherwise keep over 16 MB.
  func testANonScalarKeyLeaksNoEvent() throws {
    let anchor = String(repeating: "k", count: 16384)
    let text = "a: 1\n? &\(anchor) [x]\n: 2\n"
    func residentBytes() throws -> Int {
      let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
      return (Int(statm[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
    func parseMany() {
      for _ in 0..<1000 {
        var copy = text
        XCTAssertNil(copy.withUTF8 { YAMLEventReader.read($0) })
      }
    }
    parseMany()  // warm up the allocator
    let before = try residentBytes()
    parseMany()
    let grown = try residentBytes() - before
    XCTAssertLessThan(grown, 8 << 20, "resident memory grew by \(grown) bytes over 1,000 parses")
  }

  func testEverythingElseGoesToTheComposer() {
    compare("a: &x 1\nb: *x\n", expectFast: false)  // anchors and aliases
    compare("a: !!str 1\n", expectFast: false)  // explicit tags
    compare("a: !custom x\n", expectFast: false)
    compare("a: 1\na: 2\n", expectFast: false)  // duplicate keys
    let many = (0..<20).map { "k\($0): \($0)\n" }.joined()
    compare(many, expectFast: true)  // a large mapping (keys kept in a set)
    compare(many + "k3: again\n", expectFast: false)  // and a duplicate in it
    compare("a: 1\n'a': 2\n", expectFast: false)  // same text, another style
    compare("[a]: 1\n", expectFast: false)  // a list as a key
    compare("a: [1, 2\n", expectFast: false)  // malformed
    compare("a: 1\n---\nb: 2\n", expectFast: false)  // two documents
    compare("", expectFast: false)  // no document
    compare("a:\tb\n\tc: d\n", expectFast: false)  // tab indentation
    compare(String(repeating: "[", count: 70) + String(repeating: "]", count: 70), expectFast: false)  // too deep
    compare(String(repeating: "[", count: 64) + String(repeating: "]", count: 64), expectFast: true)
  }

  func testDocumentParseStillReportsErrorsThroughTheComposer() {
    func message(_ text: String) -> String? {
      do {
        _ = try Document.parse(Data(text.utf8))
        return nil
      } catch let error as DocumentError {
        return "\(error.location) \(error.message)"
      } catch {
        return "\(error)"
      }
    }
    XCTAssertEqual(message("a: 1\nb: 2\na: 3\n"), "3:1 duplicate key 'a' (first defined at line 1)")
    XCTAssertEqual(message("a: &x 1\nb: *x\n")?.contains("anchors and aliases are not supported"), true)
    XCTAssertEqual(message("a: [1, 2\n")?.hasPrefix("2:1 malformed YAML"), true)
  }
}

extension YAMLEventReaderTests {
  func testKeysAreStringsAsTheComposerLeavesThem() {
    compare("off: 1\n1: a\n~: b\ntrue: c\n1.5: d\n", expectFast: true)
    compare("{yes: no, null: 0x10, '': x}\n", expectFast: true)
  }

  /// The resolver with its early exit answers as the full keyword and number checks do.
  func testScalarResolverMatchesTheKeywordTable() {
    let cases: [String: ScalarType] = [
      "": .null, "~": .null, "null": .null, "Null": .null, "NULL": .null, "nULL": .string, "nothing": .string,
      "true": .bool, "True": .bool, "TRUE": .bool, "tRue": .string, "yes": .bool, "No": .bool, "on": .bool,
      "OFF": .bool,
      "offset": .string, "yess": .string, "y": .string, "n": .string, "o": .string, "f": .string,
      ".inf": .float, "-.Inf": .float, "+.INF": .float, ".NaN": .float, ".nan": .float, ".": .string, "-": .string,
      "1": .int, "-1": .int, "+12_000": .int, "0x1F": .int, "0o17": .string, "010": .int, "08": .string, "0_": .int,
      "0b_": .string, "0b101": .int, "0x": .string, "0b2": .string,
      "1.5": .float, "1.": .float, ".5": .float, "1e-5": .float, "1E+3": .float, "1_000.5": .float, "1e": .string,
      "12:30": .int, "1:30.5": .float, "0:30": .string, "-.5": .string, ".5e3": .float, "1e5": .float, "1.5e3": .float,
      "0.": .float, "2026-01-01": .string, "1.0.0": .string, "mlgit/v1": .string, "apiVersion": .string,
      "features": .string, "name": .string, "tenure": .string, "0.05": .float, "42": .int, "-0": .int,
      "FALSE": .bool, "False": .bool, "fALSE": .string, "+.nan": .string, "-.NaN": .string, "nü": .string,
      "Yes": .bool, "YES": .bool, "yES": .string, "On": .bool, "oN": .string, "off": .bool, "Off": .bool,
    ]
    for (text, type) in cases { XCTAssertEqual(ScalarResolver.resolve(text), type, text) }
  }
}

extension YAMLEventReaderTests {
  /// `JSONValue.sameValue` answers as comparing the converted values does.
  func testSameValueAgreesWithConvertedValues() throws {
    let texts = [
      "a: 1\nb: [1, 2]\n", "b: [1, 2]\na: 1\n", "a: 1.0\nb: [1, 2]\n", "a: 0x1\nb: [1, 2]\n", "a: 1\nb: [2, 1]\n",
      "a: yes\n", "a: true\n", "a: 'true'\n", "a: ~\n", "a: null\n", "a:\n", "a: .nan\n", "a: .inf\n", "a: 1_000\n",
      "a: 1000\n", "a: {x: 1}\n", "a: {x: 1, y: 2}\n", "a: [x]\n", "a: x\n", "[1, 2]\n", "[1, 2, 3]\n", "x\n",
      "a: 1\nc: 1\n",
    ]
    let nodes = try texts.map { try Document.parse(Data($0.utf8)) }
    for (i, a) in nodes.enumerated() {
      for (j, b) in nodes.enumerated() {
        XCTAssertEqual(
          JSONValue.sameValue(a, b), JSONValue(a) == JSONValue(b),
          "\(texts[i].debugDescription) vs \(texts[j].debugDescription)")
      }
    }
  }
}

extension YAMLEventReaderTests {
  /// The exact-decimal fast path gives what Double(text) gives, or declines.
  func testExactDecimalMatchesDoubleParsing() {
    var texts = [
      "0.5", "-0.0", "0.0", "1.5e3", "1E-5", "0.8123", "123456789012345.6", "1234567890123456.7", "0.1", "0.2",
      "0.30000000000000004", "1e22", "1e23", "9007199254740993.0", "-12.5e-10", "0.000000000000000000001", "5e-324",
      "1.7976931348623157e308", "2.2250738585072014e-308", "1e0", "0e10", "0.00000e400", "3.14159265358979",
    ]
    var rng = SeededGenerator(seed: 0x6465_6369_6d61_6c73)
    for _ in 0..<5000 {
      let digits = String(UInt64.random(in: 0...999_999_999_999_999_9, using: &rng))
      let point = Int.random(in: 0...digits.count, using: &rng)
      var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
      if text.hasPrefix(".") { text = "0" + text }
      if text.hasSuffix(".") { text += "0" }
      if Bool.random(using: &rng) { text += "e\(Int.random(in: -30...30, using: &rng))" }
      if Bool.random(using: &rng) { text = "-" + text }
      texts.append(text)
    }
    for text in texts {
      var copy = text
      let fast = copy.withUTF8 { JSONByteParser.exactDecimal($0) }
      if let fast {
        XCTAssertEqual(fast.bitPattern, Double(text)?.bitPattern, text)
      }
      XCTAssertEqual(try? JSONValue.parse(text), Double(text).map(JSONValue.double), text)
    }
  }
}
