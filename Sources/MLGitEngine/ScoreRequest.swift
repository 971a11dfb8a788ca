import MLGitReport

/// What `mlgit score` asks: the scores at a revision, of one model or all, and whether
/// each reaches a minimum.
public struct ScoreRequest {
  var revision: String
  /// Only the model of this name (its spec's `name`).
  var model: String?
  /// The score below which a model fails (0 to 7).
  var minScore: Double?

  public init(revision: String, model: String?, minScore: Double?) {
    self.revision = revision
    self.model = model
    self.minScore = minScore
  }

  /// The report for the repository around the current directory.
  public func report() throws -> ScoreReport {
    try report(in: try Workspace.open())
  }

  /// The report; a model named that no spec at the revision has is a usage error.
  func report(in workspace: Workspace) throws -> ScoreReport {
    let report = try ScoreBuilder(workspace: workspace, modelFilter: model).build(revision: revision)
    if let model, report.models.isEmpty {
      throw CommandFailure.usage("mlgit: score: no spec at \(revision) has name '\(model)'")
    }
    return report
  }

  /// The error that names the models scored below `minScore`, with their weakest section;
  /// nil when there is no minimum or every model reaches it.
  public func shortfall(_ report: ScoreReport) -> String? {
    guard let minScore else { return nil }
    let below = report.models.filter { $0.score < minScore }
    if below.isEmpty { return nil }
    return "mlgit: score: below --min-score \(formatScore(minScore)): "
      + below.map { "\($0.model) \(formatScore($0.score)) (weakest: \($0.weakest?.rawValue ?? "-"))" }.joined(
        separator: ", ")
  }
}
