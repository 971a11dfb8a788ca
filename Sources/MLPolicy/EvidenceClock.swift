import FoundationEssentials
import MLGitErrors

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The clock evidence ages are judged against (`runs/stale`, `mlgit score`).
///
/// The system clock, unless `MLGIT_NOW` holds a time (ISO-8601 UTC such as
/// `2026-03-01T12:00:00Z`, or seconds since 1970): tests set it, and a team can replay
/// a judgement as of a day. The server's `pre-receive` hook (stage `receive`) ignores it
/// and always uses its own clock, so nothing a pusher can influence moves the server's
/// judgement. A value that is neither form is ignored (the system clock is used).
public enum EvidenceClock {
  public static let variable = "MLGIT_NOW"

  /// The time for a check at `stage`; `environment` nil: the process's (read with getenv,
  /// as every check builds a context: ProcessInfo's dictionary of every variable costs more).
  public static func now(for stage: CheckStage? = nil, environment: [String: String]? = nil) -> Date {
    if stage == .receive { return Date() }
    let value = environment.map { $0[variable] } ?? getenv(variable).map { String(cString: $0) }
    return value.flatMap(parse) ?? Date()
  }

  /// `2026-03-01T12:00:00Z` or `1772366400`; nil for anything else.
  public static func parse(_ text: String) -> Date? {
    let trimmed = text.trimmingWhitespace()
    if let seconds = Int64(trimmed) { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
    return UTCTimestamp.date(trimmed)
  }
}
