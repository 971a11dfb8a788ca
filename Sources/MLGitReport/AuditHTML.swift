#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLGitErrors
#if canImport(Glibc)
  import Glibc
#endif
import MLPolicy
import MLSpec

/// `mlgit audit --format html`: one self-contained page (inline CSS and SVG, no script,
/// no external asset), a section per model with its metric charts and its timeline.
public enum AuditHTML {
  static let template = HTMLTemplate(named: "audit.html")
  /// The style sheet of the audit and score pages.
  static let style = HTMLTemplate.file("report.css")

  public static func render(_ report: AuditReport) -> String {
    let changes = report.changes
    let runs = changes.reduce(0) { $0 + $1.runs.count }
    let approvals = changes.reduce(0) { $0 + $1.approvals.count }
    let unapproved = changes.filter(\.unapproved).count
    var sections = ""
    for model in report.models { sections += section(model, score: report.scores[model.name]) }
    if !report.bypasses.isEmpty { sections += bypassSection(report.bypasses) }
    if !report.otherFindings.isEmpty { sections += otherSection(report.otherFindings) }
    let cards =
      card(report.models.count, "models", "") + card(changes.count, "spec changes", "") + card(runs, "runs", "")
      + card(approvals, "approvals", "")
      + card(unapproved, "unapproved hyperparameter changes", unapproved > 0 ? "warn" : "ok")
      + card(report.bypasses.count, "bypasses", report.bypasses.isEmpty ? "ok" : "bad")
    return template["page"].render([
      "name": escape(repositoryName(report.repository)),
      "style": style,
      "repository": escape(report.repository),
      "generated": escape(report.generated),
      "commits": "\(report.commitsScanned)",
      "filters": (report.since.map { " since \(escape($0))" } ?? "")
        + (report.modelFilter.map { " · model \(escape($0))" } ?? ""),
      "cards": cards,
      "nav": report.models.map(navItem).joined(separator: ""),
      "sections": sections,
      "schema": escape(AuditJSON.schema),
    ])
  }

  static func repositoryName(_ path: String) -> String {
    let name = URL(fileURLWithPath: path).lastPathComponent
    return name == ".git" ? URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent : name
  }

  static func card(_ value: Int, _ label: String, _ tone: String) -> String {
    "<div class=\"card \(tone)\"><b>\(value)</b><span>\(escape(label))</span></div>"
  }

  static func anchor(_ name: String) -> String {
    "model-" + String(name.unicodeScalars.map { isAlphanumeric($0) ? Character($0) : "-" })
  }

