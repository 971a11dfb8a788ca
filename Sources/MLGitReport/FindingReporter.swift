#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLGitErrors
import MLPolicy
import MLSpec

/// Writes findings in one of the formats of `mlgit check` and the hooks.
public struct FindingReporter {
  public var format: OutputFormat
  /// Colour the text format (`TextStyle`).
  public var colour: Bool
  /// mlgit's version, which SARIF names as the tool's.
  public var toolVersion: String

  public init(format: OutputFormat, colour: Bool, toolVersion: String) {
    self.format = format
    self.colour = colour
    self.toolVersion = toolVersion
  }

  public func render(_ findings: [Finding], checked: String) -> String {
    switch format {
    case .text: return text(findings, checked: checked)
    case .json: return json(findings, checked: checked)
    case .sarif: return sarif(findings)
    case .github: return github(findings, checked: checked)
    }
  }

  func paint(_ text: String, _ style: TextStyle.Style) -> String { TextStyle(enabled: colour).paint(text, style) }

  func text(_ findings: [Finding], checked: String) -> String {
    // Each line appended piece by piece: interpolated first, every line was a string of
    // its own whose one-character pieces were appended a Character at a time.
    let (error, warning, note) = (paint("error", .error), paint("warning", .warning), paint("note", .note))
    var out = ""
    for f in findings {
      if let commit = f.commit {
        out.append(contentsOf: commit.prefix(8))
        out += ": "
      }
      var place = TerminalText.escape(f.path)
      place += ":"
      place += String(f.line)
      place += ":"
      place += String(f.column)
      out += paint(place, .bold)
      out += ": "
      switch f.severity {
      case .error: out += error
      case .warning: out += warning
      case .note, .off: out += note
      }
      out += ": "
      out += TerminalText.escape(f.message)
      out += " ["
      out += f.rule
      out += "]\n"
      if let hint = f.hint {
        out += "  hint: "
        out += TerminalText.escape(hint)
        out += "\n"
      }
    }
    let errors = findings.filter { $0.severity == .error }.count
    let warnings = findings.filter { $0.severity == .warning }.count
    if !findings.isEmpty || format == .text {
      out +=
        "mlgit: \(TerminalText.escape(checked)): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
    }
    return out
  }

  /// GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=RULE::MESSAGE`
  /// a finding, which the runner turns into annotations on the pull request. Values are
  /// percent-encoded as the runner decodes them, so a message can never end the line and
  /// start a command of its own.
  func github(_ findings: [Finding], checked: String) -> String {
    func data(_ text: String) -> String {
      TerminalText.escape(text).replacingEvery("%", with: "%25")
        .replacingEvery("\r", with: "%0D").replacingEvery("\n", with: "%0A")
    }
    func property(_ text: String) -> String {
      data(text).replacingEvery(":", with: "%3A").replacingEvery(",", with: "%2C")
    }
    var out = ""
    for f in findings {
      let command: String
      switch f.severity {
      case .error: command = "error"
      case .warning: command = "warning"
      case .note, .off: command = "notice"
      }
      let commit = f.commit.map { "\(String($0.prefix(8))): " } ?? ""
      let message = data(commit + f.message) + (f.hint.map { "%0Ahint: " + data($0) } ?? "")
      out +=
        "::\(command) file=\(property(f.path)),line=\(max(1, f.line)),col=\(max(1, f.column)),title=\(property(f.rule))::\(message)\n"
    }
    let errors = findings.filter { $0.severity == .error }.count
    let warnings = findings.filter { $0.severity == .warning }.count
    out +=
      "mlgit: \(TerminalText.escape(checked)): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
    return out
  }

  /// SARIF's partialFingerprints: the same finding keeps its fingerprint when lines move
  /// above it, so code scanning tracks it instead of closing one alert and opening another.
  static func fingerprint(_ f: Finding) -> String {
    SHA256Digest.hex("\(f.rule)\u{0}\(f.path)\u{0}\(f.message)")
  }

  func json(_ findings: [Finding], checked: String) -> String {
    FindingReporter.serialize(
      FindingDocuments.Findings(
        checked: checked,
        errors: findings.filter { $0.severity == .error }.count,
        warnings: findings.filter { $0.severity == .warning }.count,
        findings: findings.map { f in
          FindingDocuments.Item(
            rule: f.rule, severity: f.severity.rawValue, path: f.path, line: f.line, column: f.column,
            message: f.message, commit: f.commit, hint: f.hint)
        }))
  }

  func sarif(_ findings: [Finding]) -> String {
    typealias SARIF = FindingDocuments
    let rules = RuleRegistry.builtInRules.map { type(of: $0).description }
    var ruleObjects: [SARIF.Rule] = rules.map { d in
      SARIF.Rule(
        id: d.id, name: d.id, shortDescription: SARIF.Text(text: d.summary),
        fullDescription: SARIF.Text(text: d.rationale),
        help: SARIF.Help(
          text: "\(d.summary)\n\n\(d.rationale)\n\nOptions and examples: mlgit policy explain \(d.id)",
          markdown: "**\(d.summary)**\n\n\(d.rationale)\n\nOptions and examples: `mlgit policy explain \(d.id)`"),
        defaultConfiguration: SARIF.Configuration(level: FindingReporter.sarifLevel(d.defaultSeverity)))
    }
    var ids = rules.map(\.id)
    // A team's own rules, declared in the repository's policy, are described by the findings that name them.
    for id in Set(findings.map(\.rule)).subtracting(ids).sorted() where TeamRule.prefix(of: id) != nil {
      ids.append(id)
      ruleObjects.append(
        SARIF.Rule(
          id: id, name: id, shortDescription: SARIF.Text(text: "team rule \(id), declared in the repository's policy"),
          help: SARIF.Help(text: "mlgit policy explain \(id)"),
          defaultConfiguration: SARIF.Configuration(level: FindingReporter.sarifLevel(.error))))
    }
    let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    let results: [SARIF.Result] = findings.map { f in
      SARIF.Result(
        ruleId: f.rule, ruleIndex: index[f.rule],
        partialFingerprints: ["mlgitFinding/v1": FindingReporter.fingerprint(f)],
        level: FindingReporter.sarifLevel(f.severity),
        message: SARIF.Text(text: f.hint.map { "\(f.message). Hint: \($0)" } ?? f.message),
        locations: [
          SARIF.Location(
            physicalLocation: SARIF.PhysicalLocation(
              artifactLocation: SARIF.ArtifactLocation(
                uri: URLPath.percentEncoded(f.path)),
              region: SARIF.Region(startLine: max(1, f.line), startColumn: max(1, f.column))))
        ],
        properties: f.commit.map { SARIF.Properties(commit: $0) })
    }
    return FindingReporter.serialize(
      SARIF.SARIF(
        runs: [
          SARIF.Run(tool: SARIF.Tool(driver: SARIF.Driver(version: toolVersion, rules: ruleObjects)), results: results)
        ]
      ))
  }

  static func sarifLevel(_ severity: Severity) -> String {
    switch severity {
    case .error: return "error"
    case .warning: return "warning"
    case .note, .off: return "note"
    }
  }

  /// Written by `SortedJSON` (JSONEncoder, keys sorted); `{}` should encoding fail, which
  /// it does only for a number JSON cannot hold, and these documents have none.
  static func serialize<Document: Encodable>(_ document: Document) -> String {
    guard let bytes = try? SortedJSON.encode(document) else { return "{}\n" }
    return String(decoding: bytes, as: UTF8.self)
  }
}
