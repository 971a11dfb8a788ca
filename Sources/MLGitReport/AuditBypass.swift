/// A commit the hooks would have refused.
public struct AuditBypass: Sendable {
  public var commit: String
  public var author: String
  public var email: String
  /// Author time, seconds since 1970.
  public var time: Int64
  public var summary: String
  /// The rules with error findings, sorted.
  public var rules: [String]
  /// The files with error findings, sorted.
  public var paths: [String]
  /// The models whose specs those files are, sorted.
  public var models: [String]

  public init(
    commit: String, author: String, email: String, time: Int64, summary: String,
    rules: [String], paths: [String], models: [String]
  ) {
    self.commit = commit
    self.author = author
    self.email = email
    self.time = time
    self.summary = summary
    self.rules = rules
    self.paths = paths
    self.models = models
  }
}
