import MLPolicy

/// What `mlgit score` found: each model's ML Test Score at one revision.
public struct ScoreReport {
  public var generated: String
  public var repository: String
  /// The revision as given, and the commit it names.
  public var revision: String
  public var commit: String
  /// The policy chain in force at the commit ("default", ".mlgit/config.yml").
  public var policySources: [String]
  public var models: [ModelScore] = []
  /// Spec files at the revision that could not be read as specs (path, why).
  public var unreadable: [(path: String, reason: String)] = []

  public init(generated: String, repository: String, revision: String, commit: String, policySources: [String]) {
    self.generated = generated
    self.repository = repository
    self.revision = revision
    self.commit = commit
    self.policySources = policySources
  }
}
