import MLGitErrors

extension SQLiteError: MLGitError {
  /// A damaged file or one that is no database is bad input; anything else SQLite
  /// reports (I/O, locks, memory) is a system failure.
  public var exitStatus: ExitStatus { isMalformedDatabase ? .usage : .system }
  public var report: String { "mlgit: error: \(description)" }
}
