import MLPolicy
import MLSpec

/// `mlgit policy list` and `mlgit policy show` as text, and as JSON: `mlgit.policy-list/1`
/// and `mlgit.policy-show/1` (docs/policy.md lists every field).
public enum PolicyListing {
  public struct List: Encodable {
    var schema = "mlgit.policy-list/1"
    /// What the text's first line says: `default + .mlgit/config.yml (from HEAD)`.
    var source: String
    /// The packs and files the policy is made of, in order.
    var sources: [String]
    var rules: [Rule]
  }

  public struct Rule: Encodable {
    var id: String
    /// In force.
    var severity: String
    var defaultSeverity: String
    var summary: String
    /// True for a team's own rule, declared in the config or a pack it extends.
    var team: Bool
    /// A team rule: the file that declares it and the line; nil for mlgit's rules.
    var declaredIn: String?
    var line: Int?
    /// A team rule's `message` option, which its findings carry.
    var message: String?

    enum CodingKeys: String, CodingKey { case id, severity, defaultSeverity, summary, team, declaredIn, line, message }
    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(severity, forKey: .severity)
      try container.encode(defaultSeverity, forKey: .defaultSeverity)
      try container.encode(summary, forKey: .summary)
      try container.encode(team, forKey: .team)
      // null, never absent: every rule has the same keys.
      try container.encode(declaredIn, forKey: .declaredIn)
      try container.encode(line, forKey: .line)
      try container.encode(message, forKey: .message)
    }
  }

  public static func document(_ policy: EffectivePolicy, source: String) -> List {
    var rules = RuleRegistry.builtInRules.map { rule in
      let d = type(of: rule).description
      return Rule(
        id: d.id, severity: policy.severity(of: d.id).rawValue, defaultSeverity: d.defaultSeverity.rawValue,
        summary: d.summary, team: false)
    }
    for rule in policy.teamRules {
      rules.append(
        Rule(
          id: rule.id, severity: policy.severity(of: rule.id).rawValue, defaultSeverity: Severity.error.rawValue,
          summary: rule.check.summary, team: true, declaredIn: rule.source, line: rule.location.line,
          message: policy.option(rule.id, "message")?.string))
    }
    return List(source: source, sources: policy.sources, rules: rules)
  }

  public struct Show: Encodable {
    var schema = "mlgit.policy-show/1"
    var source: String
    var sources: [String]
    var specs: [String]
    var data: [String]
    var protectedBranches: [String]
    /// Empty: anyone but the author may approve.
    var reviewers: [String]
    var requireSignedReviews: Bool
    var rules: [Setting]
    var exceptions: [Exception]
  }

  public struct Setting: Encodable {
    var id: String
    var severity: String
    /// The rule's options in force besides severity, as the config gives them.
    var options: [String: EncodableJSONValue]
  }

  public struct Exception: Encodable {
    var model: String
    var feature: String
    var justification: String
  }

  public static func shown(_ policy: EffectivePolicy, source: String) -> Show {
    let ids = RuleRegistry.builtInRules.map(\.id) + policy.teamRules.map(\.id)
    return Show(
      source: source, sources: policy.sources, specs: policy.specGlobs.globs.map(\.pattern),
      data: policy.dataGlobs.globs.map(\.pattern), protectedBranches: policy.protectedBranches,
      reviewers: policy.reviewers,
      requireSignedReviews: policy.requireSignedReviews,
      rules: ids.map { id in
        Setting(
          id: id, severity: policy.severity(of: id).rawValue,
          options: (policy.settings[id]?.options ?? [:]).mapValues { EncodableJSONValue(JSONValue($0)) })
      },
      exceptions: policy.allowances.map {
        Exception(model: $0.model, feature: $0.feature, justification: $0.justification)
      })
  }

  /// `policy list` as text: the source, then every rule with its severity in force and
  /// its summary (a team rule's with its message and the file that declares it).
  public static func listText(_ policy: EffectivePolicy, source: String, style: TextStyle) -> String {
    var out = "policy in force: \(source)\n"
    let width = (RuleRegistry.builtInRules.map(\.id) + policy.teamRules.map(\.id)).map(\.count).max() ?? 20
    // Padded, then painted: the escape sequences take no column.
    func columns(_ id: String, _ severity: Severity) -> String {
      let padded = TextColumns.pad(severity.rawValue, to: 7)
      let painted = style.paint(severity.rawValue, Self.style(of: severity)) + padded.dropFirst(severity.rawValue.count)
      return "\(TextColumns.pad(id, to: width))  \(painted)"
    }
    for rule in RuleRegistry.builtInRules {
      let d = type(of: rule).description
      out += "\(columns(d.id, policy.severity(of: d.id)))  \(d.summary)\n"
    }
    for rule in policy.teamRules {
      let summary =
        "\(policy.option(rule.id, "message")?.string.map { "\($0): " } ?? "")\(rule.check.summary) (team rule, \(rule.source))"
      out += "\(columns(TerminalText.escape(rule.id), policy.severity(of: rule.id)))  \(TerminalText.escape(summary))\n"
    }
    return out
  }

  /// `policy show` as text: the globs, branches, reviewers, each rule's severity and
  /// options in force, and the exceptions.
  public static func showText(_ policy: EffectivePolicy, source: String) -> String {
    var lines = ["policy in force: \(source)"]
    lines.append(TerminalText.escape("specs: \(policy.specGlobs.globs.map(\.pattern).joined(separator: ", "))"))
    lines.append(TerminalText.escape("data: \(policy.dataGlobs.globs.map(\.pattern).joined(separator: ", "))"))
    lines.append(TerminalText.escape("protected branches: \(policy.protectedBranches.joined(separator: ", "))"))
    lines.append(
      TerminalText.escape(
        "reviewers: \(policy.reviewers.isEmpty ? "anyone but the author" : policy.reviewers.joined(separator: ", "))"))
    lines.append("signed reviews required: \(policy.requireSignedReviews ? "yes" : "no")")
    lines.append("rules:")
    for id in RuleRegistry.builtInRules.map(\.id) + policy.teamRules.map(\.id) {
      var line = "  \(id): \(policy.severity(of: id).rawValue)"
      let options = policy.settings[id]?.options ?? [:]
      if !options.isEmpty {
        line +=
          " {"
          + options.sorted { $0.key < $1.key }.map { "\($0.key): \(JSONValue($0.value).canonical)" }.joined(
            separator: ", ") + "}"
      }
      lines.append(TerminalText.escape(line))
    }
    for allowance in policy.allowances {
      lines.append(
        TerminalText.escape(
          "exception: feature '\(allowance.feature)' allowed for model '\(allowance.model)': \(allowance.justification)"
        ))
    }
    return lines.map { $0 + "\n" }.joined()
  }

  /// How `policy list` paints a severity.
  static func style(of severity: Severity) -> TextStyle.Style {
    switch severity {
    case .error: return .error
    case .warning: return .warning
    case .note: return .note
    case .off: return .faint
    }
  }
}
