import MLGitReport

/// What `mlgit audit` reports on: every model (or `model`'s), from `since` on, its commits
/// judged as going to `branch`; with `scores`, each model's ML Test Score at HEAD as
/// well (the HTML page shows it).
public struct AuditRequest {
  let model: String?
  /// As given: `YYYY-MM-DD`, an ISO-8601 time or `@SECONDS` (`AuditBuilder.parseDate`).
  let since: String?
  /// `--branch`; nil: the first protected branch (`Workspace.targetBranch`).
  let branch: String?
  let scores: Bool

  public init(model: String?, since: String?, branch: String?, scores: Bool) {
    self.model = model
    self.since = since
    self.branch = branch
    self.scores = scores
  }

  public func report(in workspace: Workspace) throws -> AuditReport {
    let builder = AuditBuilder(repository: workspace.repository)
    builder.modelFilter = model
    builder.since = since.flatMap(AuditBuilder.parseDate)
    builder.sinceText = since
    builder.branch = try workspace.targetBranch(branch)
    var report = try builder.build()
    if scores { report.scores = ScoreBuilder.scoresAtHead(workspace) }
    // Freed at exit, not here: the walk's caches and the report hold every spec read.
    KeptUntilExit.keep((builder, report))
    return report
  }
}
