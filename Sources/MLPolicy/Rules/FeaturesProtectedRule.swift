import MLSpec

/// `features/protected`: no protected attribute is a model input.
public struct FeaturesProtectedRule: PolicyRule {
  public static let description = RuleDescription(
    id: "features/protected",
    summary:
      "No protected attribute (race, religion, sex, age, …) among a spec's features, nor a feature also listed in sensitive_attributes or validation.fairness",
    rationale: """
      Variables comply with predefined policies: information such as race, religion or sexual orientation is not \
      used as a model input. Protected attributes may be listed under sensitive_attributes to slice fairness \
      evaluations; they are never inputs. A written exception in .mlgit/config.yml can allow one feature for one \
      model; it is then printed as allowed in every check.
      """,
    defaultSeverity: .error,
    examples: [
      RuleExample(Examples.validSpec, triggers: false),
      RuleExample(Examples.spec(features: ["income", "applicant_race"]), triggers: true),
      RuleExample(Examples.spec(features: ["income", "customerDateOfBirth"]), triggers: true),
      // Fullwidth letters (NFKC), and a Cyrillic 'а' (U+0430) standing for the Latin 'a'.
      RuleExample(Examples.spec(features: ["income", "ｒａｃｅ"]), triggers: true),
      RuleExample(Examples.spec(features: ["income", "r\u{0430}ce"]), triggers: true),
      RuleExample(
        Examples.spec(features: ["page_views", "trace_id", "average_balance", "credit_union_account"]),
        triggers: false),
      RuleExample(Examples.spec(features: ["income"], sensitive: ["gender"]), triggers: false),
      RuleExample(Examples.spec(features: ["income", "region"], sensitive: ["region"]), triggers: true),
      // Fairness is evaluated across protected attributes: naming them there is what the rule asks for.
      RuleExample(
        Examples.spec(features: ["income"])
          + "validation:\n  fairness:\n    sex: {metric: tpr, max_gap: 0.05}\n    race: {metric: selection_rate, max_gap: 0.1}\n",
        triggers: false),
      RuleExample(
        Examples.spec(features: ["income", "region"])
          + "validation:\n  fairness:\n    region: {metric: tpr, max_gap: 0.05}\n",
        triggers: true),
      RuleExample(
        Examples.spec(features: ["income", "faith_group"]),
        config: """
          apiVersion: mlgit/v1
          protected_attributes:
            religion: [faith]

          """, triggers: true),
    ],
    // Reads the new spec and the policy only: a history check judges each blob once.
    dependsOn: .newSpec)

  public init() {}

  public func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding] {
    guard let spec = change.new?.spec else { return [] }
    let matcher = context.policy.attributeMatcher
    let slices = AttributeWording.byWords(AttributeWording.sensitiveNames(spec))
    var findings: [Finding] = []
    for feature in spec.features {
      let allowance = context.policy.allowance(model: spec.name, feature: feature.name)
      if allowance == nil, let slice = slices[NameTokenizer.words(feature.name)] {
        findings.append(
          finding(
            "feature '\(feature.name)' is also listed in \(AttributeWording.listing(of: slice, in: spec)) (line \(slice.location.line))",
            path: change.path, at: feature.location, in: context,
            hint: "sensitive attributes slice fairness evaluations and are never inputs; remove it from features"))
        continue
      }
      let matches = matcher.protectedMatches(feature.name)
      guard !matches.isEmpty else { continue }
      let message = "feature '\(feature.name)' is \(AttributeWording.describe(matches, kind: .protected))"
      findings.append(
        featureFinding(
          message, allowance: allowance, model: spec.name, path: change.path,
          at: feature.location, in: context,
          hint: "remove it from features; for fairness slices list it under sensitive_attributes"))
    }
    return findings
  }

  public func details(for policy: EffectivePolicy) -> String? {
    AttributeWording.details(policy, kinds: [.protected, .proxy])
  }
}

