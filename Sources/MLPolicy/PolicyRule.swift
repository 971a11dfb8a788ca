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
  public func finding(
    _ message: String, path: String, at location: SourceLocation, in context: PolicyContext,
    hint: String? = nil
  ) -> Finding {
    Finding(
      rule: Self.description.id, severity: context.severity(of: Self.description.id), message: message,
      path: path, location: location, hint: hint)
  }
}

/// The rules mlgit knows, in the order `mlgit policy list` prints them.
public enum RuleRegistry {
  public static let builtInRules: [any PolicyRule] = [
    SpecSchemaRule(),
    SpecVersionBumpRule(),
    FeaturesProtectedRule(),
    FeaturesProxyRule(),
    DataProtectedColumnsRule(),
    DataSchemaRule(),
    RunsRequiredRule(),
    MetricsThresholdRule(),
    MetricsSlicesRule(),
    MetricsFairnessRule(),
    MetricsBaselineRule(),
    MetricsRegressionRule(),
    RunsCleanTreeRule(),
    RunsSeedRule(),
    RunsBudgetRule(),
    RunsStaleRule(),
    RunsReproducedRule(),
    HyperparametersReviewRule(),
    PolicyReviewRule(),
    CommitsSignedRule(),
  ]

  public static func rule(id: String) -> (any PolicyRule)? {
    byID[id]
  }

  /// The rules by id: `EffectivePolicy.severity(of:)` asks for every rule of every commit
  /// of a history check, and building descriptions to compare ids showed in profiles.
  /// Built at its full size with one lookup per rule (growing it and looking each id up
  /// twice was half its cost in a hook).
  private static let byID: [String: any PolicyRule] = Dictionary(
    builtInRules.map { (type(of: $0).description.id, $0) }, uniquingKeysWith: { first, _ in first })

  /// A built-in rule's default severity (nil: no such rule), without building its
  /// description (examples and all) on each call.
  public static func defaultSeverity(of id: String) -> Severity? { defaultSeverities[id] }

  private static let defaultSeverities: [String: Severity] = byID.mapValues {
    type(of: $0).description.defaultSeverity
  }
}

/// Runs the rules in force on a change.
public struct PolicyEngine: Sendable {
  public let rules: [any PolicyRule]

  /// Each rule's id and dependency, read once: a history check asks for them for every
  /// rule of every commit, and each read copied the rule's whole description.
  private let ids: [String]
  private let dependencies: [RuleDependency]

  public init(rules: [any PolicyRule] = RuleRegistry.builtInRules) {
    self.rules = rules
    ids = rules.map(\.id)
    dependencies = rules.map { type(of: $0).description.dependsOn }
  }

  /// Every finding of every enabled rule, commit filled in, in stable order.
  ///
  /// With a `cache`, per-spec findings of rules that depend only on spec blobs
  /// (`RuleDescription.dependsOn`) are computed once per blob and reused; `policyKey`
  /// names the policy in force (e.g. its config blob id) so that a change of policy
  /// is never served findings judged under another.
  public func evaluate(
    _ changeSet: ChangeSet, in context: PolicyContext, cache: FindingCache? = nil,
    policyKey: String = ""
  ) -> [Finding] {
    var findings: [Finding] = []
    // Which rules run depends on the policy, the stage and the branch only: with a cache
    // (a history check), work it out once per scope rather than once per commit.
    let scope = cache?.scope(policyKey: policyKey, stage: context.stage, branch: context.branch) ?? 0
    let enabled: [Bool]
    if let cache {
      enabled = cache.enabledRules(scope: scope) {
        ids.map { context.severity(of: $0) != .off && context.applies($0) }
      }
    } else {
      enabled = ids.map { context.severity(of: $0) != .off && context.applies($0) }
    }
    // Each spec change's place in the cache, looked up once per change and kind of
    // dependency, not once per rule (hashing path and blobs for every rule showed in
    // profiles of history checks).
    var places: [(newSpec: Int?, specChange: Int?)] = []
    if let cache {
      places = changeSet.specs.map { change in
        (
          FindingCache.key(change: change, dependency: .newSpec, scope: scope).map(cache.place),
          FindingCache.key(change: change, dependency: .specChange, scope: scope).map(cache.place)
        )
      }
    }
    for (index, rule) in rules.enumerated() where enabled[index] {
      let id = ids[index]
      let dependency = dependencies[index]
      for (position, change) in changeSet.specs.enumerated() {
        let place: Int? =
          switch dependency {
          case .newSpec: places.isEmpty ? nil : places[position].newSpec
          case .specChange: places.isEmpty ? nil : places[position].specChange
          case .wholeChange: nil
          }
        if let cache, let place {
          findings += cache.findings(at: place, rule: id) { rule.evaluate(change, in: context) }
        } else {
          findings += rule.evaluate(change, in: context)
        }
      }
      findings += rule.evaluate(changeSet: changeSet, in: context)
    }
    // The team's own rules, declared by the policy in force, on every added or changed spec.
    for rule in context.policy.teamRules where context.severity(of: rule.id) != .off && context.applies(rule.id) {
      for change in changeSet.specs { findings += rule.evaluate(change, in: context) }
    }
    return
      findings
      .filter { $0.severity != .off }
      .map { finding in
        var finding = finding
        if finding.commit == nil { finding.commit = changeSet.origin.commit }
        return finding
      }
      .sorted(by: Finding.stableOrder)
  }
}

