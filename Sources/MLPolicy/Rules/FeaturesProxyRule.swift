import MLSpec

/// `features/proxy`: a feature that can reveal a protected attribute is flagged.
public struct FeaturesProxyRule: PolicyRule {
  public static let description = RuleDescription(
    id: "features/proxy",
    summary:
      "Features that are known proxies for a protected attribute (postal codes, census geography, names, birth year, language, …) are flagged",
    rationale: """
      Protected information should not be inferred from other variables. A postal code or census tract can \
      stand in for race, a first name for sex, a birth year for age. Such a feature may still be right for a \
      model; when it is, say why in a written exception.
      """,
    defaultSeverity: .warning,
    examples: [
      RuleExample(Examples.validSpec, triggers: false),
      RuleExample(Examples.spec(features: ["income", "zip_code"]), triggers: true),
      RuleExample(Examples.spec(features: ["income", "preferredLanguage"]), triggers: true),
      RuleExample(Examples.spec(features: ["income", "zip_file_size", "order_status"]), triggers: false),
      // Evaluating fairness across a proxy's groups is not using it as an input.
      RuleExample(
        Examples.spec(features: ["income"]) + "validation:\n  fairness:\n    zip_code: {metric: tpr, max_gap: 0.05}\n",
        triggers: false),
      RuleExample(
        Examples.spec(features: ["income", "store_zip_code"]),
        config: """
          apiVersion: mlgit/v1
          proxies:
            race: ["!store zip code"]

          """, triggers: false),
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
      // A protected attribute, or a name also listed as sensitive, is features/protected's to report.
      guard matcher.protectedMatches(feature.name).isEmpty,
        slices[NameTokenizer.words(feature.name)] == nil
      else { continue }
      let matches = matcher.proxyMatches(feature.name)
      guard !matches.isEmpty else { continue }
      let message = "feature '\(feature.name)' is \(AttributeWording.describe(matches, kind: .proxy))"
      findings.append(
        featureFinding(
          message, allowance: context.policy.allowance(model: spec.name, feature: feature.name),
          model: spec.name, path: change.path, at: feature.location, in: context,
          hint:
            "drop it, or keep it with a written exception: exceptions: [{model: \(spec.name), feature: \(feature.name), justification: …}] in .mlgit/config.yml"
        ))
    }
    return findings
  }

  public func details(for policy: EffectivePolicy) -> String? {
    AttributeWording.details(policy, kinds: [.proxy])
  }
}
