import Foundation
import MLGitErrors
import XCTest

/// PlainText's operations give what the Foundation calls they replace gave, so that
/// every output stays byte for byte what it was when the modules imported Foundation.
final class PlainTextTests: XCTestCase {
  /// Every assigned scalar around a word: the same trimmed text as Foundation's sets.
  func testTrimmingMatchesFoundationForEveryScalar() {
    var checked = 0
    // Planes 0-3 and 14: the others hold no assigned scalar (private use at most).
    for value in Array(UInt32(0)...0x3FFFF) + Array(0xE0000...0xE0FFF) {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let text = "\(scalar)a\(scalar)b\(scalar)"
      XCTAssertEqual(text.trimmingWhitespace(), text.trimmingCharacters(in: .whitespaces), "U+\(value)")
      XCTAssertEqual(
        text.trimmingWhitespaceAndNewlines(), text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(value)")
      checked += 1
    }
    XCTAssertEqual(checked, 0x40000 - 0x800 + 0x1000)
  }

  func testTrimmingWorksScalarByScalar() {
    // A combining mark on a space keeps the mark, as Foundation does.
    XCTAssertEqual(" \u{301}x \t".trimmingWhitespace(), "\u{301}x")
    XCTAssertEqual("\r\n x\u{2028}\u{85}".trimmingWhitespaceAndNewlines(), "x")
    XCTAssertEqual("\r\n x\n".trimmingWhitespace(), "\r\n x\n")
    XCTAssertEqual(" \t ".trimmingWhitespace(), "")
    XCTAssertEqual("".trimmingWhitespaceAndNewlines(), "")
    XCTAssertEqual(" a b "[...].trimmingWhitespace(), "a b")
    XCTAssertEqual("\u{200B}\u{3000}x\u{A0}".trimmingWhitespace(), "x")
  }

  /// The replacements mlgit makes (GitHub's escapes, tabs, slashes) on texts with line
  /// breaks, non-ASCII and repeated targets: what `replacingOccurrences` gave.
  func testReplacingMatchesFoundation() {
    let texts = [
      "", "a", "%", "%%", "a%b%c%", "line 1\r\nline 2\n\rend\r", "a:b,c::d,,", "\t{\t\"a\":\t1}\t", "ab/cd/ef01/23",
      "é%ü\u{1F600}:,\n", " -> 1.4.0 -> 1.5.0", "x -> ", "--->", "\u{0}%\u{0}",
    ]
    let pairs = [
      ("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("\t", " "), ("/", ""),
      (" -> ", " → "), ("->", "=>"), ("%%", "%"), ("", "x"),
    ]
    for text in texts {
      for (target, replacement) in pairs {
        XCTAssertEqual(
          text.replacingEvery(target, with: replacement),
          text.replacingOccurrences(of: target, with: replacement),
          "\(text.debugDescription) \(target.debugDescription)")
      }
    }
  }

  /// The `\r` of a `\r\n` is found (one character to the standard library's `replacing`).
  func testReplacingFindsScalarsInsideCharacters() {
    XCTAssertEqual("a\r\nb".replacingEvery("\r", with: "%0D"), "a%0D\nb")
    XCTAssertEqual("a\r\nb".replacing("\r", with: "%0D"), "a\r\nb")
    XCTAssertEqual("aaa".replacingEvery("aa", with: "b"), "ba")
    XCTAssertEqual("x"[...].replacingEvery("x", with: ""), "")
  }

  /// `%.1f` and `%.3f` as `String(format:)` printed them: the same digits for ties,
  /// halves that are not exactly halves in binary, large, tiny, negative and non-finite values.
  func testFixedMatchesStringFormat() {
    var values: [Double] = [
      0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 1.005, 2.0005, 2.675, 1e-9, -1e-9, 123_456_789.95, 1e21, 1e300,
      -42.25, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0.1 + 0.2,
    ]
    for step in 0...4000 { values.append(Double(step) * 0.0125) }
    for step in 0...200 { values.append(Double(step) / 7 - 10) }
    for value in values {
      for digits in [0, 1, 2, 3, 6] {
        XCTAssertEqual(
          CFormat.fixed(value, digits: digits), String(format: "%.\(digits)f", value), "\(value) \(digits)")
      }
    }
  }

  /// The two uses of `%.1f` and `%.3f` with a unit, pinned: these strings are in mlgit's output.
  func testFixedPinnedDigits() {
    XCTAssertEqual(CFormat.fixed(0.05, digits: 1), "0.1")
    XCTAssertEqual(CFormat.fixed(0.25, digits: 1), "0.2")
    XCTAssertEqual(CFormat.fixed(2.5, digits: 0), "2")
    XCTAssertEqual(CFormat.fixed(1.0005, digits: 3), "1.000")
    XCTAssertEqual(CFormat.fixed(12.3456, digits: 3), "12.346")
    XCTAssertEqual(CFormat.fixed(-0.04, digits: 1), "-0.0")
    XCTAssertEqual(CFormat.fixed(.nan, digits: 1), "nan")
    XCTAssertEqual(CFormat.fixed(-.infinity, digits: 3), "-inf")
    XCTAssertEqual(CFormat.fixed(1e300, digits: 1).count, 303)
  }

  func testHexMatchesStringFormat() {
    let values: [UInt64] = [0, 1, 9, 10, 15, 16, 255, 0xFFF, 0x1000, 0xFFFF, 0x10000, 0xFF_FFFF, 0x100_0000, .max]
    for value in values {
      XCTAssertEqual(CFormat.hex(value, width: 6), String(format: "%06llx", value), "\(value)")
      XCTAssertEqual(CFormat.hex(value, width: 0), String(format: "%llx", value), "\(value)")
    }
    for value in [UInt32(0), 0x1F, 0x7F, 0xFFFF, 0x10FFFF] {
      XCTAssertEqual(CFormat.hex(value, width: 4), String(format: "%04x", value), "\(value)")
    }
  }

  /// `split(byte:)` cuts where `split(separator:)` does, and `joinedText` joins as
  /// `joined(separator:)`, for paths, patterns and words as mlgit meets them.
  func testSplitByByteAndJoinedTextMatchTheStandardLibrary() {
    let texts = [
      "", "/", "//", "a", "a/", "/a", "a//b", "models/team-0/model-0.yaml", "models/**/*.yaml", "ünï/cødé/✓",
      "データ/モデル.yaml", "a/b/c/d/e/f/g/h/i/j", " leading and  double spaces ", "x/\u{1F600}/y",
    ]
    for text in texts {
      for byte in [UInt8(ascii: "/"), UInt8(ascii: " ")] {
        let separator = Character(Unicode.Scalar(byte))
        XCTAssertEqual(text.split(byte: byte), text.split(separator: separator), text)
        XCTAssertEqual(
          text.split(byte: byte, omittingEmpty: false),
          text.split(separator: separator, omittingEmptySubsequences: false), text)
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
        XCTAssertEqual(parts.joinedText(separator: String(separator)), parts.joined(separator: String(separator)))
        XCTAssertEqual(parts.map(String.init).joinedText(separator: ", "), parts.joined(separator: ", "))
      }
    }
    // A separator followed by a combining mark is one Character, and still the byte git cuts at.
    XCTAssertEqual("a/\u{301}b".split(byte: UInt8(ascii: "/")), ["a", "\u{301}b"])
  }
}
