import Foundation
import GitKit
import MLPolicy
import MLSpec

/// `mlgit audit --format json`: the `mlgit.audit/1` document (every field is described
/// in the README). Keys are sorted and the layout is fixed, so two audits of the same
/// history differ only in `generated`.
enum AuditJSON {
  static let schema = "mlgit.audit/1"

  static func render(_ report: AuditReport) throws -> [UInt8] {
    var out = PrettyJSON()
    try document(report, into: &out)
    return out.bytes + [10]
  }

  // Each object's keys are written in sorted order (as Swift sorts Strings), by hand:
  // the document is streamed from the report, never built as a JSON value.

  static func document(_ report: AuditReport, into out: inout PrettyJSON) throws {
    let changes = report.models.flatMap(\.changes)
    try out.object { out in
      out.key("boundary")
      out.array(report.boundary) { $0.string($1) }
      out.key("bypasses")
      out.array(report.bypasses) { bypass($1, into: &$0) }
      out.field("commitsScanned", report.commitsScanned)
      out.key("filters")
      out.object { out in
        out.field("branch", report.branch)
        out.field("model", report.modelFilter)
        out.field("since", report.since)
      }
      out.key("findings")
      out.array(report.otherFindings) { finding($1, commit: true, into: &$0) }
      out.field("generated", report.generated)
      out.key("models")
      try out.array(halvesOf: report.models) { model($1, into: &$0) }
      out.field("repository", report.repository)
      out.field("schema", schema)
      out.key("summary")
      out.object { out in
        let findings = changes.flatMap(\.findings) + report.otherFindings
        out.field("approvals", changes.reduce(0) { $0 + $1.approvals.count })
        out.field("approvalsCounted", changes.reduce(0) { $0 + $1.approvals.filter(\.counted).count })
        out.field("bypasses", report.bypasses.count)
        out.field("changes", changes.count)
        out.field("errors", findings.filter { $0.severity == .error }.count)
        out.field("models", report.models.count)
        out.field("runs", changes.reduce(0) { $0 + $1.runs.count })
        out.field("unapproved", changes.filter(\.unapproved).count)
        out.field("warnings", findings.filter { $0.severity == .warning }.count)
      }
      out.key("unattributedRuns")
      out.array(report.unattributedRuns) { run($1, model: true, into: &$0) }
    }
  }

  static func model(_ model: AuditModel, into out: inout PrettyJSON) {
    out.object { out in
      out.key("changes")
      out.array(model.changes) { change($1, into: &$0) }
      out.field("deleted", model.deleted)
      out.field("latestVersion", model.latestVersion)
      out.field("name", model.name)
      out.field("owner", model.owner)
      out.key("paths")
      out.array(model.paths) { $0.string($1) }
    }
  }

  static func change(_ change: AuditChange, into out: inout PrettyJSON) {
    out.object { out in
      out.key("approvals")
      out.array(change.approvals) { approval($1, into: &$0) }
      out.field("author", change.author)
      out.field("blob", change.blob)
      out.field("bypass", change.bypass)
      out.key("bypassRules")
      out.array(change.bypassRules) { $0.string($1) }
      out.field("commit", change.commit)
      out.key("data")
      out.array(change.data) { out, item in
        out.object { out in
          out.field("name", item.name)
          out.field("new", item.new)
          out.field("old", item.old)
          out.field("path", item.path)
        }
      }
      out.field("date", AuditBuilder.isoDate(change.time))
      out.field("email", change.email)
      out.key("features")
      out.object { out in
        out.key("added")
        out.array(change.featuresAdded) { $0.string($1) }
        out.key("removed")
        out.array(change.featuresRemoved) { $0.string($1) }
      }
      out.key("findings")
      out.array(change.findings) { finding($1, commit: false, into: &$0) }
      out.key("hyperparameters")
      out.array(change.hyperparameters) { out, item in
        out.object { out in
          out.field("key", item.key)
          out.key("new")
          out.value(item.new ?? .null)
          out.key("old")
          out.value(item.old ?? .null)
        }
      }
      out.field("hyperparametersError", change.hyperparametersError)
      out.field("path", change.path)
      out.field("renamedFrom", change.renamedFrom)
      out.key("review")
      out.object { out in
        out.field("approved", change.reviewApproved)
        out.key("approvedBy")
        out.array(change.approvedBy) { $0.string($1) }
        out.field("needed", change.reviewNeeded)
        out.field("required", change.reviewRequired)
      }
      out.key("runs")
      out.array(change.runs) { run($1, model: false, into: &$0) }
      out.field("status", change.status.rawValue)
      out.field("summary", change.summary)
      out.key("version")
      out.object { out in
        out.field("new", change.version.new)
        out.field("old", change.version.old)
      }
    }
  }

