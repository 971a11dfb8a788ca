import MLGitErrors
import MLSpec

/// `runs/seed`: hyperparameters declare a random seed, so a run can be reproduced.
public struct RunsSeedRule: PolicyRule {
  public static let description = RuleDescription(
    id: "runs/seed",
    summary: "A spec's hyperparameters declare a random seed",
    rationale:
      "Without a fixed seed `mlgit reproduce` cannot expect the same metrics twice (The ML Test Score: training is reproducible).",
    defaultSeverity: .off,
    examples: [
      RuleExample(Examples.validSpec.replacingEvery("  seed: 42\n", with: ""), triggers: true),
      RuleExample(Examples.validSpec, triggers: false),
      RuleExample(
        Examples.validSpec.replacingEvery("  seed: 42", with: "  random_state: 7"), triggers: false),
      RuleExample(
        Examples.validSpec.replacingEvery("  seed: 42", with: "  trainer: {rng_seed: 1}"), triggers: false),
    ])

  /// Keys that hold a seed, after lowercasing and dropping `-` and `_`.
  static let seedKeys: Set<String> = [
    "seed", "randomseed", "randomstate", "rngseed", "globalseed", "torchseed", "npseed", "numpyseed",
  ]

  public init() {}

  public func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding] {
    guard let new = change.new, let spec = new.spec, let hyperparameters = new.hyperparameters else { return [] }
    // Only when the hyperparameters are new or changed, so an old spec warns once.
    if let old = change.old?.hyperparameters, old == hyperparameters { return [] }
    if RunsSeedRule.declaresSeed(hyperparameters) { return [] }
    return [
      finding(
        "hyperparameters of '\(spec.name)' declare no random seed", path: change.path,
        at: spec.root.keyNode("hyperparameters")?.location ?? spec.hyperparametersLocation, in: context,
        hint: "add e.g. `seed: 42` under hyperparameters and pass it to every random generator the training uses")
    ]
  }

  static func declaresSeed(_ value: JSONValue) -> Bool {
    guard let object = value.objectValue else { return false }
    for (key, inner) in object {
      let normal = key.lowercased().filter { $0 != "_" && $0 != "-" }
      if seedKeys.contains(normal) || normal.hasSuffix("seed") { return true }
      if declaresSeed(inner) { return true }
    }
    return false
  }
}
