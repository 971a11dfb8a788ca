import MLPolicy
import XCTest

final class TerminalTextTests: XCTestCase {
  func testPrintableTextIsUnchanged() {
    for text in ["", "models/credit.yaml", "max_depth 6 -> 60", #"C:\data\x.csv"#, "Ünïcödé ｒａｃｅ rаce 模型 🙂"] {
      XCTAssertEqual(TerminalText.escape(text), text)
    }
  }

  func testControlFormatAndSeparatorCharactersAreEscaped() {
    XCTAssertEqual(TerminalText.escape("a\u{1B}[2K\rb"), #"a\u{1B}[2K\rb"#)
    XCTAssertEqual(TerminalText.escape("\0\u{7}\u{8}\t\n\u{7F}"), #"\u{0}\u{7}\u{8}\t\n\u{7F}"#)
    XCTAssertEqual(TerminalText.escape("c1 \u{85}\u{9B}"), #"c1 \u{85}\u{9B}"#)
    XCTAssertEqual(
      TerminalText.escape("abc\u{202E}fed\u{202C}\u{2066}\u{2069}\u{200E}\u{61C}"),
      #"abc\u{202E}fed\u{202C}\u{2066}\u{2069}\u{200E}\u{61C}"#)
    XCTAssertEqual(
      TerminalText.escape("max\u{200B}depth\u{FEFF}\u{2028}\u{2029}"), #"max\u{200B}depth\u{FEFF}\u{2028}\u{2029}"#)
  }

  func testNewlinesKeptOnlyWhenAsked() {
    XCTAssertEqual(TerminalText.escape("one\ntwo\r\u{1B}", keepingNewlines: true), "one\ntwo" + #"\r\u{1B}"#)
  }

  func testBytesAreEscapedAsTheStringIs() {
    let samples = ["plain", "a\u{1B}b", "é\u{202E}x\r", "\u{9B}31m", "tab\there"]
    for sample in samples {
      var out: [UInt8] = []
      Array(sample.utf8).withUnsafeBufferPointer { TerminalText.appendEscaping($0, to: &out) }
      XCTAssertEqual(String(decoding: out, as: UTF8.self), TerminalText.escape(sample))
    }
    var out: [UInt8] = []
    [0x61, 0xFF, 0x1B, 0x62].withUnsafeBufferPointer { TerminalText.appendEscaping($0, to: &out) }
    XCTAssertEqual(String(decoding: out, as: UTF8.self), "a\u{FFFD}" + #"\u{1B}"# + "b")
  }

  /// Every scalar a terminal could act on is escaped: all of C0, DEL and C1.
  func testEveryC0AndC1ControlIsEscaped() {
    for value in Array(0..<0x20) + Array(0x7F...0x9F) {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let escaped = TerminalText.escape(String(Character(scalar)))
      XCTAssertTrue(
        escaped.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F },
        "\(value): \(escaped.debugDescription)")
    }
  }
}