  static func approval(_ approval: AuditApproval, into out: inout PrettyJSON) {
    let record = approval.record
    out.object { out in
      out.field("at", record.at)
      out.field("blob", record.blob)
      out.field("counted", approval.counted)
      out.field("decision", record.decision)
      out.field("hyperparameters", record.hyperparameters)
      out.field("message", record.message)
      out.field("path", record.path)
      out.field("reason", approval.rejection?.rawValue)
      out.field("reasonText", approval.rejection?.description)
      out.field("reviewer", record.reviewer)
      out.field("signed", approval.signed)
      out.key("valid")
      if let valid = approval.valid { out.bool(valid) } else { out.null() }
    }
  }

  static func run(_ run: RunRecord, model: Bool, into out: inout PrettyJSON) {
    out.object { out in
      out.field("commit", run.commit)
      out.field("dirty", run.dirty)
      out.field("exit", run.exit)
      out.field("finished", run.finished)
      out.field("id", run.id)
      out.key("metrics")
      out.object { out in
        for name in run.metrics.keys.sorted() {
          out.key(text: name)
          out.double(run.metrics[name] ?? 0)
        }
      }
      if model { out.field("model", run.model) }
      out.field("started", run.started)
      out.field("user", run.user)
    }
  }

  static func finding(_ finding: Finding, commit: Bool, into out: inout PrettyJSON) {
    out.object { out in
      out.field("column", finding.column)
      if commit { out.field("commit", finding.commit) }
      out.field("hint", finding.hint)
      out.field("line", finding.line)
      out.field("message", finding.message)
      out.field("path", finding.path)
      out.field("rule", finding.rule)
      out.field("severity", finding.severity.rawValue)
    }
  }

  static func bypass(_ bypass: AuditBypass, into out: inout PrettyJSON) {
    out.object { out in
      out.field("author", bypass.author)
      out.field("commit", bypass.commit)
      out.field("date", AuditBuilder.isoDate(bypass.time))
      out.field("email", bypass.email)
      out.key("models")
      out.array(bypass.models) { $0.string($1) }
      out.key("paths")
      out.array(bypass.paths) { $0.string($1) }
      out.key("rules")
      out.array(bypass.rules) { $0.string($1) }
      out.field("summary", bypass.summary)
    }
  }
}

/// Indented JSON (two spaces a level, `[]` and `{}` when empty) written as it goes,
/// into bytes: the caller gives each object's keys in sorted order.
struct PrettyJSON {
  private(set) var bytes: [UInt8] = []
  private var depth = 0
  /// The container just opened has no member yet.
  private var empty = false

  mutating func object(_ body: (inout PrettyJSON) throws -> Void) rethrows {
    open(UInt8(ascii: "{"))
    try body(&self)
    close(UInt8(ascii: "}"))
  }

  /// `array(items, body)`, the second half written on another thread: a large history's
  /// report holds megabytes of models.
  mutating func array<Item>(halvesOf items: [Item], _ body: @escaping (inout PrettyJSON, Item) -> Void) throws {
    guard items.count >= 2 else { return array(items, body) }
    let half = items.count / 2
    open(UInt8(ascii: "["))
    var second = PrettyJSON()
    (second.depth, second.empty) = (depth, false)  // as if after the first half
    var written: [UInt8] = []
    try ReadAhead.run(produce: { [second] yield in
      var part = second
      for item in items[half...] {
        part.member()
        body(&part, item)
      }
      try yield(part.bytes)
    }, meanwhile: {
      for item in items[..<half] {
        member()
        body(&self, item)
      }
    }, consume: { written = $0 })
    bytes.append(contentsOf: written)
    empty = false
    close(UInt8(ascii: "]"))
  }

  mutating func array<Items: Sequence>(_ items: Items, _ body: (inout PrettyJSON, Items.Element) -> Void) {
    open(UInt8(ascii: "["))
    for item in items {
      member()
      body(&self, item)
    }
    close(UInt8(ascii: "]"))
  }

  /// An object's next key (a plain name, written as it is); its value follows.
  mutating func key(_ name: StaticString) {
    member()
    bytes.append(0x22)
    raw(name)
    raw("\": ")
  }

  /// An object's next key, from data (a metric's name, say).
  mutating func key(text name: String) {
    member()
    string(name)
    raw(": ")
  }

  mutating func field(_ name: StaticString, _ text: String?) {
    key(name)
    if let text { string(text) } else { null() }
  }

  mutating func field(_ name: StaticString, _ number: Int) {
    key(name)
    bytes.appendDecimal(number)
  }

  mutating func field(_ name: StaticString, _ flag: Bool) {
    key(name)
    bool(flag)
  }

