import ArgumentParser
import MLGitEngine
import MLGitReport

/// `mlgit import mlflow PATH [--experiment NAME] [--dry-run]`: MLflow runs, each on the
/// commit MLflow recorded (`mlflow.source.git.commit`).
struct ImportMLflowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mlflow",
    abstract: "Import MLflow runs (mlflow.db or mlruns/) into refs/notes/mlgit/runs, each on its commit.",
    discussion: """
      Each run is recorded on the commit in its mlflow.source.git.commit tag; runs without one, or \
      whose commit this repository lacks, or still running, are listed as skipped. A run already \
      imported (by its MLflow run id) is not recorded again.
      """)

  @Argument(
    help:
      "The MLflow store: an SQLite database (mlflow.db, or sqlite:///mlflow.db) or a file store (the mlruns/ folder).",
    completion: .file())
  var path: String

  @Option(name: .long, help: "Import only the runs of this experiment (by name).")
  var experiment: String?

  @Flag(name: .long, help: "List what would be recorded, and record nothing.")
  var dryRun = false

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  func run() throws {
    let batch = try MLflowImportBatch.read(store: path, experiment: experiment, in: try Workspace.open())
    if format == .text {
      print(ImportText.render(recorded: batch.recorded, skipped: batch.skipped, dryRun: dryRun), terminator: "")
    }
    if !dryRun { try batch.record() }
    // After the append: the document says what the ledger now holds.
    if format == .json {
      try ListingJSON.write(
        ImportJSON.Document(
          from: "mlflow", store: path, dryRun: dryRun, runs: batch.recorded.map(ImportJSON.Run.init),
          skipped: batch.skipped, alreadyImported: batch.alreadyImported))
    }
    printError(
      ImportText.summary(
        store: path, recorded: batch.recorded.count, alreadyImported: batch.alreadyImported,
        skipped: batch.skipped.count, dryRun: dryRun))
  }
}
