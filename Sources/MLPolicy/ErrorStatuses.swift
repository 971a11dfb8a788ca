import MLGitErrors

// What each MLPolicy error ends an mlgit command with (PRODUCT.md's exit statuses).

extension PolicyLoadError: MLGitError {
  /// A policy that cannot be loaded is a bad config.
  public var exitStatus: ExitStatus { .usage }
}

extension RunRecordError: MLGitError {
  /// A run record or metrics file that cannot be used is bad input.
  public var exitStatus: ExitStatus { .usage }
  public var report: String { "mlgit: error: \(message)" }
}
