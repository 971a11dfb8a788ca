import MLPolicy
import MLSpec

/// `mlgit runs list` as text: on a terminal a table, columns aligned; piped, one
/// tab-separated run a line, written as bytes straight from the ledger's text.
public enum RunsListText {
  /// Piped text output: one tab-separated run a line.
  public static func tabSeparated(_ table: RunListings, _ rows: [Int], reproduced: (Int) -> String = { _ in "-" })
    -> [UInt8]
  {
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * 128)
    table.text.withUnsafeBufferPointer { text in
      func field(_ range: Range<Int>) {
        TerminalText.appendEscaping(UnsafeBufferPointer(rebasing: text[range]), to: &out)
      }
      for index in rows {
        let run = table.rows[index]
        field(run.id)
        out.append(9)
        field(run.commit.prefix(8))
        out.append(9)
        if run.model.isEmpty { out.append(UInt8(ascii: "-")) } else { field(run.model) }
        out.append(9)
        field(run.started)
        out.append(9)
        out.appendDecimal(run.exit)
        out.append(contentsOf: run.dirty ? dirtyYes : dirtyNo)
        out.append(contentsOf: reproduced(index).utf8)
        out.append(9)
        var first = true
        table.forEachMetricByName(index) { metric in
          if !first { out.append(32) }
          first = false
          field(metric.name)
          out.append(UInt8(ascii: "="))
          if let written = metric.written { field(written) } else { NumberText.append(metric.value, to: &out) }
        }
        out.append(10)
      }
    }
    return out
  }

  private static let dirtyYes = Array("\tyes\t".utf8), dirtyNo = Array("\tno\t".utf8)

  /// A terminal's table, columns aligned.
  public static func table(_ runs: [RunListing], reproduced: [String] = []) -> String {
    if runs.isEmpty { return "no recorded runs\n" }
    let header = ["ID", "COMMIT", "MODEL", "STARTED", "EXIT", "DIRTY", "REPRODUCED", "METRICS"]
    let rows = runs.enumerated().map { position, run in
      [
        run.id, String(run.commit.prefix(8)), run.model.isEmpty ? "-" : run.model, run.started, String(run.exit),
        run.dirty ? "yes" : "no", position < reproduced.count ? reproduced[position] : "-",
        metricsText(run.metrics),
      ].map { TerminalText.escape($0) }
    }
    return TextColumns.render([header] + rows, padLast: false)
  }

  static func metricsText(_ metrics: [String: Double]) -> String {
    metrics.keys.sorted().map { "\($0)=\(NumberText.string(metrics[$0] ?? 0))" }.joined(separator: " ")
  }
}