/// Wording shared by the protected-attribute rules.
enum AttributeWording {
  /// Names by their normalised words: `Gender` and `genders` are the same name.
  static func byWords(_ names: [LocatedName]) -> [[String]: LocatedName] {
    Dictionary(names.map { (NameTokenizer.words($0.name), $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// The names a spec evaluates fairness across, never inputs: `sensitive_attributes`, then
  /// the attributes of `validation.fairness` (which need not be listed twice).
  static func sensitiveNames(_ spec: ModelSpec) -> [LocatedName] {
    spec.sensitiveAttributes
      + spec.validationEvidence.fairness.map { LocatedName(name: $0.attribute, location: $0.location) }
  }

  /// Where a sensitive name is listed, for messages.
  static func listing(of name: LocatedName, in spec: ModelSpec) -> String {
    spec.sensitiveAttributes.contains(name) ? "sensitive_attributes" : "validation.fairness"
  }

  /// "the protected attribute 'race'", "a known proxy for 'race' (matches 'zip code')".
  static func describe(_ matches: [AttributeMatch], kind: AttributeKind) -> String {
    let parts = matches.map { match -> String in
      let said = NameTokenizer.words(match.entry) == NameTokenizer.words(match.category)
      return said ? "'\(match.category)'" : "'\(match.category)' (matches '\(match.entry)')"
    }
    let list = parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    // A name that matches only when its look-alike letters are read as Latin says which letters.
    let disguise = matches.compactMap(\.lookAlike).first.map { " spelt with look-alike letters: \($0)" } ?? ""
    switch kind {
    case .protected:
      return (parts.count == 1 ? "the protected attribute \(list)" : "the protected attributes \(list)") + disguise
    case .proxy: return "a known proxy for \(list)" + disguise
    }
  }

  /// The note printed in every check for a feature a written exception allows.

  /// The lists, exclusions, sources and exceptions in force, for `mlgit policy explain`.
  static func details(_ policy: EffectivePolicy, kinds: [AttributeKind]) -> String {
    var lines: [String] = []
    lines.append(
      "Names are split into words (snake_case, camelCase, kebab-case, digits), lower-cased and singularised,")
    lines.append("then matched as whole words and phrases: 'race' matches applicant_race and raceCode, not trace_id.")
    lines.append("An entry written '!words' is an exclusion: the words it covers are not matched for that category.")
    for kind in kinds {
      let lists = kind == .protected ? policy.protectedAttributes : policy.proxies
      lines.append("")
      lines.append(
        kind == .protected
          ? "protected attributes in force (\(lists.count) categories, protected_attributes):"
          : "proxies in force (\(lists.count) categories, proxies; by the category they can reveal):")
      for category in lists.keys.sorted() {
        let entries = lists[category] ?? []
        let matched = entries.filter { !$0.hasPrefix("!") }
        let excluded = entries.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        lines.append("  \(category): \(matched.joined(separator: ", "))")
        if !excluded.isEmpty { lines.append("    not: \(excluded.joined(separator: ", "))") }
      }
    }
    lines.append("")
    lines.append("sources:")
    if policy.legalSources.isEmpty { lines.append("  (none named)") }
    for key in policy.legalSources.keys.sorted() { lines.append("  \(key): \(policy.legalSources[key] ?? "")") }
    lines.append("")
    lines.append("exceptions (exceptions: in .mlgit/config.yml):")
    if policy.allowances.isEmpty { lines.append("  (none)") }
    for allowance in policy.allowances {
      lines.append("  model '\(allowance.model)', feature '\(allowance.feature)': \(allowance.justification)")
    }
    lines.append("")
    lines.append("Extend the lists in .mlgit/config.yml (protected_attributes: {religion: [faith]}, proxies: {…}),")
    lines.append("or extend a regime pack: extends: [us-ecoa], [us-eeoc] or [eu-gdpr-art9].")
    return lines.joined(separator: "\n")
  }
}

extension Examples {
  /// A valid spec with these features (and sensitive attributes).
  static func spec(features: [String], sensitive: [String] = []) -> String {
    var text = """
      apiVersion: mlgit/v1
      name: credit-risk
      version: 1.4.0
      owner: risk-team
      features:

      """
    for feature in features { text += "  - \(feature)\n" }
    if !sensitive.isEmpty {
      text += "sensitive_attributes:\n"
      for name in sensitive { text += "  - \(name)\n" }
    }
    text += "hyperparameters:\n  max_depth: 6\n"
    return text
  }
}

extension PolicyRule {
  /// A feature's finding at the rule's severity, or, when a written exception allows the
  /// feature for this model, a note that says so (never silently dropped).
  func featureFinding(
    _ message: String, allowance: FeatureAllowance?, model: String, path: String,
    at location: SourceLocation, in context: PolicyContext, hint: String
  ) -> Finding {
    guard let allowance else { return finding(message, path: path, at: location, in: context, hint: hint) }
    return Finding(
      rule: id, severity: .note,
      message: "\(message), allowed for model '\(model)' by an exception: \(allowance.justification)",
      path: path, location: location,
      hint: "the exception is in .mlgit/config.yml (line \(allowance.location.line)); changing it is a policy change")
  }
}
