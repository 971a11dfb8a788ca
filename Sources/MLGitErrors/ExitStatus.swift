/// Exit statuses, as PRODUCT.md defines them.
public enum ExitStatus: Int32, Sendable {
  case ok = 0
  /// Policy errors were found.
  case findings = 1
  /// Bad usage, bad config or malformed input that stops the check.
  case usage = 2
  /// git or system failure.
  case system = 3
}
