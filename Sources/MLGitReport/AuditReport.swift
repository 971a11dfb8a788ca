import MLPolicy

/// What `mlgit audit` found: every model's history, from one walk over the commits.
public struct AuditReport {
  public var generated: String
  public var repository: String
  public var modelFilter: String?
  public var since: String?
  public var branch: String?
  /// Commits judged (after `--since`).
  public var commitsScanned = 0
  /// Commits not judged: their parent is not in this shallow clone.
  public var boundary: [String] = []
  public var models: [AuditModel] = []
  /// Commits with error findings: changes the hooks would have refused, so they reached
  /// history past them (`--no-verify`, rebase, tools that run no hooks).
  public var bypasses: [AuditBypass] = []
  /// Findings about files that are not specs (`.mlgit/`, data files), with their commit.
  public var otherFindings: [Finding] = []
  /// Runs that no listed spec change accounts for (their model had no spec at that commit,
  /// the commit is not in the walk, or it is older than `--since`).
  public var unattributedRuns: [RunRecord] = []
  /// Each model's ML Test Score at HEAD, by name (the HTML page shows it; empty when HEAD
  /// has no commit or its policy cannot be read).
  public var scores: [String: ModelScore] = [:]

  public init(
    generated: String, repository: String, modelFilter: String? = nil, since: String? = nil, branch: String? = nil
  ) {
    self.generated = generated
    self.repository = repository
    self.modelFilter = modelFilter
    self.since = since
    self.branch = branch
  }

  /// Every model's changes, in model order.
  public var changes: [AuditChange] { models.flatMap(\.changes) }
}
