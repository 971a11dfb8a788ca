import Foundation
import MLPolicy
import TestSupport
import XCTest

/// The one timestamp writer (`gmtime_r`) against Foundation's ISO 8601 formatter, which
/// the records were written with before, and its readers.
final class UTCTimestampTests: XCTestCase {
  func testWritesWhatFoundationsFormatterWrites() {
    let reference = ISO8601DateFormatter()
    reference.timeZone = TimeZone(identifier: "UTC")
    reference.formatOptions = [.withInternetDateTime]
    var generator = SeededGenerator(seed: 0x7574_6374_696d)
    // 1970 to 9999, and fractions of a second, which both drop.
    for _ in 0..<2_000 {
      let seconds = Int64(generator.next() % 253_402_300_800)
      let date = Date(timeIntervalSince1970: Double(seconds) + Double(generator.below(1000)) / 1000)
      let text = UTCTimestamp.string(date)
      XCTAssertEqual(text, reference.string(from: date), "\(seconds)")
      XCTAssertEqual(UTCTimestamp.string(seconds), text)
      XCTAssertEqual(UTCTimestamp.date(text).map(UTCTimestamp.seconds), seconds, text)
    }
  }

  func testForms() {
    XCTAssertEqual(UTCTimestamp.string(0), "1970-01-01T00:00:00Z")
    XCTAssertEqual(UTCTimestamp.string(1_767_225_600 + 3_661), "2026-01-01T01:01:01Z")
    XCTAssertEqual(UTCTimestamp.string(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59Z")
    XCTAssertEqual(UTCTimestamp.day(1_767_225_600 + 3_661), "2026-01-01")
    XCTAssertEqual(UTCTimestamp.compact(1_767_225_600 + 3_661), "20260101010101Z")
    // Year 999: four digits, as ISO 8601 writes it.
    XCTAssertEqual(UTCTimestamp.string(-30_610_310_400), "0999-12-31T00:00:00Z")
    // The years written in place (0 to 9999) and the ones beyond, written as numbers.
    XCTAssertEqual(UTCTimestamp.string(-62_167_219_200), "0000-01-01T00:00:00Z")
    XCTAssertEqual(UTCTimestamp.string(253_402_300_799), "9999-12-31T23:59:59Z")
    XCTAssertEqual(UTCTimestamp.string(253_402_300_800), "10000-01-01T00:00:00Z")
  }

  func testReads() {
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T12:00:00Z")?.timeIntervalSince1970, 1_772_366_400)
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T14:00:00+02:00")?.timeIntervalSince1970, 1_772_366_400)
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T12:00:00.250Z")?.timeIntervalSince1970, 1_772_366_400.25)
    XCTAssertEqual(UTCTimestamp.date(day: "2026-03-01")?.timeIntervalSince1970, 1_772_323_200)
    for bad in ["", "2026-03-01", "yesterday", "2026-03-01T12:00:00"] { XCTAssertNil(UTCTimestamp.date(bad), bad) }
    for bad in ["2026-03-01T00:00:00Z", "2026-3-1", "March"] { XCTAssertNil(UTCTimestamp.date(day: bad), bad) }
  }

  /// The reader is RFC 3339's: what Foundation's formatter read in that form, it reads the
  /// same (offsets with and without the colon, fractions); what Foundation let through
  /// beside it (a 30 February, trailing text, a space before, a slash date) is not a time.
  func testReadsRFC3339AsFoundationDid() {
    // What UTCTimestamp.date did with Foundation: whole seconds, else a fraction.
    func reference(_ text: String) -> Date? {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime]
      if let date = formatter.date(from: text) { return date }
      formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      return formatter.date(from: text)
    }
    var generator = SeededGenerator(seed: 0x7266_6333_3333)
    for _ in 0..<2_000 {
      let seconds = Int64(generator.next() % 253_402_300_800)
      let hours = Int(generator.below(27)) - 13
      let minutes = [0, 30, 45][Int(generator.below(3))]
      let sign = hours < 0 ? "-" : "+"
      let offset = String(format: "%@%02d:%02d", sign, abs(hours), minutes)
      let local = UTCTimestamp.string(seconds + Int64((hours < 0 ? -1 : 1) * (abs(hours) * 3600 + minutes * 60)))
      for text in [
        local.dropLast() + offset, local.dropLast() + offset.replacingOccurrences(of: ":", with: ""),
        local.dropLast() + ".125" + offset, local,
      ] {
        XCTAssertEqual(
          UTCTimestamp.date(String(text))?.timeIntervalSince1970, reference(String(text))?.timeIntervalSince1970,
          String(text))
      }
    }
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T14:00:00+02")?.timeIntervalSince1970, 1_772_366_400)
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T07:00:00-05:00")?.timeIntervalSince1970, 1_772_366_400)
    XCTAssertEqual(UTCTimestamp.date("2024-02-29T00:00:00Z")?.timeIntervalSince1970, 1_709_164_800)
    for bad in [
      "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-01-31T12:00:00Zjunk", " 2026-01-31T12:00:00Z",
      "2026-01-31T24:00:00Z", "2026-01-31T12:00:60Z", "12026-01-31T12:00:00Z", "2026-1-31T12:00:00Z",
      "2026-01-31t12:00:00z", "2026-01-31 12:00:00Z", "2026-01-31T12:00:00.Z", "2026-01-31T12:00:00+2",
    ] {
      XCTAssertNil(UTCTimestamp.date(bad), bad)
    }
    for bad in ["2026/01/31", "2026-02-30", "2026-13-01", "2026-01-3x"] {
      XCTAssertNil(UTCTimestamp.date(day: bad), bad)
    }
  }
}
