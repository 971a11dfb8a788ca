import Foundation

/// The one timestamp format of mlgit's records and reports: `2026-01-31T12:00:00Z`, ISO 8601
/// in UTC, to the second (run records' `started` and `finished`, reviews' `at`, the audit's
/// and the score's dates, findings' clocks), and its readers.
public enum UTCTimestamp {
  /// The time `seconds` after 1970. No formatter object: the audit formats a date for
  /// every change, and `gmtime_r` needs no calendar. The year has at least four digits,
  /// as ISO 8601 asks.
  public static func string(_ seconds: Int64) -> String {
    let parts = fields(seconds)
    return "\(four(parts.tm_year + 1900))-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
      + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
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

  /// A record's ISO 8601 time (`started`, `finished`, `at`, `MLGIT_NOW`): date and time
  /// with an offset (`Z`, `+02:00`), fractional seconds allowed; nil when it is not one.
  public static func date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }

  /// A calendar day, `2026-01-31`, as the time of its midnight in UTC; nil when `text` is not one.
  public static func date(day text: String) -> Date? {
    guard text.count == 10 else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withFullDate]
    return formatter.date(from: text)
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
