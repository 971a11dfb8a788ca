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
  }

  func testReads() {
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T12:00:00Z")?.timeIntervalSince1970, 1_772_366_400)
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T14:00:00+02:00")?.timeIntervalSince1970, 1_772_366_400)
    XCTAssertEqual(UTCTimestamp.date("2026-03-01T12:00:00.250Z")?.timeIntervalSince1970, 1_772_366_400.25)
    XCTAssertEqual(UTCTimestamp.date(day: "2026-03-01")?.timeIntervalSince1970, 1_772_323_200)
    for bad in ["", "2026-03-01", "yesterday", "2026-03-01T12:00:00"] { XCTAssertNil(UTCTimestamp.date(bad), bad) }
    for bad in ["2026-03-01T00:00:00Z", "2026-3-1", "March"] { XCTAssertNil(UTCTimestamp.date(day: bad), bad) }
  }
}
