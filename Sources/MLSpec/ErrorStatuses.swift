import MLGitErrors

// What each MLSpec error ends an mlgit command with (PRODUCT.md's exit statuses):
// a file that cannot be read as a spec, a policy or JSON is bad input.

extension DocumentError: MLGitError {
  public var exitStatus: ExitStatus { .usage }
  public var report: String { "error: \(message)" }
}

extension JSONSyntaxError: MLGitError {
  public var exitStatus: ExitStatus { .usage }
  public var report: String { "mlgit: error: \(description)" }
}