  /// A string literal; text that needs no escaping (nearly all) is copied whole.
  mutating func string(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
        bytes.append(contentsOf: JSONValue.string(String(decoding: utf8, as: UTF8.self)).canonical.utf8)
        return
      }
      bytes.append(0x22)
      bytes.append(contentsOf: utf8)
      bytes.append(0x22)
    }
  }

  mutating func bool(_ flag: Bool) { if flag { raw("true") } else { raw("false") } }
  mutating func null() { raw("null") }
  mutating func double(_ number: Double) { bytes.append(contentsOf: JSONValue.double(number).canonical.utf8) }

  /// Any value, objects with their keys sorted; scalars as the canonical form writes them.
  mutating func value(_ value: JSONValue) {
    switch value {
    case .array(let items): array(items) { $0.value($1) }
    case .object(let members):
      object { out in
        for name in members.keys.sorted() {
          out.key(text: name)
          out.value(members[name] ?? .null)
        }
      }
    case .string(let text): string(text)
    default: bytes.append(contentsOf: value.canonical.utf8)
    }
  }

  private mutating func open(_ bracket: UInt8) {
    bytes.append(bracket)
    depth += 1
    empty = true
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    if !empty { newline() }
    bytes.append(bracket)
    empty = false
  }

  /// Before each member of the open container: the comma after the last one, a new line.
  private mutating func member() {
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    newline()
  }

  private mutating func newline() {
    bytes.append(10)
    var spaces = 2 * depth
    while spaces > 0 {
      let run = min(spaces, PrettyJSON.spaces.utf8CodeUnitCount)
      bytes.append(contentsOf: UnsafeBufferPointer(start: PrettyJSON.spaces.utf8Start, count: run))
      spaces -= run
    }
  }

  /// Literal text: appended as bytes (a String literal's UTF-8 view is appended byte by byte).
  private mutating func raw(_ text: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  private static let spaces: StaticString = "                                                                "
}

/// `mlgit audit` as text: a block per model, a line per change with indented details.
enum AuditText {
  static func render(_ report: AuditReport) -> String {
    var out = ""
    let changes = report.models.flatMap(\.changes)
    let runs = changes.reduce(0) { $0 + $1.runs.count }
    out += "mlgit audit: \(count(report.models.count, "model")), \(count(changes.count, "change")), "
    out += "\(count(runs, "run")), \(count(report.bypasses.count, "bypass", "bypasses")) "
    out += "(\(count(report.commitsScanned, "commit")) scanned\(report.since.map { " since \(TerminalText.escape($0))" } ?? ""))\n"
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
        out += TerminalText.escape("  \(bypass.commit.prefix(8)) \(AuditBuilder.isoDate(bypass.time).prefix(10)) \(bypass.author) <\(bypass.email)>: "
          + "\(bypass.paths.joined(separator: ", ")) [\(bypass.rules.joined(separator: ", "))]") + "\n"
      }
    }
    if !report.otherFindings.isEmpty {
      out += "\nother findings (files that are not specs):\n"
      for finding in report.otherFindings {
        out += TerminalText.escape("  \((finding.commit ?? "").prefix(8)): \(finding.path):\(finding.line):\(finding.column): "
          + "\(finding.severity.rawValue): \(finding.message) [\(finding.rule)]") + "\n"
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
    // Each line is escaped whole: everything on it but the literals comes from commits and notes.
    let shown = { (line: String) in TerminalText.escape(line) + "\n" }
    var head = "  \(AuditBuilder.isoDate(change.time).prefix(10)) \(change.commit.prefix(8)) \(change.author) <\(change.email)> "
    head += "\(versionText(change))"
    if change.bypass { head += "  BYPASS [\(change.bypassRules.joined(separator: ", "))]" }
    var out = shown(head) + shown("      \(change.summary)")
    if let renamed = change.renamedFrom { out += shown("      renamed from: \(renamed)") }
    if !change.featuresAdded.isEmpty || !change.featuresRemoved.isEmpty {
      out += shown("      features: \((change.featuresAdded.map { "+\($0)" } + change.featuresRemoved.map { "-\($0)" }).joined(separator: " "))")
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
      let metrics = run.metrics.keys.sorted().map { "\($0) \(number(run.metrics[$0] ?? 0))" }.joined(separator: ", ")
      out += shown("      run \(run.id) on \(run.commit.prefix(8)): exit \(run.exit)\(metrics.isEmpty ? "" : ", \(metrics)")")
    }
    for finding in change.findings {
      out += shown("      \(finding.severity.rawValue): \(finding.path):\(finding.line):\(finding.column): \(finding.message) [\(finding.rule)]")
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
