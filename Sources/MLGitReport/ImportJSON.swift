import MLPolicy

/// `mlgit import mlflow --format json`: the `mlgit.import/1` document (docs/runs.md lists
/// every field): the runs recorded (or, with --dry-run, that would be), those skipped and why.
public enum ImportJSON {
  public struct Document: Encodable {
    var schema = "mlgit.import/1"
    /// The tool the runs come from: `mlflow`.
    var from: String
    /// The store as given on the command line.
    var store: String
    var dryRun: Bool
    /// Recorded in refs/notes/mlgit/runs, or with dryRun, to be.
    var runs: [Run]
    var skipped: [Skipped]
    /// Runs of the store already in the ledger (by their MLflow run id), left alone.
    var alreadyImported: Int

    public init(from: String, store: String, dryRun: Bool, runs: [Run], skipped: [Skipped], alreadyImported: Int) {
      (self.from, self.store, self.dryRun, self.runs, self.skipped, self.alreadyImported) = (
        from, store, dryRun, runs, skipped, alreadyImported
      )
    }
  }

  public struct Run: Encodable {
    var id: String
    var runId: String
    var commit: String
    var model: String
    var exit: Int
    var metrics: [String: Double]

    public init(_ record: RunRecord) {
      id = record.id
      runId = record.imported?["run_id"]?.stringValue ?? ""
      commit = record.commit
      model = record.model
      exit = record.exit
      metrics = record.metrics
    }
  }

  public struct Skipped: Encodable, Equatable {
    public var runId: String
    /// The MLflow run name; empty when it has none.
    public var name: String
    public var reason: String

    public init(runId: String, name: String, reason: String) {
      (self.runId, self.name, self.reason) = (runId, name, reason)
    }
  }
}
