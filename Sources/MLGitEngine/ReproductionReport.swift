import FoundationEssentials
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

/// The outcome of a reproduction: each recorded metric against its new value.
struct ReproductionReport {
  var run: RunRecord
  var tolerance: Double
  var exit: Int
  /// A run with no recorded metrics reproduces on its exit status alone (else: nothing compared).
  var allowNoMetrics = false
  var reproduced: [String: Double] = [:]
  var problem: String?
  var dataNotes: [String] = []

  func matches(_ metric: String) -> Bool {
    guard let old = run.metrics[metric], let new = reproduced[metric] else { return false }
    return abs(new - old) <= tolerance
  }

  /// The run recorded no metrics, so no metric was compared.
  var nothingCompared: Bool { run.metrics.isEmpty }

  var reproduces: Bool {
    problem == nil && exit == run.exit && run.metrics.keys.allSatisfy(matches) && (!nothingCompared || allowNoMetrics)
  }

  /// The verdict as a ledger record.
  func record(id: String, user: String, host: String, at: String, resources: RunResources?) -> ReproductionRecord {
    var metrics: [String: ReproductionRecord.MetricComparison] = [:]
    for metric in Set(run.metrics.keys).union(reproduced.keys) {
      metrics[metric] = ReproductionRecord.MetricComparison(
        recorded: run.metrics[metric], reproduced: reproduced[metric])
    }
    var why = problem
    if why == nil, exit != run.exit { why = "exit status \(exit), recorded \(run.exit)" }
    if why == nil, nothingCompared, !allowNoMetrics { why = "the run recorded no metrics: nothing was compared" }
    return ReproductionRecord(
      id: id, run: run.id, commit: run.commit, model: run.model, reproduced: reproduces,
      tolerance: tolerance, user: user, host: host, at: at, exit: exit, metrics: metrics, problem: why,
      resources: resources)
  }

  var text: String {
    var out = ""
    var rows: [[String]] = [["METRIC", "RECORDED", "REPRODUCED", "DIFF", ""]]
    for metric in Set(run.metrics.keys).union(reproduced.keys).sorted() {
      let old = run.metrics[metric]
      let new = reproduced[metric]
      let diff = (old != nil && new != nil) ? NumberText.string(abs((new ?? 0) - (old ?? 0))) : "-"
      let verdict = old == nil ? "new" : (matches(metric) ? "ok" : "DIFFERS")
      rows.append([
        TerminalText.escape(metric), old.map(NumberText.string) ?? "-", new.map(NumberText.string) ?? "-", diff,
        verdict,
      ])
    }
    var widths = [0, 0, 0, 0, 0]
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
      out +=
        TextColumns.trimmingTrailingSpace(
          row.enumerated().map { i, cell in TextColumns.pad(cell, to: widths[i]) }.joined(separator: "  ")) + "\n"
    }
    if exit != run.exit { out += "exit status \(exit), recorded \(run.exit)\n" }
    if let problem { out += "\(TerminalText.escape(problem))\n" }
    for note in dataNotes { out += "warning: data \(TerminalText.escape(note))\n" }
    let within = tolerance == 0 ? "exactly" : "within \(NumberText.string(tolerance))"
    if nothingCompared && problem == nil && exit == run.exit {
      let id = TerminalText.escape(run.id)
      out +=
        allowNoMetrics
        ? "mlgit: run \(id) recorded no metrics: only its exit status (\(exit)) was compared, and it matches\n"
        : "mlgit: run \(id) recorded no metrics: nothing was compared (the exit status, \(exit), matches)\n"
          + "  hint: pass --allow-no-metrics to accept a matching exit status alone\n"
      return out
    }
    out +=
      reproduces
      ? "mlgit: run \(TerminalText.escape(run.id)) reproduces (\(run.metrics.count) metrics \(within))\n"
      : "mlgit: run \(TerminalText.escape(run.id)) does not reproduce\n"
    return out
  }
}
