import Foundation
import MLPolicy
import MLSpec

/// `mlgit audit --format html`: one self-contained page (inline CSS and SVG, no script,
/// no external asset), a section per model with its metric charts and its timeline.
public enum AuditHTML {
  public static func render(_ report: AuditReport) -> String {
    let changes = report.changes
    let runs = changes.reduce(0) { $0 + $1.runs.count }
    let approvals = changes.reduce(0) { $0 + $1.approvals.count }
    let unapproved = changes.filter(\.unapproved).count
    var out = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>mlgit audit: \(escape(repositoryName(report.repository)))</title>
      <style>\(style)</style></head><body>
      <header><h1>Model audit <span class="repo">\(escape(repositoryName(report.repository)))</span></h1>
      <p class="meta">\(escape(report.repository)) · generated \(escape(report.generated)) · \(report.commitsScanned) commits scanned\(report.since.map { " since \(escape($0))" } ?? "")\(report.modelFilter.map { " · model \(escape($0))" } ?? "")</p>
      <div class="cards">
      \(card(report.models.count, "models", ""))\(card(changes.count, "spec changes", ""))\(card(runs, "runs", ""))\(card(approvals, "approvals", ""))\(card(unapproved, "unapproved hyperparameter changes", unapproved > 0 ? "warn" : "ok"))\(card(report.bypasses.count, "bypasses", report.bypasses.isEmpty ? "ok" : "bad"))
      </div>
      <nav>\(report.models.map(navItem).joined(separator: ""))</nav>
      </header>
      <main>

      """
    for model in report.models { out += section(model, score: report.scores[model.name]) }
    if !report.bypasses.isEmpty { out += bypassSection(report.bypasses) }
    if !report.otherFindings.isEmpty { out += otherSection(report.otherFindings) }
    out += """
      </main>
      <footer>mlgit audit · schema \(AuditJSON.schema) · a bypass is a commit whose own change has errors under the policy \
      in force in its parent: the hooks would have refused it · approvals are counted as the review rule counts them, \
      signatures verified against the base commit's .mlgit/allowed_signers</footer>
      </body></html>

      """
    return out
  }

  static func repositoryName(_ path: String) -> String {
    let name = URL(fileURLWithPath: path).lastPathComponent
    return name == ".git" ? URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent : name
  }

  static func card(_ value: Int, _ label: String, _ tone: String) -> String {
    "<div class=\"card \(tone)\"><b>\(value)</b><span>\(escape(label))</span></div>"
  }

  static func anchor(_ name: String) -> String {
    "model-" + String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" })
  }

  static func navItem(_ model: AuditModel) -> String {
    let bypasses = model.changes.filter(\.bypass).count
    let badge = bypasses > 0 ? " <span class=\"badge bad\">\(bypasses) bypass\(bypasses == 1 ? "" : "es")</span>" : ""
    return "<a href=\"#\(anchor(model.name))\">\(escape(model.name))\(badge)</a>"
  }

  // MARK: A model

  static func section(_ model: AuditModel, score: ModelScore? = nil) -> String {
    let bypasses = model.changes.filter(\.bypass).count
    let unapproved = model.changes.filter(\.unapproved).count
    var badges: [String] = []
    if bypasses > 0 { badges.append("<span class=\"badge bad\">\(bypasses) bypass\(bypasses == 1 ? "" : "es")</span>") }
    if unapproved > 0 { badges.append("<span class=\"badge warn\">\(unapproved) unapproved</span>") }
    if model.deleted { badges.append("<span class=\"badge muted\">deleted</span>") }
    var out = """
      <section id="\(anchor(model.name))">
      <h2>\(escape(model.name)) <span class="version">\(escape(model.latestVersion ?? "no version"))</span> \(badges.joined(separator: " "))</h2>
      <p class="meta">owner <b>\(escape(model.owner.isEmpty ? "unknown" : model.owner))</b> · \(model.paths.map { "<code>\(escape($0))</code>" }.joined(separator: ", ")) · \(model.changes.count) change\(model.changes.count == 1 ? "" : "s") · \(model.runs.count) run\(model.runs.count == 1 ? "" : "s")\(score.map(scoreNote) ?? "")</p>

      """
    out += charts(model)
    out += """
      <div class="wide"><table class="timeline"><thead><tr><th>Date</th><th>Commit</th><th>Author</th><th>Version</th><th>What changed</th>\
      <th>Approvals</th><th>Runs</th><th>Violations</th></tr></thead><tbody>

      """
    for change in model.changes { out += row(change) }
    out += "</tbody></table></div></section>\n"
    return out
  }

  /// The model's ML Test Score at HEAD and the section that sets it (`mlgit score` has the rest).
  static func scoreNote(_ score: ModelScore) -> String {
    " · ML Test Score at HEAD <b class=\"score\">\(formatScore(score.score))</b>"
      + (score.weakest.map { " (weakest: \(escape($0.rawValue)); <code>mlgit score</code> lists the 28 tests)" } ?? "")
  }

  static func row(_ change: AuditChange) -> String {
    var what: [String] = []
    switch change.status {
    case .added: what.append("<span class=\"tag\">new spec</span>")
    case .deleted: what.append("<span class=\"tag\">spec deleted</span>")
    case .modified: break
    }
    if let renamed = change.renamedFrom { what.append("renamed from <code>\(escape(renamed))</code>") }
    if !change.featuresAdded.isEmpty {
      what.append("features <span class=\"add\">+ \(change.featuresAdded.map(escape).joined(separator: ", "))</span>")
    }
    if !change.featuresRemoved.isEmpty {
      what.append("features <span class=\"del\">− \(change.featuresRemoved.map(escape).joined(separator: ", "))</span>")
    }
    if change.status == .modified {
      for item in change.hyperparameters {
        what.append("<code>\(escape(item.key))</code> \(escape(AuditText.value(item.old))) → <b>\(escape(AuditText.value(item.new)))</b>")
      }
    }
    if let error = change.hyperparametersError { what.append("<span class=\"del\">hyperparameters unreadable: \(escape(error))</span>") }
    for item in change.data {
      what.append("data <code>\(escape(item.name))</code> \(escape(AuditText.hash(item.old))) → \(escape(AuditText.hash(item.new)))")
    }
    if what.isEmpty { what.append("<span class=\"muted\">\(change.status == .modified ? "other fields" : "")</span>") }

    var approvals = change.approvals.map { approval in
      let signature: String
      switch approval.valid {
      case true?: signature = "<span class=\"badge ok\" title=\"signature verifies against .mlgit/allowed_signers\">signed ✓</span>"
      case false?: signature = "<span class=\"badge bad\" title=\"signature does not verify against .mlgit/allowed_signers\">signature invalid</span>"
      case nil: signature = "<span class=\"badge muted\">unsigned</span>"
      }
      let counted = approval.rejection.map { "<span class=\"badge warn\" title=\"\(escape($0.rawValue))\">not counted: \(escape($0.description))</span>" }
        ?? "<span class=\"badge ok\">counted</span>"
      return "<div>\(escape(approval.reviewer)) <span class=\"muted\">\(escape(String(approval.at.prefix(10))))</span> "
        + signature + " " + counted + "</div>"
    }.joined()
    if change.unapproved {
      approvals += "<span class=\"badge warn\">not approved</span>"
    } else if approvals.isEmpty {
      approvals = "<span class=\"muted\">—</span>"
    }

    let runs = change.runs.isEmpty ? "<span class=\"muted\">—</span>" : change.runs.map { run in
      let metrics = run.metrics.keys.sorted().map { "\(escape($0)) \(AuditText.number(run.metrics[$0] ?? 0))" }.joined(separator: ", ")
      let status = run.exit == 0 ? "" : " <span class=\"badge bad\">exit \(run.exit)</span>"
      return "<div class=\"run\"><code>\(escape(String(run.id.prefix(8))))</code> \(metrics)\(status)</div>"
    }.joined()

    var violations = change.findings.map { finding in
      "<div class=\"\(finding.severity.rawValue)\"><b>\(escape(finding.severity.rawValue))</b> \(escape(finding.message)) <code>\(escape(finding.rule))</code> <span class=\"muted\">line \(finding.line)</span></div>"
    }.joined()
    if change.bypass { violations = "<span class=\"badge bad\">bypass</span>" + violations }
    if violations.isEmpty { violations = "<span class=\"ok\">✓</span>" }

    return """
      <tr class="\(change.bypass ? "bypass" : "")"><td class="nowrap">\(UTCTimestamp.string(change.time).prefix(10))</td>\
      <td><code title="\(change.commit)">\(change.commit.prefix(8))</code></td>\
      <td>\(escape(change.author))</td><td class="nowrap">\(escape(AuditText.versionText(change).replacingOccurrences(of: " -> ", with: " → ")))</td>\
      <td><div class="summary">\(escape(change.summary))</div>\(what.joined(separator: "<br>"))</td>\
      <td>\(approvals)</td><td>\(runs)</td><td>\(violations)</td></tr>

      """
  }

  // MARK: Charts

  /// One chart per validation metric (any version's bounds), when the model has runs.
  static func charts(_ model: AuditModel) -> String {
    var metrics: [String] = []
    for change in model.changes.reversed() {
      for bound in change.bounds where !metrics.contains(bound.metric) { metrics.append(bound.metric) }
    }
    guard !model.runs.isEmpty else {
      return "<p class=\"muted\">No runs recorded for this model.</p>\n"
    }
    guard !metrics.isEmpty else {
      return "<p class=\"muted\">No validation metrics declared; \(model.runs.count) runs recorded.</p>\n"
    }
    return "<div class=\"charts\">" + metrics.map { chart(model, metric: $0) }.joined() + "</div>\n"
  }

  /// A point per run, a line through the best run of each commit, the bounds in force
  /// at each commit as dashed lines. The x axis is the commits with runs, oldest first.
  static func chart(_ model: AuditModel, metric: String) -> String {
    struct Column { var label: String; var commit: String; var values: [Double]; var min: Double?; var max: Double? }
    var columns: [Column] = []
    for change in model.changes {
      let bound = change.bounds.first { $0.metric == metric }
      var byCommit: [String: Int] = [:]
      for run in change.runs where run.exit == 0 {
        guard let value = run.metrics[metric] else { continue }
        if let index = byCommit[run.commit] {
          columns[index].values.append(value)
        } else {
          byCommit[run.commit] = columns.count
          columns.append(Column(label: change.version.new ?? String(run.commit.prefix(7)), commit: run.commit,
            values: [value], min: bound?.min, max: bound?.max))
        }
      }
    }
    let higherIsBetter = columns.contains { $0.min != nil } || !columns.contains { $0.max != nil }
    let boundText = model.changes.last(where: { !$0.bounds.isEmpty })?.bounds.first { $0.metric == metric }.map { bound in
      [bound.min.map { "min \(AuditText.number($0))" }, bound.max.map { "max \(AuditText.number($0))" }]
        .compactMap { $0 }.joined(separator: ", ")
    } ?? ""
    let failed = model.runs.filter { $0.exit != 0 }.count
    let note = failed > 0 ? " <span class=\"muted\">· \(failed) failed run\(failed == 1 ? "" : "s") not drawn</span>" : ""
    let caption = "<figcaption><b>\(escape(metric))</b> \(boundText.isEmpty ? "" : "<span class=\"muted\">(\(escape(boundText)))</span>")\(note)</figcaption>"
    guard !columns.isEmpty else {
      return "<figure>\(caption)<p class=\"muted\">no run reported \(escape(metric))</p></figure>"
    }
    let (width, height) = (520.0, 210.0)
    let (left, right, top, bottom) = (48.0, 58.0, 12.0, 42.0)
    var low = columns.flatMap(\.values).min() ?? 0, high = columns.flatMap(\.values).max() ?? 1
    for column in columns {
      for limit in [column.min, column.max].compactMap({ $0 }) { low = Swift.min(low, limit); high = Swift.max(high, limit) }
    }
    let ticks = niceTicks(low, high)
    low = ticks.first ?? low
    high = ticks.last ?? high
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let half = columns.count == 1 ? plotWidth / 2 : plotWidth / Double(columns.count - 1) / 2
    func x(_ i: Int) -> Double { columns.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(columns.count - 1) }
    func y(_ v: Double) -> Double { top + plotHeight * (1 - (v - low) / (high - low)) }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(metric)) across commits\">"
    // Grid and y labels.
    for value in ticks {
      svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(value)))\" y2=\"\(f(y(value)))\"/>"
      svg += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(AuditText.number((value * 1e6).rounded() / 1e6))</text>"
    }
    // Bounds in force at each commit, as steps: a bound holds from one change to the next.
    for (kind, pick) in [("min", { (c: Column) in c.min }), ("max", { (c: Column) in c.max })] {
      var path = ""
      var last: Double?
      for i in columns.indices {
        guard let value = pick(columns[i]) else { last = nil; continue }
        let from = Swift.max(left, x(i) - half), to = Swift.min(width - right, x(i) + half)
        path += last == nil ? "M\(f(from)),\(f(y(value))) " : "L\(f(from)),\(f(y(value))) "
        path += "L\(f(to)),\(f(y(value))) "
        last = value
      }
      guard !path.isEmpty else { continue }
      svg += "<path class=\"threshold\" d=\"\(path)\"/>"
      if let value = columns.last.flatMap(pick) {
        svg += "<text class=\"threshold-label\" x=\"\(f(width - right + 6))\" y=\"\(f(y(value) + 4))\">\(kind) \(AuditText.number(value))</text>"
      }
    }
    // The best run per commit, joined.
    let best = columns.map { higherIsBetter ? ($0.values.max() ?? 0) : ($0.values.min() ?? 0) }
    if columns.count > 1 {
      svg += "<polyline class=\"series\" points=\"\(best.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " "))\"/>"
    }
    for (i, column) in columns.enumerated() {
      for value in column.values {
        let passes = (column.min.map { value >= $0 } ?? true) && (column.max.map { value <= $0 } ?? true)
        svg += "<circle class=\"\(passes ? "pass" : "fail")\" cx=\"\(f(x(i)))\" cy=\"\(f(y(value)))\" r=\"4\"><title>\(escape(column.label)) (\(column.commit.prefix(8))): \(escape(metric)) \(AuditText.number(value))</title></circle>"
      }
    }
    // X labels: every column when few, else about ten.
    let every = Swift.max(1, Int((Double(columns.count) / 10).rounded(.up)))
    for (i, column) in columns.enumerated() where i % every == 0 || i == columns.count - 1 {
      svg += "<text class=\"axis\" x=\"\(f(x(i)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(escape(column.label))</text>"
      svg += "<text class=\"axis small\" x=\"\(f(x(i)))\" y=\"\(f(height - bottom + 29))\" text-anchor=\"middle\">\(column.commit.prefix(7))</text>"
    }
    svg += "</svg>"
    return "<figure>\(caption)\(svg)</figure>"
  }

  /// Four or five round tick values covering low...high.
  static func niceTicks(_ low: Double, _ high: Double) -> [Double] {
    var (low, high) = (low, high)
    if high - low < 1e-12 {
      let pad = Swift.max(abs(high) * 0.05, 0.01)
      (low, high) = (low - pad, high + pad)
    }
    let raw = (high - low) / 4
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    let first = floor(low / step) * step, last = ceil(high / step) * step
    var ticks: [Double] = []
    var value = first
    while value <= last + step / 2 {
      ticks.append(value)
      value += step
    }
    return ticks
  }

  // MARK: Other sections

  static func bypassSection(_ bypasses: [AuditBypass]) -> String {
    var out = """
      <section id="bypasses"><h2>Bypasses <span class="badge bad">\(bypasses.count)</span></h2>
      <p class="meta">Commits the hooks would have refused: they reached history through <code>--no-verify</code>, a rebase, \
      or a tool that runs no hooks.</p>
      <div class="wide"><table class="timeline"><thead><tr><th>Date</th><th>Commit</th><th>Author</th><th>Summary</th><th>Files</th><th>Rules broken</th></tr></thead><tbody>

      """
    for bypass in bypasses {
      out += "<tr class=\"bypass\"><td class=\"nowrap\">\(UTCTimestamp.string(bypass.time).prefix(10))</td><td><code>\(bypass.commit.prefix(8))</code></td>"
      out += "<td>\(escape(bypass.author))</td><td>\(escape(bypass.summary))</td>"
      out += "<td>\(bypass.paths.map { "<code>\(escape($0))</code>" }.joined(separator: "<br>"))</td>"
      out += "<td>\(bypass.rules.map { "<code>\(escape($0))</code>" }.joined(separator: " "))</td></tr>\n"
    }
    return out + "</tbody></table></div></section>\n"
  }

  static func otherSection(_ findings: [Finding]) -> String {
    var out = "<section id=\"other\"><h2>Other findings</h2><p class=\"meta\">Files that are not specs: policy and data.</p><ul class=\"findings\">"
    for finding in findings {
      out += "<li class=\"\(finding.severity.rawValue)\"><code>\((finding.commit ?? "").prefix(8))</code> <code>\(escape(finding.path)):\(finding.line)</code> "
      out += "<b>\(escape(finding.severity.rawValue))</b> \(escape(finding.message)) <code>\(escape(finding.rule))</code></li>"
    }
    return out + "</ul></section>\n"
  }

  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }

  static let style = """
    :root{--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--bad:#cf222e;--badbg:#ffebe9;--warn:#9a6700;--warnbg:#fff8c5;--ok:#1a7f37;--okbg:#dafbe1;--accent:#0969da}
    *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
    header{padding:20px 32px 12px;background:var(--bg);border-bottom:1px solid var(--line)}
    h1{margin:0 0 4px;font-size:22px}h1 .repo{color:var(--muted);font-weight:normal}
    h2{margin:0 0 4px;font-size:19px}h2 .version{font-weight:normal;color:var(--muted);font-size:15px}
    main{padding:8px 32px 24px}section{margin:22px 0 30px;padding-top:6px;border-top:2px solid var(--line)}
    .meta{margin:2px 0 10px;color:var(--muted)}.meta b{color:var(--ink)}
    .cards{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}
    .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:110px}
    .card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
    .card.bad{border-color:var(--bad);background:var(--badbg)}.card.bad b{color:var(--bad)}
    .card.warn{border-color:#d4a72c;background:var(--warnbg)}.card.warn b{color:var(--warn)}.card.ok b{color:var(--ok)}
    nav{display:flex;flex-wrap:wrap;gap:6px 14px}nav a{color:var(--accent);text-decoration:none}
    code{font:12px ui-monospace,SFMono-Regular,Menlo,"DejaVu Sans Mono",monospace;background:var(--bg);padding:1px 4px;border-radius:4px}
    .badge{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:10px;vertical-align:middle}
    .badge.bad{background:var(--bad);color:#fff}.badge.warn{background:var(--warnbg);color:var(--warn);border:1px solid #d4a72c}
    .badge.muted{background:var(--bg);color:var(--muted);border:1px solid var(--line)}.badge.ok{background:var(--bg);color:var(--ok);border:1px solid var(--ok)}
    .tag{font-size:11px;color:var(--accent);border:1px solid var(--accent);border-radius:4px;padding:0 4px}
    .muted{color:var(--muted)}.ok{color:var(--ok);font-weight:bold}.add{color:var(--ok)}.del{color:var(--bad)}
    .charts{display:flex;flex-wrap:wrap;gap:12px 24px;margin:8px 0 14px}
    figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px 10px}figcaption{margin-bottom:2px}
    svg .grid{stroke:#eaeef2;stroke-width:1}svg .axis{fill:var(--muted);font-size:11px}svg .axis.small{font-size:9px;font-family:monospace}
    svg .threshold{fill:none;stroke:var(--bad);stroke-width:1.5;stroke-dasharray:6 4}svg .threshold-label{fill:var(--bad);font-size:11px}
    svg .series{fill:none;stroke:var(--accent);stroke-width:2}svg circle.pass{fill:var(--accent);stroke:#fff;stroke-width:1.5}
    svg circle.fail{fill:var(--bad);stroke:#fff;stroke-width:1.5}
    .wide{overflow-x:auto;max-width:100%}
    table.timeline{border-collapse:collapse;width:100%;font-size:13px}
    .timeline th{text-align:left;background:var(--bg);border-bottom:1px solid var(--line);padding:6px 8px;font-weight:600;white-space:nowrap}
    .timeline td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
    .timeline tr.bypass td{background:var(--badbg)}.timeline tr.bypass td:first-child{box-shadow:inset 4px 0 var(--bad)}
    .summary{font-weight:600;margin-bottom:2px}.nowrap,div.run{white-space:nowrap}
    div.error b,li.error b{color:var(--bad)}div.warning b,li.warning b{color:var(--warn)}
    .findings{padding-left:18px}footer{padding:12px 32px 24px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
    @media (max-width:1100px){header,main,footer{padding-left:12px;padding-right:12px}
      .timeline{font-size:12px}.timeline th,.timeline td{padding:5px 4px}.timeline th{white-space:normal}div.run{white-space:normal}
      .timeline td{overflow-wrap:anywhere}.timeline td code{white-space:nowrap;overflow-wrap:normal}}
    """
}
