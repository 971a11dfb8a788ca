import MLPolicy
import MLSpec

/// `mlgit audit` as text: a block per model, a line per change with indented details.
public enum AuditText {
  public static func render(_ report: AuditReport) -> String {
    var out = ""
    let changes = report.changes
    let runs = changes.reduce(0) { $0 + $1.runs.count }
    out += "mlgit audit: \(count(report.models.count, "model")), \(count(changes.count, "change")), "
    out += "\(count(runs, "run")), \(count(report.bypasses.count, "bypass", "bypasses")) "
    out +=
      "(\(count(report.commitsScanned, "commit")) scanned\(report.since.map { " since \(TerminalText.escape($0))" } ?? ""))\n"
    for model in report.models {
      out += "\n\(TerminalText.escape(model.name))"
      var facts: [String] = []
      if !model.owner.isEmpty { facts.append("owner \(TerminalText.escape(model.owner))") }
      if let version = model.latestVersion { facts.append("latest \(TerminalText.escape(version))") }
      if model.deleted { facts.append("deleted") }
      facts.append(TerminalText.escape(model.paths.joined(separator: ", ")))
      out += " (\(facts.joined(separator: "; ")))\n"
      for change in model.changes { out += line(change) }
    }
    if !report.bypasses.isEmpty {
      out += "\nbypasses: commits the hooks would have refused (--no-verify, rebase, tools that run no hooks):\n"
      for bypass in report.bypasses {
        out +=
          TerminalText.escape(
            "  \(bypass.commit.prefix(8)) \(UTCTimestamp.string(bypass.time).prefix(10)) \(bypass.author) <\(bypass.email)>: "
              + "\(bypass.paths.joined(separator: ", ")) [\(bypass.rules.joined(separator: ", "))]") + "\n"
      }
    }
    if !report.otherFindings.isEmpty {
      out += "\nother findings (files that are not specs):\n"
      for finding in report.otherFindings {
        out +=
          TerminalText.escape(
            "  \((finding.commit ?? "").prefix(8)): \(finding.path):\(finding.line):\(finding.column): "
              + "\(finding.severity.rawValue): \(finding.message) [\(finding.rule)]") + "\n"
      }
    }
    if !report.unattributedRuns.isEmpty {
      out += "\nruns no listed spec change accounts for: \(report.unattributedRuns.count)\n"
    }
    if !report.boundary.isEmpty {
      out +=
        "\nnot judged (parent not in this shallow clone): \(report.boundary.map { String($0.prefix(8)) }.joined(separator: ", "))\n"
    }
    return out
  }

  static func line(_ change: AuditChange) -> String {
    // Each line is escaped whole: everything on it but the literals comes from commits and notes.
    let shown = { (line: String) in TerminalText.escape(line) + "\n" }
    var head =
      "  \(UTCTimestamp.string(change.time).prefix(10)) \(change.commit.prefix(8)) \(change.author) <\(change.email)> "
    head += "\(versionText(change))"
    if change.bypass { head += "  BYPASS [\(change.bypassRules.joined(separator: ", "))]" }
    var out = shown(head) + shown("      \(change.summary)")
    if let renamed = change.renamedFrom { out += shown("      renamed from: \(renamed)") }
    if !change.featuresAdded.isEmpty || !change.featuresRemoved.isEmpty {
      out += shown(
        "      features: \((change.featuresAdded.map { "+\($0)" } + change.featuresRemoved.map { "-\($0)" }).joined(separator: " "))"
      )
    }
    if change.status == .modified {
      for item in change.hyperparameters {
        out += shown("      hyperparameter \(item.key): \(value(item.old)) -> \(value(item.new))")
      }
    }
    if let error = change.hyperparametersError { out += shown("      hyperparameters unreadable: \(error)") }
    for item in change.data {
      out += shown("      data \(item.name) (\(item.path)): \(hash(item.old)) -> \(hash(item.new))")
    }
    if change.reviewNeeded || !change.approvals.isEmpty {
      let approvals = change.approvals.map { approval in
        "\(approval.reviewer) at \(approval.at) (\(signature(approval)); "
          + "\(approval.rejection.map { "not counted: \($0)" } ?? "counted"))"
      }
      let state = change.reviewNeeded ? (change.reviewApproved ? "approved" : "NOT APPROVED") : "approvals"
      out += shown("      \(state): \(approvals.isEmpty ? "none" : approvals.joined(separator: "; "))")
    }
    for run in change.runs {
      let metrics = run.metrics.keys.sorted().map { "\($0) \(NumberText.string(run.metrics[$0] ?? 0))" }.joined(
        separator: ", ")
      out += shown(
        "      run \(run.id) on \(run.commit.prefix(8)): exit \(run.exit)\(metrics.isEmpty ? "" : ", \(metrics)")")
    }
    for finding in change.findings {
      out += shown(
        "      \(finding.severity.rawValue): \(finding.path):\(finding.line):\(finding.column): \(finding.message) [\(finding.rule)]"
      )
    }
    return out
  }

  /// `unsigned`, `signed, signature verified`, `signed, signature does not verify`.
  static func signature(_ approval: AuditApproval) -> String {
    guard approval.signed else { return "unsigned" }
    return approval.valid == true ? "signed, signature verified" : "signed, signature does not verify"
  }

  static func versionText(_ change: AuditChange) -> String {
    switch change.status {
    case .added: return "added \(change.version.new ?? "(no version)")"
    case .deleted: return "deleted \(change.version.old ?? "")"
    case .modified:
      let old = change.version.old ?? "?"
      let new = change.version.new ?? "?"
      return old == new ? "\(new) (version unchanged)" : "\(old) -> \(new)"
    }
  }

  static func value(_ value: JSONValue?) -> String { value?.canonical ?? "(absent)" }
  static func hash(_ hash: String?) -> String { hash.map { String($0.prefix(12)) } ?? "(none)" }

  static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
  }
}
