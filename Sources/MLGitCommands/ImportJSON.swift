import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLPolicy
import MLSpec

/// `mlgit import mlflow --format json`: the `mlgit.import/1` document (docs/runs.md lists
/// every field): the runs recorded (or, with --dry-run, that would be), those skipped and why.
enum ImportJSON {
  struct Document: Encodable {
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
  }

  struct Run: Encodable {
    var id: String
    var runId: String
    var commit: String
    var model: String
    var exit: Int
    var metrics: [String: Double]

    init(_ record: RunRecord) {
      id = record.id
      runId = record.imported?["run_id"]?.stringValue ?? ""
      commit = record.commit
      model = record.model
      exit = record.exit
      metrics = record.metrics
    }
  }

  struct Skipped: Encodable {
    var runId: String
    /// The MLflow run name; empty when it has none.
    var name: String
    var reason: String
  }
}
