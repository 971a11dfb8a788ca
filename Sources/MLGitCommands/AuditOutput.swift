import Foundation
import MLPolicy
import MLSpec

/// `mlgit audit --format json`: the `mlgit.audit/1` document (every field is described
/// in the README). Keys are sorted and the layout is fixed, so two audits of the same
/// history differ only in `generated`.
enum AuditJSON {
  static let schema = "mlgit.audit/1"

  static func render(_ report: AuditReport) -> String {
    var out = ""
    write(document(report), indent: 0, into: &out)
    return out + "\n"
  }

  static func document(_ report: AuditReport) -> JSONValue {
    let changes = report.models.flatMap(\.changes)
    let findings = changes.flatMap(\.findings) + report.otherFindings
    return .object([
      "schema": .string(schema),
      "generated": .string(report.generated),
      "repository": .string(report.repository),
      "filters": .object([
        "model": optional(report.modelFilter), "since": optional(report.since), "branch": optional(report.branch),
      ]),
      "commitsScanned": .int(report.commitsScanned),
      "boundary": .array(report.boundary.map(JSONValue.string)),
      "summary": .object([
        "models": .int(report.models.count),
        "changes": .int(changes.count),
        "approvals": .int(changes.reduce(0) { $0 + $1.approvals.count }),
        "approvalsCounted": .int(changes.reduce(0) { $0 + $1.approvals.filter(\.counted).count }),
        "unapproved": .int(changes.filter(\.unapproved).count),
        "runs": .int(changes.reduce(0) { $0 + $1.runs.count }),
        "errors": .int(findings.filter { $0.severity == .error }.count),
        "warnings": .int(findings.filter { $0.severity == .warning }.count),
        "bypasses": .int(report.bypasses.count),
      ]),
      "models": .array(report.models.map(model)),
      "bypasses": .array(report.bypasses.map(bypass)),
      "findings": .array(report.otherFindings.map { finding($0, commit: true) }),
      "unattributedRuns": .array(report.unattributedRuns.map { run($0, model: true) }),
    ])
  }

  static func model(_ model: AuditModel) -> JSONValue {
    .object([
      "name": .string(model.name),
      "owner": .string(model.owner),
      "latestVersion": optional(model.latestVersion),
      "paths": .array(model.paths.map(JSONValue.string)),
      "deleted": .bool(model.deleted),
      "changes": .array(model.changes.map(change)),
    ])
  }

  static func change(_ change: AuditChange) -> JSONValue {
    .object([
      "commit": .string(change.commit),
      "author": .string(change.author),
      "email": .string(change.email),
      "date": .string(AuditBuilder.isoDate(change.time)),
      "summary": .string(change.summary),
      "path": .string(change.path),
      "status": .string(change.status.rawValue),
      "blob": optional(change.blob),
      "version": .object(["old": optional(change.version.old), "new": optional(change.version.new)]),
      "renamedFrom": optional(change.renamedFrom),
      "features": .object([
        "added": .array(change.featuresAdded.map(JSONValue.string)),
        "removed": .array(change.featuresRemoved.map(JSONValue.string)),
      ]),
      "hyperparameters": .array(change.hyperparameters.map { item in
        .object(["key": .string(item.key), "old": item.old ?? .null, "new": item.new ?? .null])
      }),
      "hyperparametersError": optional(change.hyperparametersError),
      "data": .array(change.data.map { item in
        .object(["name": .string(item.name), "path": .string(item.path), "old": optional(item.old), "new": optional(item.new)])
      }),
      "review": .object([
        "needed": .bool(change.reviewNeeded), "approved": .bool(change.reviewApproved),
        "required": .int(change.reviewRequired), "approvedBy": .array(change.approvedBy.map(JSONValue.string)),
      ]),
      "approvals": .array(change.approvals.map(approval)),
      "runs": .array(change.runs.map { run($0, model: false) }),
      "findings": .array(change.findings.map { finding($0, commit: false) }),
      "bypass": .bool(change.bypass),
      "bypassRules": .array(change.bypassRules.map(JSONValue.string)),
    ])
  }

