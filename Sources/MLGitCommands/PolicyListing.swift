import Foundation
import MLGitReport
import MLPolicy
import MLSpec

/// `mlgit policy list --format json` (`mlgit.policy-list/1`) and `mlgit policy show
/// --format json` (`mlgit.policy-show/1`); docs/policy.md lists every field.
enum PolicyListing {
  struct List: Encodable {
    var schema = "mlgit.policy-list/1"
    /// What the text's first line says: `default + .mlgit/config.yml (from HEAD)`.
    var source: String
    /// The packs and files the policy is made of, in order.
    var sources: [String]
    var rules: [Rule]
  }

  struct Rule: Encodable {
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
    func encode(to encoder: Encoder) throws {
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

  static func document(_ policy: EffectivePolicy, source: String) -> List {
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

  struct Show: Encodable {
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

  struct Setting: Encodable {
    var id: String
    var severity: String
    /// The rule's options in force besides severity, as the config gives them.
    var options: [String: EncodableJSONValue]
  }

  struct Exception: Encodable {
    var model: String
    var feature: String
    var justification: String
  }

  static func shown(_ policy: EffectivePolicy, source: String) -> Show {
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
