import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

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
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let runs = try MLflowStore.locate(path).runs(experiment: experiment)
    let ledger = RunLedger(repository: repo)
    let alreadyImported = Set(
      try ledger.allRuns().values.flatMap { $0 }.compactMap { run -> String? in
        guard run.imported?["from"]?.stringValue == "mlflow" else { return nil }
        return run.imported?["run_id"]?.stringValue
      })

    var batch: [OID: [String]] = [:]
    var recorded: [(RunRecord, OID)] = []
    var skipped: [ImportJSON.Skipped] = []
    var already = 0
    var models: [OID: String] = [:]
    for run in runs {
      func skip(_ reason: String) {
        skipped.append(ImportJSON.Skipped(runId: run.runID, name: run.name, reason: reason))
      }
      guard let hex = run.tags["mlflow.source.git.commit"]?.trimmingCharacters(in: .whitespacesAndNewlines),
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
        already += 1
        continue
      }
      let model: String
      if let named = run.tags["mlgit.model"] ?? run.params["mlgit.model"] {
        model = named
      } else if let known = models[commit] {
        model = known
      } else {
        model = onlySpecName(at: commit, workspace: workspace) ?? ""
        models[commit] = model
      }
      let record = MLflowImport.record(run, commit: commit, model: model)
      batch[commit, default: []].append(record.line)
      recorded.append((record, commit))
    }

    for (record, commit) in recorded where format == .text {
      let metrics = record.metrics.keys.sorted().map { "\($0)=\(NumberText.string(record.metrics[$0] ?? 0))" }
      print(
        TerminalText.escape(
          "\(dryRun ? "would record" : "recorded") run \(record.id) (mlflow \(record.imported?["run_id"]?.stringValue ?? "")) on \(commit.short)\(record.model.isEmpty ? "" : " of \(record.model)"): exit \(record.exit), \(metrics.isEmpty ? "no metrics" : metrics.joined(separator: " "))"
        ))
    }
    for run in skipped where format == .text {
      print(TerminalText.escape("skipped \(run.runId)\(run.name.isEmpty ? "" : " (\(run.name))"): \(run.reason)"))
    }
    if !dryRun && !batch.isEmpty {
      try ledger.notes.append(batch, message: "Notes added by 'mlgit import mlflow'")
    }
    // After the append: the document says what the ledger now holds.
    if format == .json {
      try ListingJSON.write(
        ImportJSON.Document(
          from: "mlflow", store: path, dryRun: dryRun,
          runs: recorded.map { ImportJSON.Run($0.0) }, skipped: skipped, alreadyImported: already))
    }
    printError(
      TerminalText.escape(
        "mlgit: \(dryRun ? "would import" : "imported") \(recorded.count) run\(recorded.count == 1 ? "" : "s") from \(path); \(already) already imported, \(skipped.count) skipped"
      ))
  }

  /// The name of the commit's only spec; nil when it has none, several, or an unreadable one.
  func onlySpecName(at commit: OID, workspace: Workspace) -> String? {
    guard let policy = try? workspace.policy(before: commit),
      let spec = try? RunSpec.find(nil, policy: policy, repository: workspace.repository, source: .commit(commit))
    else { return nil }
    return spec.name
  }
}