/// Findings of blob-determined rules, remembered across the commits of one history
/// check so that a spec blob seen in many commits is judged once.
public final class FindingCache {
  /// What a rule's findings on a spec change depend on besides the rule: the scope, the
  /// spec's path and its blobs (the old one only for rules that compare).
  struct Key: Hashable {
    /// The scope's number (`scope(policyKey:stage:branch:)`): hashing the policy key
    /// into every key was a third of the cache's cost.
    var scope: Int
    var path: String
    var old: String?
    var new: String?
  }

  private struct Scope: Hashable {
    var policyKey: String
    var stage: CheckStage
    var branch: String?
  }

  /// Each key's place; at each place, the findings by rule.
  private var places: [Key: Int] = [:]
  private var findingsByRule: [[String: [Finding]]] = []
  private var scopes: [Scope: Int] = [:]
  /// The scope asked for last: consecutive commits are nearly always under the same one.
  private var lastScope: (scope: Scope, number: Int)?
  private var enabled: [Int: [Bool]] = [:]

  /// The number of a scope: the policy in force (its key), the stage and the branch.
  func scope(policyKey: String, stage: CheckStage, branch: String?) -> Int {
    let scope = Scope(policyKey: policyKey, stage: stage, branch: branch)
    if let lastScope, lastScope.scope == scope { return lastScope.number }
    let number = scopes[scope] ?? scopes.count
    scopes[scope] = number
    lastScope = (scope, number)
    return number
  }

  /// The rules that run under a scope, remembered.
  func enabledRules(scope: Int, _ compute: () -> [Bool]) -> [Bool] {
    if let known = enabled[scope] { return known }
    let found = compute()
    enabled[scope] = found
    return found
  }
  /// How many evaluations were answered from the cache, and how many ran.
  public private(set) var hits = 0
  public private(set) var misses = 0

  public init() {}

  /// The place of a key, made on first use.
  func place(_ key: Key) -> Int {
    if let known = places[key] { return known }
    findingsByRule.append([:])
    places[key] = findingsByRule.count - 1
    return findingsByRule.count - 1
  }

  /// A rule's findings at a place, computed the first time they are asked for.
  func findings(at place: Int, rule: String, _ compute: () -> [Finding]) -> [Finding] {
    if let known = findingsByRule[place][rule] {
      hits += 1
      return known
    }
    misses += 1
    let found = compute()
    findingsByRule[place][rule] = found
    return found
  }

  /// The key for rules of a dependency on a spec change, or nil when the findings may
  /// depend on more than the blobs (no blob id, or hyperparameters read from another file).
  static func key(change: ModelChange, dependency: RuleDependency, scope: Int) -> Key? {
    func id(_ snapshot: SpecSnapshot?) -> String?? {
      guard let snapshot else { return .some(nil) }
      guard let blob = snapshot.blob else { return nil }
      if case .file? = snapshot.spec?.hyperparameters { return nil }
      return .some(blob)
    }
    switch dependency {
    case .newSpec:
      guard let new = id(change.new) else { return nil }
      return Key(scope: scope, path: change.path, old: nil, new: new)
    case .specChange:
      guard let old = id(change.old), let new = id(change.new) else { return nil }
      return Key(scope: scope, path: change.path, old: old, new: new)
    case .wholeChange:
      return nil
    }
  }
}