  static func approval(_ approval: AuditApproval) -> JSONValue {
    let record = approval.record
    return .object([
      "reviewer": .string(record.reviewer), "at": .string(record.at), "decision": .string(record.decision),
      "path": .string(record.path), "blob": .string(record.blob),
      "hyperparameters": optional(record.hyperparameters), "message": optional(record.message),
      "signed": .bool(approval.signed), "valid": approval.valid.map(JSONValue.bool) ?? .null,
      "counted": .bool(approval.counted), "reason": optional(approval.rejection?.rawValue),
      "reasonText": optional(approval.rejection?.description),
    ])
  }

  static func run(_ run: RunRecord, model: Bool) -> JSONValue {
    var fields: [String: JSONValue] = [
      "id": .string(run.id), "commit": .string(run.commit), "exit": .int(run.exit),
      "started": .string(run.started), "finished": .string(run.finished), "user": .string(run.user),
      "dirty": .bool(run.dirty), "metrics": .object(run.metrics.mapValues(JSONValue.double)),
    ]
    if model { fields["model"] = .string(run.model) }
    return .object(fields)
  }

  static func finding(_ finding: Finding, commit: Bool) -> JSONValue {
    var fields: [String: JSONValue] = [
      "rule": .string(finding.rule), "severity": .string(finding.severity.rawValue), "message": .string(finding.message),
      "path": .string(finding.path), "line": .int(finding.line), "column": .int(finding.column),
      "hint": optional(finding.hint),
    ]
    if commit { fields["commit"] = optional(finding.commit) }
    return .object(fields)
  }

  static func bypass(_ bypass: AuditBypass) -> JSONValue {
    .object([
      "commit": .string(bypass.commit), "author": .string(bypass.author), "email": .string(bypass.email),
      "date": .string(AuditBuilder.isoDate(bypass.time)), "summary": .string(bypass.summary),
      "rules": .array(bypass.rules.map(JSONValue.string)), "paths": .array(bypass.paths.map(JSONValue.string)),
      "models": .array(bypass.models.map(JSONValue.string)),
    ])
  }

  static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

  /// Indented JSON, keys sorted; scalars as the canonical form writes them.
  static func write(_ value: JSONValue, indent: Int, into out: inout String) {
    let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
    switch value {
    case .array(let items) where !items.isEmpty:
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        write(item, indent: indent + 1, into: &out)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += close + "]"
    case .object(let members) where !members.isEmpty:
      out += "{\n"
      let keys = members.keys.sorted()
      for (i, key) in keys.enumerated() {
        out += pad
        quote(key, into: &out)
        out += ": "
        if let member = members[key] { write(member, indent: indent + 1, into: &out) }
        out += i + 1 < keys.count ? ",\n" : "\n"
      }
      out += close + "}"
    case .string(let text):
      quote(text, into: &out)
    case .int(let number):
      out += String(number)
    case .bool(let flag):
      out += flag ? "true" : "false"
    case .null:
      out += "null"
    default:
      out += value.canonical
    }
  }

  /// A JSON string literal; text that needs no escaping (nearly all) is copied whole.
  static func quote(_ text: String, into out: inout String) {
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
      out += "\""
      out += text
      out += "\""
    } else {
      out += JSONValue.string(text).canonical
    }
  }
}

