import MLPolicy
import MLSpec

/// `mlgit runs list --format json`: `{"reproductions": […], "runs": […]}` on one line; the
/// ledger lines are canonical JSON already and are written out as they are.
public enum RunsListJSON {
  public static func render(_ table: RunListings, _ rows: [Int], reproductions: [ReproductionRecord] = []) -> [UInt8] {
    var out = JSONWriter(style: .compact, reservingCapacity: rows.reduce(16) { $0 + table.rows[$1].line.count + 1 })
    out.object { out in
      // `reproductions` (the listed runs' verdicts) only when there are some.
      if !reproductions.isEmpty {
        out.key("reproductions")
        out.array(reproductions) { $0.json($1.line) }
      }
      out.key("runs")
      out.array(rows) { $0.json(table.text[table.rows[$1].line]) }
    }
    out.endLine()
    return out.bytes
  }
}
