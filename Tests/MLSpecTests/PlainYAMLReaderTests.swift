import Foundation
@testable import MLSpec
import TestSupport
import XCTest

/// The reader that skips libyaml must read every document it accepts exactly as libyaml's
/// events give it (values, types, locations), and leave every other document to libyaml.
final class PlainYAMLReaderTests: XCTestCase {
  /// The plain reader's tree, or nil when it declines.
  func plain(_ text: String) -> Node? {
    var copy = text
    return copy.withUTF8 { PlainYAMLReader.read($0) }
  }

  /// What libyaml makes of the text: the event reader's tree, else the composer's; nil when
  /// libyaml refuses the text.
  func libyaml(_ text: String) -> Node? {
    var copy = text
    if let node = copy.withUTF8({ YAMLEventReader.read($0) }) { return node }
    return try? YAMLComposer.parse(text)
  }

  /// Checks one text; returns whether the plain reader accepted it.
  @discardableResult
  func compare(_ text: String, expectPlain: Bool? = nil, file: StaticString = #filePath, line: UInt = #line) -> Bool {
    let fast = plain(text)
    if let expectPlain {
      XCTAssertEqual(fast != nil, expectPlain, "plain reader for \(text.debugDescription)", file: file, line: line)
    }
    guard let fast else { return false }
    guard let reference = libyaml(text) else {
      XCTFail("the plain reader accepted what libyaml refuses: \(text.debugDescription)", file: file, line: line)
      return true
    }
    XCTAssertEqual(fast.outline, reference.outline, text.debugDescription, file: file, line: line)
    return true
  }

  func testASpecIsReadWithLibyamlsValuesAndLocations() {
    compare(
      """
      # A model spec
      apiVersion: mlgit/v1
      name: credit-risk   # trailing comment
      version: 1.0.17
      owner: risk-team
      task: binary-classification
      features:
        - income
        - tenure_months


        - region.code
      hyperparameters:
        learning_rate: 0.170
        max_depth: 8
        seed: 42
        exp: 1e-5
        flag: yes
        off: Off
        nothing: ~
        neg: -3
        path: data/train.csv
        cmd: python train.py --lr=0.1 a:b c#d [x] {y}
      validation:
        metrics:
          auc: {min: 0.7}
          logloss: {max: 0.5, min: -1.5e3}
          empty: {}
        slices: [a, b-c, 1.5, +2]
        none: []
      data:
      - train.csv
      - test.csv
      last: value
      """, expectPlain: true)
    compare("a: 1", expectPlain: true)
    compare("  a: 1\n  b:\n    - x\n", expectPlain: true)
    compare("- a\n- b\n", expectPlain: true)
    compare("a:\n  b:\n    c:\n      d: 1\ne: 2\n", expectPlain: true)
    compare("a:   {x: 1}   # c\nb: [1 , 2]\n", expectPlain: true)
    compare("a: x  y\n", expectPlain: true)
    compare("a: \"1.0\"   # quoted\nb: 'yes'\nc: [\"x y\", 'z', 1]\nd: {e: \"\"}\n- x\n", expectPlain: false)
    compare("a: \"1.0\"   # quoted\nb: 'yes'\nc: [\"x y\", 'z', 1]\nd: {e: \"\"}\nf:\n  - 'g h'\n", expectPlain: true)
    compare(
      "k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\nk9: 9\nk10: 0\nk11: 1\nk12: 2\nk13: 3\nk14: 4\nk15: 5\nk16: 6\nk17: 7\n",
      expectPlain: true)
  }

  func testEverythingElseIsLeftToLibyaml() {
    for text in [
      "", "\n\n# only a comment\n", "a: 'q'\n", "a: \"q\"\n", "a: |\n  x\n", "a: >\n  x\n", "a: &x 1\nb: *x\n",
      "a: !!str 1\n", "a:\n", "a:\nb: 1\n", "a: 1\na: 2\n", "a:\tb\n", "a: b\r\n", "name: caf\u{e9}\n", "---\na: 1\n",
      "a: 1\n...\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n", "a: b\n  c\n", "a: b: c\n", "a: b:\n", "a:b\n",
      "a : b\n", "? a\n: b\n", "- a: 1\n", "- - a\n", "-\n  a\n", "a: - b\n", "a: [b, [c]]\n", "a: {b: {c: d}}\n",
      "a: [b,]\n", "a: [b\n", "a: [b, c] x\n", "a: {b:c}\n", "a: {b: 'c'}\n", "a: {b: c, b: d}\n", "a: [b]#c\n",
      "a:\n  b: 1\n c: 2\n", "a:\n  - x\n  y: 1\n", "a: 1\n  b: 2\n", "\"a\": 1\n", "-a: 1\n", "a: ?x\n", "a: :x\n",
      "a: ,x\n", "a: #x\n", "{a: 1}\n", "[a]\n", "just a scalar\n", "a: @x\n", "a: `x`\n", "a: %x\n",
      "a:\n  # comment\n\nb: 1\n", "a: [ ]\nb: [-]\n", "a: [-, x]\n", "a: [/x]\n", "a: {: x}\n",
    ] {
      compare(text)  // declined, or read as libyaml reads it
    }
    XCTAssertNil(plain("a: 'it''s'\n"))
    XCTAssertNil(plain("a: \"tab\\t\"\n"))
    XCTAssertNil(plain("a:\n"))
    XCTAssertNil(plain("a: 1\na: 2\n"))
    XCTAssertNil(plain("a: b\n  c\n"))
    XCTAssertNil(plain("---\na: 1\n"))
    XCTAssertNil(plain("a:\tb\n"))
    let deep =
      (0..<70).map { String(repeating: "  ", count: $0) + "k:\n" }.joined() + String(repeating: "  ", count: 70)
      + "v: 1\n"
    XCTAssertNil(plain(deep))
  }