  /// Letters, marks and numbers (general categories L*, M* and N*) as Foundation's
  /// `CharacterSet.alphanumerics` holds them, which anchors were made with before: as of
  /// Unicode 15.0, and without the Tangut ideographs (U+17000-U+187FF, U+18D00-U+18D08),
  /// which its tables lack (`PlainTextOutputTests` compares every scalar).
  static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    guard let age = scalar.properties.age, age.major < 15 || (age.major == 15 && age.minor == 0),
      !(0x17000...0x187FF).contains(scalar.value), !(0x18D00...0x18D08).contains(scalar.value)
    else { return false }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
      .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
      return true
    default: return false
    }
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
    var rows = ""
    for change in model.changes { rows += row(change) }
    return template["model"].render([
      "anchor": escape(anchor(model.name)),
      "name": escape(model.name),
      "version": escape(model.latestVersion ?? "no version"),
      "badges": badges.joined(separator: " "),
      "owner": escape(model.owner.isEmpty ? "unknown" : model.owner),
      "paths": model.paths.map { "<code>\(escape($0))</code>" }.joined(separator: ", "),
      "changes": "\(model.changes.count) change\(model.changes.count == 1 ? "" : "s")",
      "runs": "\(model.runs.count) run\(model.runs.count == 1 ? "" : "s")",
      "score": score.map(scoreNote) ?? "",
      "charts": charts(model),
      "rows": rows,
    ])
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
        what.append(
          "<code>\(escape(item.key))</code> \(escape(AuditText.value(item.old))) → <b>\(escape(AuditText.value(item.new)))</b>"
        )
      }
    }
    if let error = change.hyperparametersError {
      what.append("<span class=\"del\">hyperparameters unreadable: \(escape(error))</span>")
    }
    for item in change.data {
      what.append(
        "data <code>\(escape(item.name))</code> \(escape(AuditText.hash(item.old))) → \(escape(AuditText.hash(item.new)))"
      )
    }
    if what.isEmpty { what.append("<span class=\"muted\">\(change.status == .modified ? "other fields" : "")</span>") }

    var approvals = change.approvals.map { approval in
      let signature: String
      switch approval.valid {
      case true?:
        signature =
          "<span class=\"badge ok\" title=\"signature verifies against .mlgit/allowed_signers\">signed ✓</span>"
      case false?:
        signature =
          "<span class=\"badge bad\" title=\"signature does not verify against .mlgit/allowed_signers\">signature invalid</span>"
      case nil: signature = "<span class=\"badge muted\">unsigned</span>"
      }
      let counted =
        approval.rejection.map {
          "<span class=\"badge warn\" title=\"\(escape($0.rawValue))\">not counted: \(escape($0.description))</span>"
        }
        ?? "<span class=\"badge ok\">counted</span>"
      return "<div>\(escape(approval.reviewer)) <span class=\"muted\">\(escape(String(approval.at.prefix(10))))</span> "
        + signature + " " + counted + "</div>"
    }.joined()
    if change.unapproved {
      approvals += "<span class=\"badge warn\">not approved</span>"
    } else if approvals.isEmpty {
      approvals = "<span class=\"muted\">—</span>"
    }

    let runs =
      change.runs.isEmpty
      ? "<span class=\"muted\">—</span>"
      : change.runs.map { run in
        let metrics = run.metrics.keys.sorted().map { "\(escape($0)) \(NumberText.string(run.metrics[$0] ?? 0))" }
          .joined(separator: ", ")
        let status = run.exit == 0 ? "" : " <span class=\"badge bad\">exit \(run.exit)</span>"
        return "<div class=\"run\"><code>\(escape(String(run.id.prefix(8))))</code> \(metrics)\(status)</div>"
      }.joined()

    var violations = change.findings.map { finding in
      "<div class=\"\(finding.severity.rawValue)\"><b>\(escape(finding.severity.rawValue))</b> \(escape(finding.message)) <code>\(escape(finding.rule))</code> <span class=\"muted\">line \(finding.line)</span></div>"
    }.joined()
    if change.bypass { violations = "<span class=\"badge bad\">bypass</span>" + violations }
    if violations.isEmpty { violations = "<span class=\"ok\">✓</span>" }

    return template["change"].render([
      "class": change.bypass ? "bypass" : "",
      "date": escape(String(UTCTimestamp.string(change.time).prefix(10))),
      "commit": escape(change.commit),
      "shortCommit": escape(String(change.commit.prefix(8))),
      "author": escape(change.author),
      "version": escape(AuditText.versionText(change).replacingEvery(" -> ", with: " → ")),
      "summary": escape(change.summary),
      "what": what.joined(separator: "<br>"),
      "approvals": approvals,
      "runs": runs,
      "violations": violations,
    ])
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
    struct Column {
      var label: String
      var commit: String
      var values: [Double]
      var min: Double?
      var max: Double?
    }
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
          columns.append(
            Column(
              label: change.version.new ?? String(run.commit.prefix(7)), commit: run.commit,
              values: [value], min: bound?.min, max: bound?.max))
        }
      }
    }
    let higherIsBetter = columns.contains { $0.min != nil } || !columns.contains { $0.max != nil }
    let boundText =
      model.changes.last(where: { !$0.bounds.isEmpty })?.bounds.first { $0.metric == metric }.map { bound in
        [bound.min.map { "min \(NumberText.string($0))" }, bound.max.map { "max \(NumberText.string($0))" }]
          .compactMap { $0 }.joined(separator: ", ")
      } ?? ""
    let failed = model.runs.filter { $0.exit != 0 }.count
    let note =
      failed > 0 ? " <span class=\"muted\">· \(failed) failed run\(failed == 1 ? "" : "s") not drawn</span>" : ""
    let caption =
      "<figcaption><b>\(escape(metric))</b> \(boundText.isEmpty ? "" : "<span class=\"muted\">(\(escape(boundText)))</span>")\(note)</figcaption>"
    guard !columns.isEmpty else {
      return "<figure>\(caption)<p class=\"muted\">no run reported \(escape(metric))</p></figure>"
    }
    let (width, height) = (520.0, 210.0)
    let (left, right, top, bottom) = (48.0, 58.0, 12.0, 42.0)
    var low = columns.flatMap(\.values).min() ?? 0
    var high = columns.flatMap(\.values).max() ?? 1
    for column in columns {
      for limit in [column.min, column.max].compactMap({ $0 }) {
        low = Swift.min(low, limit)
        high = Swift.max(high, limit)
      }
    }
    let ticks = niceTicks(low, high)
    low = ticks.first ?? low
    high = ticks.last ?? high
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    let half = columns.count == 1 ? plotWidth / 2 : plotWidth / Double(columns.count - 1) / 2
    func x(_ i: Int) -> Double {
      columns.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(columns.count - 1)
    }
    func y(_ v: Double) -> Double { top + plotHeight * (1 - (v - low) / (high - low)) }
    func f(_ v: Double) -> String { CFormat.fixed(v, digits: 1) }

    var svg =
      "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(metric)) across commits\">"
    // Grid and y labels.
    for value in ticks {
      svg +=
        "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(value)))\" y2=\"\(f(y(value)))\"/>"
      svg +=
        "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(NumberText.string((value * 1e6).rounded() / 1e6))</text>"
    }
    // Bounds in force at each commit, as steps: a bound holds from one change to the next.
    for (kind, pick) in [("min", { (c: Column) in c.min }), ("max", { (c: Column) in c.max })] {
      var path = ""
      var last: Double?
      for i in columns.indices {
        guard let value = pick(columns[i]) else {
          last = nil
          continue
        }
        let from = Swift.max(left, x(i) - half)
        let to = Swift.min(width - right, x(i) + half)
        path += last == nil ? "M\(f(from)),\(f(y(value))) " : "L\(f(from)),\(f(y(value))) "
        path += "L\(f(to)),\(f(y(value))) "
        last = value
      }
      guard !path.isEmpty else { continue }
      svg += "<path class=\"threshold\" d=\"\(path)\"/>"
      if let value = columns.last.flatMap(pick) {
        svg +=
          "<text class=\"threshold-label\" x=\"\(f(width - right + 6))\" y=\"\(f(y(value) + 4))\">\(kind) \(NumberText.string(value))</text>"
      }
    }
    // The best run per commit, joined.
    let best = columns.map { higherIsBetter ? ($0.values.max() ?? 0) : ($0.values.min() ?? 0) }
    if columns.count > 1 {
      svg +=
        "<polyline class=\"series\" points=\"\(best.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " "))\"/>"
    }
    for (i, column) in columns.enumerated() {
      for value in column.values {
        let passes = (column.min.map { value >= $0 } ?? true) && (column.max.map { value <= $0 } ?? true)
        svg +=
          "<circle class=\"\(passes ? "pass" : "fail")\" cx=\"\(f(x(i)))\" cy=\"\(f(y(value)))\" r=\"4\"><title>\(escape(column.label)) (\(escape(String(column.commit.prefix(8))))): \(escape(metric)) \(NumberText.string(value))</title></circle>"
      }
    }
    // X labels: every column when few, else about ten.
    let every = Swift.max(1, Int((Double(columns.count) / 10).rounded(.up)))
    for (i, column) in columns.enumerated() where i % every == 0 || i == columns.count - 1 {
      svg +=
        "<text class=\"axis\" x=\"\(f(x(i)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(escape(column.label))</text>"
      svg +=
        "<text class=\"axis small\" x=\"\(f(x(i)))\" y=\"\(f(height - bottom + 29))\" text-anchor=\"middle\">\(escape(String(column.commit.prefix(7))))</text>"
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
    let first = floor(low / step) * step
    let last = ceil(high / step) * step
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
    var rows = ""
    for bypass in bypasses {
      rows += template["bypass"].render([
        "date": escape(String(UTCTimestamp.string(bypass.time).prefix(10))),
        "commit": escape(String(bypass.commit.prefix(8))),
        "author": escape(bypass.author),
        "summary": escape(bypass.summary),
        "paths": bypass.paths.map { "<code>\(escape($0))</code>" }.joined(separator: "<br>"),
        "rules": bypass.rules.map { "<code>\(escape($0))</code>" }.joined(separator: " "),
      ])
    }
    return template["bypasses"].render(["count": "\(bypasses.count)", "rows": rows])
  }

  static func otherSection(_ findings: [Finding]) -> String {
    var items = ""
    for finding in findings {
      items +=
        "<li class=\"\(finding.severity.rawValue)\"><code>\(escape(String((finding.commit ?? "").prefix(8))))</code> <code>\(escape(finding.path)):\(finding.line)</code> "
      items +=
        "<b>\(escape(finding.severity.rawValue))</b> \(escape(finding.message)) <code>\(escape(finding.rule))</code></li>"
    }
    return template["other"].render(["items": items])
  }

  static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
