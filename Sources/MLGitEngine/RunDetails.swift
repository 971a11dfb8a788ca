import GitKit
import MLPolicy

/// One recorded run as `mlgit runs show` shows it: the run, and the verdicts of the
/// reproductions recorded for it (in the note of its commit), oldest first.
public struct RunDetails {
  public let run: RunRecord
  public let reproductions: [ReproductionRecord]

  /// The run with this id (or unique id prefix) and, unless `withReproductions` is false
  /// (none read), its reproductions.
  public static func load(id: String, in workspace: Workspace, withReproductions: Bool = true) throws -> RunDetails {
    let run = try RunLedger(repository: workspace.repository).find(id: id)
    guard withReproductions else { return RunDetails(run: run, reproductions: []) }
    let verdicts = (try RunLedger.loadReproductions(workspace.repository)[run.commit] ?? []).filter { $0.run == run.id }
    return RunDetails(run: run, reproductions: verdicts.sorted(by: { ($0.at, $0.id) < ($1.at, $1.id) }))
  }
}
