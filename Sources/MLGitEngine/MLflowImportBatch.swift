import FoundationEssentials
import MLGitErrors
import GitKit
import MLGitReport
import MLPolicy

/// What `mlgit import mlflow` records: each run of an MLflow store as a run record on the
/// commit MLflow recorded (`mlflow.source.git.commit`), or why it is skipped. A run
/// without that tag, on a commit this repository lacks, or still running is skipped; one
/// already imported (by its MLflow run id) is counted and left alone.
public struct MLflowImportBatch {
  /// The runs to record, in the store's order, each on its commit (`RunRecord.commit`).
  public private(set) var recorded: [RunRecord] = []
  public private(set) var skipped: [ImportJSON.Skipped] = []
  /// Runs of the store already in the ledger.
  public private(set) var alreadyImported = 0
  /// The ledger lines to append, by commit.
  var lines: [OID: [String]] = [:]
  let ledger: RunLedger

  /// The runs of the store at `path` (only `experiment`'s when given), read against the
  /// ledger of `workspace`.
  public static func read(store path: String, experiment: String?, in workspace: Workspace) throws
    -> MLflowImportBatch
  {
    let repo = workspace.repository
    let runs = try MLflowStore.locate(path).runs(experiment: experiment)
    var batch = MLflowImportBatch(ledger: RunLedger(repository: repo))
    let alreadyImported = Set(
      try batch.ledger.allRuns().values.flatMap { $0 }.compactMap { run -> String? in
        guard run.imported?["from"]?.stringValue == "mlflow" else { return nil }
        return run.imported?["run_id"]?.stringValue
      })
    var models: [OID: String] = [:]
    for run in runs {
      func skip(_ reason: String) {
        batch.skipped.append(ImportJSON.Skipped(runId: run.runID, name: run.name, reason: reason))
      }
      guard let hex = run.tags["mlflow.source.git.commit"]?.trimmingWhitespaceAndNewlines(),
        !hex.isEmpty
      else {
        skip("no mlflow.source.git.commit tag")
        continue
      }
      guard let commit = try? repo.resolveCommit(hex), commit.hex.hasPrefix(hex.lowercased()) else {
        skip("commit \(hex.prefix(12)) is not in this repository")
        continue
      }
      guard run.status != "RUNNING" && run.status != "SCHEDULED" else {
        skip("still \(run.status.lowercased())")
        continue
      }
      if alreadyImported.contains(run.runID) {
        batch.alreadyImported += 1
        continue
      }
      let model: String
      if let named = run.tags["mlgit.model"] ?? run.params["mlgit.model"] {
        model = named
      } else if let known = models[commit] {
        model = known
      } else {
        model = onlySpecName(at: commit, in: workspace) ?? ""
        models[commit] = model
      }
      let record = MLflowImport.record(run, commit: commit, model: model)
      batch.lines[commit, default: []].append(record.line)
      batch.recorded.append(record)
    }
    return batch
  }

  /// Appends the runs to the ledger, in one notes commit (none when there is nothing to record).
  public func record() throws {
    guard !lines.isEmpty else { return }
    try ledger.notes.append(lines, message: "Notes added by 'mlgit import mlflow'")
  }

  /// The name of the commit's only spec; nil when it has none, several, or an unreadable one.
  static func onlySpecName(at commit: OID, in workspace: Workspace) -> String? {
    guard let policy = try? workspace.policy(before: commit),
      let spec = try? RunSpec.find(nil, policy: policy, repository: workspace.repository, source: .commit(commit))
    else { return nil }
    return spec.name
  }
}
