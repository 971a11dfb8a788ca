import MLSpec

/// A policy rule: a description (whose examples are its tests) and a check.
public protocol PolicyRule: Sendable {
  static var description: RuleDescription { get }
  init()
  /// Findings for one spec change.
  func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding]
  /// Findings for the change as a whole (files that are not specs, cross-file rules).
  func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding]
  /// Extra text for `mlgit policy explain` that depends on the policy in force (lists, sources).
  func details(for policy: EffectivePolicy) -> String?
}

extension PolicyRule {
  public func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding] { [] }
  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] { [] }
  public func details(for policy: EffectivePolicy) -> String? { nil }

  /// The rule's id.
  public var id: String { Self.description.id }

  /// A finding of this rule at the severity in force.
  public func finding(_ message: String, path: String, at location: SourceLocation, in context: PolicyContext,
                      hint: String? = nil) -> Finding {
    Finding(rule: Self.description.id, severity: context.severity(of: Self.description.id), message: message,
      path: path, location: location, hint: hint)
  }
}

/// The rules mlgit knows, in the order `mlgit policy list` prints them.
public enum RuleRegistry {
  public static let builtInRules: [any PolicyRule] = [
    SpecSchemaRule(),
    SpecVersionBumpRule(),
    RunsRequiredRule(),
    MetricsThresholdRule(),
    RunsCleanTreeRule(),
    RunsSeedRule(),
  ]

  public static func rule(id: String) -> (any PolicyRule)? {
    builtInRules.first { type(of: $0).description.id == id }
  }
}

/// Runs the rules in force on a change.
public struct PolicyEngine: Sendable {
  public let rules: [any PolicyRule]

  public init(rules: [any PolicyRule] = RuleRegistry.builtInRules) { self.rules = rules }

  /// Every finding of every enabled rule, commit filled in, in stable order.
  public func evaluate(_ changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    var findings: [Finding] = []
    for rule in rules where context.severity(of: rule.id) != .off {
      for change in changeSet.specs { findings += rule.evaluate(change, in: context) }
      findings += rule.evaluate(changeSet: changeSet, in: context)
    }
    return findings
      .filter { $0.severity != .off }
      .map { finding in
        var finding = finding
        if finding.commit == nil { finding.commit = changeSet.origin.commit }
        return finding
      }
      .sorted(by: Finding.stableOrder)
  }
}