  /// Documents built from pieces chosen to sit on the subset's edges (indents, comments,
  /// indicators, flow collections, colons, markers): whatever the plain reader accepts,
  /// libyaml reads the same way. Enough of them are accepted for the test to mean something.
  func testGeneratedDocumentsAgreeWithLibyaml() {
    var rng = SeededGenerator(seed: 0x706c_6169_6e79_616d)
    let words = ["a", "b1", "max_depth", "lr", "x.y", "on", "null", "1", "0x1F", "1e-5", "-2", "data/x", "k-v", "yes"]
    let plainValues = [
      "1", "0.5", "-3", "+4", "~", "yes", "Off", "text", "two words", "a:b", "a#b", "a # c", "http://x", "1.0.0",
      "[a, b]", "[]", "{a: 1}", "{a: 1, b: 2}", "{}", "x  ", "[-1, .5, +2]", "[a, b-c]", "{a: 1 }", "[ a ]",
      "'q'", "\"q\"", "\"a: b # c\"", "'1.0'", "\"\"", "''", "\"x\"  # c", "[\"a\", 'b c']", "{a: \"1\", b: 'x'}",
    ]
    let values = [
      "- x", "-x", ":x", "?x", "x:", "x: y", "'q'", "\"q\"", "[a, b]", "[a,b]", "[]", "[ a ]", "{a: 1}", "{a: 1, b: 2}",
      "{}", "{a: [1]}", "[a, ]", "&x 1", "*x", "!t x", "|", ">", "{a:1}", "[a] b", "[a] # c", "x  ", "# c", "",
      "%x", "@x", ",x", "{a: 1 }", "[-1, .5, +2]", "[-, a]", "[a, b-c]", "'it''s'", "\"esc\\n\"", "\"open",
      "'open", "\"a\" b", "\"a\"#c", "\"a\":", "{\"a\": 1}", "['a' , \"b\" ]", "[\"a\"b]",
    ]
    let spaces = ["", " ", "  "]
    var accepted = 0
    let total = 5000
    for _ in 0..<total {
      var lines: [String] = []
      var indents = [0]
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        let indent = indents.last! + [0, 0, 0, 1, 2, -2, 4].randomElement(using: &rng)!
        let pad = String(repeating: " ", count: max(0, indent))
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: lines.append(pad + "# " + words.randomElement(using: &rng)!)
        case 1: lines.append("")
        case 2, 3:
          lines.append(
            pad + "- " + (Int.random(in: 0..<4, using: &rng) == 0 ? values : plainValues).randomElement(using: &rng)!)
        case 4:
          lines.append(pad + words.randomElement(using: &rng)! + ":" + spaces.randomElement(using: &rng)!)
          indents.append(max(0, indent) + 2)
        default:
          lines.append(
            pad + words.randomElement(using: &rng)! + ":" + (spaces.randomElement(using: &rng)! == "" ? " " : "  ")
              + (Int.random(in: 0..<4, using: &rng) == 0 ? values : plainValues).randomElement(using: &rng)!)
        }
        if Int.random(in: 0..<5, using: &rng) == 0 && indents.count > 1 { indents.removeLast() }
      }
      if compare(lines.joined(separator: "\n") + (Bool.random(using: &rng) ? "\n" : "")) { accepted += 1 }
    }
    XCTAssertGreaterThan(accepted, total / 10, "the plain reader accepted \(accepted) of \(total) documents")
  }

  /// `Document.parse` gives the same trees and the same errors with the plain reader first.
  func testDocumentParseIsUnchanged() throws {
    let spec = "apiVersion: mlgit/v1\nname: m\nfeatures:\n  - a\nhyperparameters:\n  lr: 0.1\n"
    XCTAssertNotNil(plain(spec))
    XCTAssertEqual(try Document.parse(Data(spec.utf8)).outline, libyaml(spec)?.outline)
    XCTAssertThrowsError(try Document.parse(Data("a: 1\nb: 2\na: 3\n".utf8))) { error in
      XCTAssertEqual(
        (error as? DocumentError).map { "\($0.location) \($0.message)" },
        "3:1 duplicate key 'a' (first defined at line 1)")
    }
  }
}
