import MLPolicy

/// `mlgit import mlflow` as text: a line per run recorded (or, with --dry-run, that would
/// be) and per run skipped, and the summary for standard error.
public enum ImportText {
  /// The lines for standard output, each ending in a line feed.
  public static func render(recorded: [RunRecord], skipped: [ImportJSON.Skipped], dryRun: Bool) -> String {
    var out = ""
    for record in recorded {
      let metrics = record.metrics.keys.sorted().map { "\($0)=\(NumberText.string(record.metrics[$0] ?? 0))" }
      out += TerminalText.escape(
        "\(dryRun ? "would record" : "recorded") run \(record.id) (mlflow \(record.imported?["run_id"]?.stringValue ?? "")) on \(record.commit.prefix(8))\(record.model.isEmpty ? "" : " of \(record.model)"): exit \(record.exit), \(metrics.isEmpty ? "no metrics" : metrics.joined(separator: " "))"
      )
      out += "\n"
    }
    for run in skipped {
      out +=
        TerminalText.escape("skipped \(run.runId)\(run.name.isEmpty ? "" : " (\(run.name))"): \(run.reason)") + "\n"
    }
    return out
  }

  /// `mlgit: imported N runs from PATH; M already imported, K skipped`.
  public static func summary(store: String, recorded: Int, alreadyImported: Int, skipped: Int, dryRun: Bool) -> String {
    TerminalText.escape(
      "mlgit: \(dryRun ? "would import" : "imported") \(recorded) run\(recorded == 1 ? "" : "s") from \(store); \(alreadyImported) already imported, \(skipped) skipped"
    )
  }
}
