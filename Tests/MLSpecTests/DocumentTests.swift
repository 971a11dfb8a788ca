import Foundation
import MLSpec
import XCTest

/// Parsing YAML and JSON documents: locations, and every kind of input that must be refused with a location.
final class DocumentTests: XCTestCase {
  func parse(_ text: String) throws -> Node { try Document.parse(Data(text.utf8)) }

  /// The error a document raises; fails the test when it parses.
  func error(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> DocumentError? {
    do {
      _ = try Document.parse(data)
      XCTFail("expected a DocumentError", file: file, line: line)
      return nil
    } catch let error as DocumentError {
      return error
    } catch {
      XCTFail("expected a DocumentError, got \(error)", file: file, line: line)
      return nil
    }
  }

  func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DocumentError? {
    error(Data(text.utf8), file: file, line: line)
  }

  func testNodesCarryOneBasedLineAndColumn() throws {
    let root = try parse("apiVersion: mlgit/v1\nfeatures:\n  - income\n  - {name: tenure, cost: low}\n")
    XCTAssertEqual(root.location, SourceLocation(line: 1, column: 1))
    XCTAssertEqual(root["apiVersion"]?.location, SourceLocation(line: 1, column: 13))
    XCTAssertEqual(root.keyNode("features")?.location, SourceLocation(line: 2, column: 1))
    let items = try XCTUnwrap(root["features"]?.items)
    XCTAssertEqual(items[0].location, SourceLocation(line: 3, column: 5))
    XCTAssertEqual(items[0].string, "income")
    XCTAssertEqual(items[1]["name"]?.location, SourceLocation(line: 4, column: 12))
    XCTAssertEqual(items[1]["cost"]?.string, "low")
  }

  func testScalarTypesFollowYAMLResolution() throws {
    let root = try parse("a: 1\nb: 0.05\nc: true\nd: ~\ne: \"1\"\nf: 1.4.0\ng: 0x1F\nh: .inf\n")
    XCTAssertEqual(root["a"]?.scalarType, .int)
    XCTAssertEqual(root["b"]?.scalarType, .float)
    XCTAssertEqual(root["b"]?.number, 0.05)
    XCTAssertEqual(root["c"]?.bool, true)
    XCTAssertTrue(root["d"]?.isNull ?? false)
    XCTAssertEqual(root["e"]?.string, "1")
    XCTAssertEqual(root["f"]?.string, "1.4.0")
    XCTAssertEqual(root["g"]?.number, 31)
    XCTAssertEqual(root["h"]?.number, .infinity)
    XCTAssertEqual(root["a"]?.typeDescription, "an integer")
    XCTAssertEqual(root["e"]?.typeDescription, "a string")
  }

  func testDuplicateKeyIsRefusedAtTheSecondKey() {
    let e = error("name: a\nversion: 1.0.0\nname: b\n")
    XCTAssertEqual(e?.message, "duplicate key 'name' (first defined at line 1)")
    XCTAssertEqual(e?.location, SourceLocation(line: 3, column: 1))
  }

  func testNestedDuplicateKeyIsRefused() {
    let e = error("hyperparameters:\n  depth: 4\n  rate: 0.1\n  depth: 5\n")
    XCTAssertEqual(e?.message, "duplicate key 'depth' (first defined at line 2)")
    XCTAssertEqual(e?.location, SourceLocation(line: 4, column: 3))
  }

  func testDuplicateKeyInJSON() {
    let e = error("{\"name\": \"a\",\n \"name\": \"b\"}")
    XCTAssertEqual(e?.message, "duplicate key 'name' (first defined at line 1)")
    XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 2))
  }

  /// A key written another way (an escape, other quotes, an explicit `?`) is the same key:
  /// the error points at where it is written the second time.
  func testDuplicateKeyWrittenWithAnEscapeIsRefusedAtTheSecondKey() {
    for (text, location) in [
      ("apiVersion: mlgit/v1\nname: x\nversion: 1.0.0\n\"n\\x61me\": y\n", SourceLocation(line: 4, column: 1)),
      ("name: x\nversion: 1.0.0\n\"n\\u0061me\": y\n", SourceLocation(line: 3, column: 1)),
      ("a:\n  name: x\n  'name': y\n", SourceLocation(line: 3, column: 3)),
      ("name: x\n? name\n: y\n", SourceLocation(line: 2, column: 3)),
      ("{\"name\": 1, \"n\\u0061me\": 2}", SourceLocation(line: 1, column: 13)),
    ] {
      let e = error(text)
      XCTAssertEqual(e?.message.hasPrefix("duplicate key 'name' (first defined at line"), true, text)
      XCTAssertEqual(e?.location, location, text)
    }
  }

  func testMalformedYAMLNamesLineAndColumn() {
    let e = error("apiVersion: mlgit/v1\nname: [unclosed\n")
    XCTAssertTrue(e?.message.hasPrefix("malformed YAML:") ?? false, e?.message ?? "")
    XCTAssertEqual(e?.location.line, 3)
  }

  func testBadIndentationIsMalformed() {
    let e = error("a:\n  b: 1\n c: 2\n")
    XCTAssertTrue(e?.message.hasPrefix("malformed YAML:") ?? false, e?.message ?? "")
    XCTAssertEqual(e?.location.line, 3)
  }

  func testBinaryContentIsRefusedAtTheNulByte() {
    var data = Data("name: a\nver".utf8)
    data.append(0)
    data.append(contentsOf: [1, 2, 3])
    let e = error(data)
    XCTAssertEqual(e?.message, "binary content (a NUL byte) where a text document was expected")
    XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 4))
  }

  func testInvalidUTF8IsRefusedWithItsLocation() {
    var data = Data("name: a\nowner: caf".utf8)
    data.append(0xE9)  // Latin-1 é
    data.append(contentsOf: Array("\n".utf8))
    let e = error(data)
    XCTAssertEqual(e?.message, "content is not valid UTF-8")
    XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 11))
    XCTAssertEqual(e?.hint, "save the file as UTF-8")
  }

  func testNonASCIIUTF8IsAccepted() throws {
    let root = try parse("owner: équipe-risque\nfeatures: [revenu_été]\n")
    XCTAssertEqual(root["owner"]?.string, "équipe-risque")
    XCTAssertEqual(root["features"]?.items?.first?.string, "revenu_été")
  }

  func testByteOrderMarkIsIgnored() throws {
    let root = try parse("\u{FEFF}name: a\n")
    XCTAssertEqual(root["name"]?.string, "a")
    XCTAssertEqual(root.keyNode("name")?.location, SourceLocation(line: 1, column: 1))
  }

  func testOversizeDocumentIsRefusedBeforeParsing() {
    let data = Data(repeating: UInt8(ascii: "a"), count: Document.sizeLimit + 1)
    let e = error(data)
    XCTAssertEqual(
      e?.message,
      "file is \(Document.sizeLimit + 1) bytes, over mlgit's \(Document.sizeLimit)-byte limit for specs and configs")
  }

  func testEmptyAndBlankDocumentsAreRefused() {
    XCTAssertEqual(error("")?.message, "the document is empty")
    XCTAssertEqual(error("  \n\n")?.message, "the document is empty")
    XCTAssertEqual(error("# only a comment\n")?.message, "the document is empty")
  }

  func testSeveralDocumentsAreRefused() {
    let e = error("name: a\n---\nname: b\n")
    XCTAssertNotNil(e)
  }

  func testJSONDocumentKeepsLocations() throws {
    let root = try parse("{\n  \"name\": \"churn\",\n  \"features\": [\"tenure\", \"plan\"]\n}\n")
    XCTAssertEqual(root["name"]?.string, "churn")
    XCTAssertEqual(root["name"]?.location, SourceLocation(line: 2, column: 11))
    XCTAssertEqual(root["features"]?.items?[1].location, SourceLocation(line: 3, column: 26))
  }

  func testJSONIndentedWithTabsParses() throws {
    let root = try parse("{\n\t\"name\": \"churn\",\n\t\"hyperparameters\": {\n\t\t\"depth\": 4\n\t}\n}\n")
    XCTAssertEqual(root["name"]?.string, "churn")
    XCTAssertEqual(root["name"]?.location, SourceLocation(line: 2, column: 10))
    XCTAssertEqual(root["hyperparameters"]?["depth"]?.scalarType, .int)
  }

  func testMalformedJSONNamesLine() {
    let trailing = error("{\n  \"name\": \"churn\"\n  \"version\": \"1.0.0\"\n}\n")
    XCTAssertTrue(trailing?.message.hasPrefix("malformed YAML:") ?? false, trailing?.message ?? "")
    XCTAssertEqual(trailing?.location.line, 3)
  }

  func testAliasesAreRefusedWithTheirLocation() {
    let e = error("base: &b\n  depth: 4\nhyperparameters: *b\n")
    XCTAssertEqual(e?.message, "YAML anchors and aliases are not supported in mlgit documents")
    XCTAssertEqual(e?.location.line, 1)
  }

  func testAliasBombIsRefusedQuickly() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    for i in 1...12 {
      text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
    }
    XCTAssertNotNil(error(text))
  }

  func testDeepNestingIsRefused() {
    let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    let e = error(text)
    XCTAssertEqual(e?.message, "nesting deeper than 64 levels")
  }

  /// libyaml's own nesting limit (1,000 levels) reads like mlgit's, without its stray parenthesis.
  func testNestingPastLibyamlsLimitIsRefusedInMlgitsWords() {
    let text = "a: " + String(repeating: "[", count: 1100) + String(repeating: "]", count: 1100) + "\n"
    let e = error(text)
    XCTAssertEqual(e?.message, "nesting deeper than 64 levels")
    XCTAssertEqual(e?.location.line, 1)
  }

  func testComplexKeysAreRefused() {
    let e = error("? [a, b]\n: 1\n")
    XCTAssertEqual(e?.message, "mapping keys must be plain values, not lists or mappings")
    XCTAssertEqual(e?.location, SourceLocation(line: 1, column: 3))
  }

  func testErrorDescriptionIsLineColonColumn() {
    let e = DocumentError("bad", at: SourceLocation(line: 3, column: 7))
    XCTAssertEqual(e.description, "3:7: bad")
  }
}
