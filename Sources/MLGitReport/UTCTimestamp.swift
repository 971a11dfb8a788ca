import Foundation

/// Times as the reports write them: `2026-01-31T12:00:00Z`, UTC, to the second.
public enum UTCTimestamp {
  /// The time `seconds` after 1970 (no formatter objects: the audit formats a date for
  /// every change, and `gmtime_r` needs no ICU).
  public static func string(_ seconds: Int64) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return
      "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }

  /// Now.
  public static func now() -> String { string(Int64(Date().timeIntervalSince1970)) }
}
