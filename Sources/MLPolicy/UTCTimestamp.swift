import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one timestamp format of mlgit's records and reports: `2026-01-31T12:00:00Z`, ISO 8601
/// in UTC, to the second (run records' `started` and `finished`, reviews' `at`, the audit's
/// and the score's dates, findings' clocks), and its readers.
public enum UTCTimestamp {
  /// The time `seconds` after 1970. No formatter object: the audit formats a date for
  /// every change, and `gmtime_r` needs no calendar. The year has at least four digits,
  /// as ISO 8601 asks.
  public static func string(_ seconds: Int64) -> String {
    let parts = fields(seconds)
    let year = parts.tm_year + 1900
    guard year >= 0 && year <= 9999 else {
      return "\(four(year))-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
        + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
    // Twenty ASCII bytes written in place: the audit formats some 11,000 times, and the
    // interpolated form (eleven pieces appended one by one) was 1.3% of it.
    return String(unsafeUninitializedCapacity: 20) { bytes in
      func put(_ value: Int32, _ digits: Int, at offset: Int) {
        var rest = value
        for index in stride(from: offset + digits - 1, through: offset, by: -1) {
          bytes[index] = UInt8(48 + rest % 10)
          rest /= 10
        }
      }
      put(year, 4, at: 0)
      bytes[4] = UInt8(ascii: "-")
      put(parts.tm_mon + 1, 2, at: 5)
      bytes[7] = UInt8(ascii: "-")
      put(parts.tm_mday, 2, at: 8)
      bytes[10] = UInt8(ascii: "T")
      put(parts.tm_hour, 2, at: 11)
      bytes[13] = UInt8(ascii: ":")
      put(parts.tm_min, 2, at: 14)
      bytes[16] = UInt8(ascii: ":")
      put(parts.tm_sec, 2, at: 17)
      bytes[19] = UInt8(ascii: "Z")
      return 20
    }
  }

  /// `date`, to the second it falls in.
  public static func string(_ date: Date) -> String { string(seconds(date)) }

  /// Now.
  public static func now() -> String { string(Date()) }

  /// The day of `seconds` in UTC: `2026-01-31` (the timestamp's first ten characters).
  public static func day(_ seconds: Int64) -> String { String(string(seconds).prefix(10)) }

  /// The form ssh-keygen's `verify-time` reads: `20260131120000Z`.
  public static func compact(_ seconds: Int64) -> String {
    string(seconds).filter { $0 != "-" && $0 != ":" && $0 != "T" }
  }

  /// A record's ISO 8601 time (`started`, `finished`, `at`, `MLGIT_NOW`): RFC 3339's date
  /// and time, `2026-01-31T12:00:00Z`, with an offset `Z`, `+02:00`, `+0200` or `+02`
  /// and optional fractional seconds; nil when it is not one. Checked field by field
  /// (month 01-12, the month's days, hour 00-23, second 00-59), without a formatter
  /// object or a calendar: nothing beside the time is read, so `2026-02-30` and
  /// trailing text are not times.
  public static func date(_ text: String) -> Date? {
    var scan = Scan(Array(text.utf8))
    guard let day = scan.day(), scan.take(UInt8(ascii: "T")), let hour = scan.number(2), hour < 24,
      scan.take(UInt8(ascii: ":")), let minute = scan.number(2), minute < 60, scan.take(UInt8(ascii: ":")),
      let second = scan.number(2), second < 60
    else { return nil }
    var fraction = 0.0
    if scan.take(UInt8(ascii: ".")) {
      var scale = 0.1
      var digits = 0
      while let digit = scan.digit() {
        fraction += Double(digit) * scale
        scale /= 10
        digits += 1
      }
      guard digits > 0 else { return nil }
    }
    guard let offset = scan.offset(), scan.atEnd else { return nil }
    let seconds = day + Int64(hour * 3600 + minute * 60 + second) - offset
    return Date(timeIntervalSince1970: Double(seconds) + fraction)
  }

  /// A calendar day, `2026-01-31`, as the time of its midnight in UTC; nil when `text` is not one.
  public static func date(day text: String) -> Date? {
    var scan = Scan(Array(text.utf8))
    guard let day = scan.day(), scan.atEnd else { return nil }
    return Date(timeIntervalSince1970: Double(day))
  }

  /// A reader of the fields above, over UTF-8 bytes.
  private struct Scan {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    mutating func digit() -> Int? {
      guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
      index += 1
      return Int(bytes[index - 1] - 48)
    }

    /// Exactly `count` digits.
    mutating func number(_ count: Int) -> Int? {
      var value = 0
      for _ in 0..<count {
        guard let digit = digit() else { return nil }
        value = value * 10 + digit
      }
      return value
    }

    /// `YYYY-MM-DD`, as seconds from 1970 to its midnight in UTC.
    mutating func day() -> Int64? {
      guard let year = number(4), take(UInt8(ascii: "-")), let month = number(2), (1...12).contains(month),
        take(UInt8(ascii: "-")), let day = number(2), day >= 1, day <= UTCTimestamp.days(inMonth: month, of: year)
      else { return nil }
      return UTCTimestamp.daysFrom1970(year: year, month: month, day: day) * 86_400
    }

    /// `Z`, or `+`/`-` with hours and optional minutes (`+02:00`, `+0200`, `+02`), in seconds east of UTC.
    mutating func offset() -> Int64? {
      if take(UInt8(ascii: "Z")) { return 0 }
      let sign: Int64
      if take(UInt8(ascii: "+")) {
        sign = 1
      } else if take(UInt8(ascii: "-")) {
        sign = -1
      } else {
        return nil
      }
      guard let hours = number(2), hours < 24 else { return nil }
      var minutes = 0
      if !atEnd {
        _ = take(UInt8(ascii: ":"))
        guard let value = number(2), value < 60 else { return nil }
        minutes = value
      }
      return sign * Int64(hours * 3600 + minutes * 60)
    }
  }

  static func days(inMonth month: Int, of year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 to the given day of the proleptic Gregorian calendar (Howard
  /// Hinnant's days_from_civil).
  static func daysFrom1970(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = Int64((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1)
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// Whole seconds since 1970, rounded down (a time before 1970 stays in its second).
  public static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

  private static func fields(_ seconds: Int64) -> tm {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    return parts
  }

  private static func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }

  private static func four(_ n: Int32) -> String {
    guard n >= 0 && n < 1000 else { return "\(n)" }
    return String(repeating: "0", count: 4 - String(n).count) + String(n)
  }
}
