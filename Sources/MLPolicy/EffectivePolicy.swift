import Foundation
import MLSpec

/// The policy in force: shipped packs overlaid by the repository's config.
public struct EffectivePolicy: Sendable {
  /// The chain that produced it, oldest first: "default", "strict", ".mlgit/config.yml".
  public private(set) var sources: [String] = []
  public var specGlobs = GlobSet(["models/**/*.yaml", "models/**/*.yml", "models/**/*.json"])
  public var dataGlobs = GlobSet(["data/**/*.csv", "data/**/*.tsv"])
  public var protectedBranches: [String] = ["main"]
  public var reviewers: [String] = []
  public var settings: [String: RuleSetting] = [:]
  public var protectedAttributes: [String: [String]] = [:] { didSet { matcherBox = MatcherBox() } }
  public var proxies: [String: [String]] = [:] { didSet { matcherBox = MatcherBox() } }
  /// The attribute matcher built from the two lists above, once per policy value
  /// (a history check asks for it once per commit).
  var matcherBox = MatcherBox()
  public var legalSources: [String: String] = [:]
  public var allowances: [FeatureAllowance] = []
  public var requireSignedReviews = false
  public var syncOnPush = false

  public init() {}

  /// The built-in `default` pack alone: what applies with no `.mlgit/config.yml`.
  public static func builtIn() throws -> EffectivePolicy {
    var policy = EffectivePolicy()
    try policy.apply(pack: "default", path: "policies/default.yaml", seen: [])
    return policy
  }

  /// The policy for a repository whose config has this content (nil: no config).
  public static func load(config: Data?, path: String = ".mlgit/config.yml") throws -> EffectivePolicy {
    guard let config else { return try builtIn() }
    let document: PolicyDocument
    do {
      document = try PolicyDocument.parse(config)
    } catch let error as DocumentError {
      throw PolicyLoadError(path: path, error: error)
    }
    var policy = EffectivePolicy()
    let parents = document.extends.isEmpty ? ["default"] : document.extends
    for pack in parents {
      do {
        try policy.apply(pack: pack, path: path, seen: [])
      } catch let error as DocumentError {
        let at = document.root?.keyNode("extends")?.location ?? .start
        throw PolicyLoadError(path: path, error: DocumentError(error.message, at: at, hint: error.hint))
      }
    }
    try EffectivePolicy.validateRuleSettings(document, path: path)
    policy.overlay(document, source: path)
    return policy
  }

  mutating func apply(pack name: String, path: String, seen: Set<String>) throws {
    guard !seen.contains(name) else {
      throw DocumentError("policy packs extend each other in a cycle through '\(name)'")
    }
    guard let text = ShippedPacks.files[name] else {
      throw DocumentError("unknown policy pack '\(name)'",
        hint: "shipped packs: \(ShippedPacks.files.keys.sorted().joined(separator: ", "))")
    }
    let document: PolicyDocument
    do {
      document = try PolicyDocument.parse(Data(text.utf8))
    } catch let error as DocumentError {
      throw PolicyLoadError(path: "policies/\(name).yaml", error: error)
    }
    try EffectivePolicy.validateRuleSettings(document, path: "policies/\(name).yaml")
    for parent in document.extends { try apply(pack: parent, path: path, seen: seen.union([name])) }
    if sources.contains(name) { return }
    overlay(document, source: name)
  }

  mutating func overlay(_ document: PolicyDocument, source: String) {
    sources.append(source)
    if let specs = document.specs { specGlobs = GlobSet(specs) }
    if let data = document.data { dataGlobs = GlobSet(data) }
    if let branches = document.protectedBranches { protectedBranches = branches }
    if let reviewers = document.reviewers { self.reviewers = reviewers }
    for (id, setting) in document.rules {
      var merged = settings[id] ?? RuleSetting(severity: nil)
      if let severity = setting.severity { merged.severity = severity }
      merged.options.merge(setting.options) { $1 }
      merged.location = setting.location
      settings[id] = merged
    }
    for (category, names) in document.protectedAttributes {
      protectedAttributes[category, default: []] += names
    }
    for (category, names) in document.proxies { proxies[category, default: []] += names }
    legalSources.merge(document.sources) { $1 }
    allowances += document.allowances
    if let signed = document.requireSignedReviews { requireSignedReviews = signed }
    if let sync = document.syncOnPush { syncOnPush = sync }
  }

  /// The severity a rule runs at: the config's, else the rule's default.
  public func severity(of rule: String) -> Severity {
    if let severity = settings[rule]?.severity { return severity }
    return RuleRegistry.rule(id: rule).map { type(of: $0).description.defaultSeverity } ?? .off
  }

  /// A rule option (`approvals`, `enforce`, `branches`, …) from the config.
  public func option(_ rule: String, _ key: String) -> Node? { settings[rule]?.options[key] }

  /// The branch globs a rule is limited to by its `branches:` option (`protected`
  /// expands to `protected_branches`), or nil when it applies everywhere.
  public func branchScope(of rule: String) -> [String]? {
    guard let node = option(rule, "branches") else { return nil }
    let names = node.string.map { [$0] } ?? (node.items ?? []).compactMap(\.string)
    return names.flatMap { $0 == "protected" ? protectedBranches : [$0] }
  }

  /// True when the file is `.mlgit/` policy (config, reviewers, signers).
  public static func isPolicyPath(_ path: String) -> Bool { path.hasPrefix(".mlgit/") }
}

/// A policy that cannot be loaded: names the file and the line (exit 2).
public struct PolicyLoadError: Error, CustomStringConvertible {
  public let path: String
  public let error: DocumentError
  public init(path: String, error: DocumentError) {
    self.path = path
    self.error = error
  }
  public var description: String {
    var text = "\(path):\(error.location.line):\(error.location.column): error: \(error.message)"
    if let hint = error.hint { text += "\n  hint: \(hint)" }
    return text
  }
}
