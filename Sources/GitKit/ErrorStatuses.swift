import MLGitErrors

// What each GitKit error ends an mlgit command with (PRODUCT.md's exit statuses).

extension GitError: MLGitError {
  /// A git failure, whatever libgit2 said.
  public var exitStatus: ExitStatus { .system }
  public var report: String { "mlgit: \(message)" }
}

extension IndexUnreadable: MLGitError {
  /// An index neither libgit2 nor git can read.
  public var exitStatus: ExitStatus { .system }
  public var report: String { "mlgit: \(description)" }
}

extension BlobTooLarge: MLGitError {
  /// A file too big to judge is input mlgit refuses.
  public var exitStatus: ExitStatus { .usage }
  public var report: String { "mlgit: error: \(description)" }
}

extension UnresolvablePath: MLGitError {
  /// A path of the user's snapshot that is no readable file.
  public var exitStatus: ExitStatus { .usage }
  public var report: String { "mlgit: error: \(description)" }
}
