import MLGitErrors
import MLPolicy
import MLSpec

/// `mlgit runs show` as text: one run in full, then the verdicts of its reproductions.
public enum RunText {
  public static func render(_ run: RunRecord, reproductions: [ReproductionRecord]) -> String {
    // Every field comes from the ledger, which anyone who can push it writes.
    let shown = { (text: String) in TerminalText.escape(text) }
    var out = """
      run      \(shown(run.id))
      commit   \(shown(run.commit))
      model    \(shown(run.model.isEmpty ? "-" : run.model))
      started  \(shown(run.started))
      finished \(shown(run.finished))
      user     \(shown(run.user))
      host     \(shown(run.host))
      command  \(shown(run.command))
      exit     \(run.exit)
      dirty    \(run.dirty ? "yes" : "no")

      """
    if let interrupted = run.interrupted {
      out = out.replacingEvery("\ndirty ", with: "\ninterrupted \(shown(interrupted))\ndirty ")
    }
    if let version = run.version {
      out = out.replacingEvery("\nstarted ", with: "\nversion  \(shown(version))\nstarted ")
    }
    if let resources = run.resources {
      out += """
        resources
          wall   \(RunResources.seconds(resources.wallSeconds))
          cpu    \(RunResources.seconds(resources.cpuSeconds)) (user \(RunResources.seconds(resources.userSeconds)), system \(RunResources.seconds(resources.systemSeconds)))
          peak   \(resources.peakRSSBytes) bytes (\(RunResources.megabytes(resources.peakMemoryMB)), the largest process)

        """
    }
    out += "params\n"
    for (key, value) in RunComparison.flatten(run.params) { out += "  \(shown(key)) = \(shown(value))\n" }
    out += "metrics\n"
    for key in run.metrics.keys.sorted() { out += "  \(shown(key)) = \(NumberText.string(run.metrics[key] ?? 0))\n" }
    if !run.data.isEmpty {
      out += "data\n"
      for key in run.data.keys.sorted() { out += "  \(shown(key)) sha256:\(shown(run.data[key] ?? ""))\n" }
    }
    if !reproductions.isEmpty {
      out += "reproductions\n"
      for verdict in reproductions {
        let differences = verdict.metrics.keys.sorted().map { name in
          "\(shown(name)) \(verdict.metrics[name]?.difference.map(NumberText.string) ?? "missing")"
        }.joined(separator: ", ")
        out +=
          "  \(shown(verdict.id)) \(verdict.reproduced ? "reproduced" : "not reproduced") by \(shown(verdict.user)) at \(shown(verdict.at))"
          + " (tolerance \(NumberText.string(verdict.tolerance))\(differences.isEmpty ? "" : "; differences: \(differences)")"
          + "\(verdict.problem.map { "; \(shown($0))" } ?? ""))\n"
      }
    }
    return out
  }
}