/// `mlgit audit` as text: a block per model, a line per change with indented details.
enum AuditText {
  static func render(_ report: AuditReport) -> String {
    var out = ""
    let changes = report.models.flatMap(\.changes)
    let runs = changes.reduce(0) { $0 + $1.runs.count }
    out += "mlgit audit: \(count(report.models.count, "model")), \(count(changes.count, "change")), "
    out += "\(count(runs, "run")), \(count(report.bypasses.count, "bypass", "bypasses")) "
    out += "(\(count(report.commitsScanned, "commit")) scanned\(report.since.map { " since \($0)" } ?? ""))\n"
    for model in report.models {
      out += "\n\(model.name)"
      var facts: [String] = []
      if !model.owner.isEmpty { facts.append("owner \(model.owner)") }
      if let version = model.latestVersion { facts.append("latest \(version)") }
      if model.deleted { facts.append("deleted") }
      facts.append(model.paths.joined(separator: ", "))
      out += " (\(facts.joined(separator: "; ")))\n"
      for change in model.changes { out += line(change) }
    }
    if !report.bypasses.isEmpty {
      out += "\nbypasses: commits the hooks would have refused (--no-verify, rebase, tools that run no hooks):\n"
      for bypass in report.bypasses {
        out += "  \(bypass.commit.prefix(8)) \(AuditBuilder.isoDate(bypass.time).prefix(10)) \(bypass.author) <\(bypass.email)>: "
        out += "\(bypass.paths.joined(separator: ", ")) [\(bypass.rules.joined(separator: ", "))]\n"
      }
    }
    if !report.otherFindings.isEmpty {
      out += "\nother findings (files that are not specs):\n"
      for finding in report.otherFindings {
        out += "  \((finding.commit ?? "").prefix(8)): \(finding.path):\(finding.line):\(finding.column): "
        out += "\(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
      }
    }
    if !report.unattributedRuns.isEmpty {
      out += "\nruns no listed spec change accounts for: \(report.unattributedRuns.count)\n"
    }
    if !report.boundary.isEmpty {
      out += "\nnot judged (parent not in this shallow clone): \(report.boundary.map { String($0.prefix(8)) }.joined(separator: ", "))\n"
    }
    return out
  }

  static func line(_ change: AuditChange) -> String {
    var out = "  \(AuditBuilder.isoDate(change.time).prefix(10)) \(change.commit.prefix(8)) \(change.author) <\(change.email)> "
    out += "\(versionText(change))"
    if change.bypass { out += "  BYPASS [\(change.bypassRules.joined(separator: ", "))]" }
    out += "\n      \(change.summary)\n"
    if let renamed = change.renamedFrom { out += "      renamed from: \(renamed)\n" }
    if !change.featuresAdded.isEmpty || !change.featuresRemoved.isEmpty {
      out += "      features: \((change.featuresAdded.map { "+\($0)" } + change.featuresRemoved.map { "-\($0)" }).joined(separator: " "))\n"
    }
    if change.status == .modified {
      for item in change.hyperparameters {
        out += "      hyperparameter \(item.key): \(value(item.old)) -> \(value(item.new))\n"
      }
    }
    if let error = change.hyperparametersError { out += "      hyperparameters unreadable: \(error)\n" }
    for item in change.data {
      out += "      data \(item.name) (\(item.path)): \(hash(item.old)) -> \(hash(item.new))\n"
    }
    if change.reviewNeeded || !change.approvals.isEmpty {
      let approvals = change.approvals.map { approval in
        "\(approval.reviewer) at \(approval.at) (\(signature(approval)); "
          + "\(approval.rejection.map { "not counted: \($0)" } ?? "counted"))"
      }
      let state = change.reviewNeeded ? (change.reviewApproved ? "approved" : "NOT APPROVED") : "approvals"
      out += "      \(state): \(approvals.isEmpty ? "none" : approvals.joined(separator: "; "))\n"
    }
    for run in change.runs {
      let metrics = run.metrics.keys.sorted().map { "\($0) \(number(run.metrics[$0] ?? 0))" }.joined(separator: ", ")
      out += "      run \(run.id) on \(run.commit.prefix(8)): exit \(run.exit)\(metrics.isEmpty ? "" : ", \(metrics)")\n"
    }
    for finding in change.findings {
      out += "      \(finding.severity.rawValue): \(finding.path):\(finding.line):\(finding.column): \(finding.message) [\(finding.rule)]\n"
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
      let old = change.version.old ?? "?", new = change.version.new ?? "?"
      return old == new ? "\(new) (version unchanged)" : "\(old) -> \(new)"
    }
  }

  static func value(_ value: JSONValue?) -> String { value?.canonical ?? "(absent)" }
  static func hash(_ hash: String?) -> String { hash.map { String($0.prefix(12)) } ?? "(none)" }

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }

  static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
  }
}
