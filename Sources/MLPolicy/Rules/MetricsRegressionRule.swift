import MLGitErrors
import MLSpec

/// `metrics/regression`: the best recorded run of a changed model's new version is not
/// worse than the previous version's best run, beyond a tolerance, on any metric its
/// `validation.metrics` bounds one way.
public struct MetricsRegressionRule: PolicyRule {
  static let defaultTolerance = 0.01

  public static let description = RuleDescription(
    id: "metrics/regression",
    summary: "The new version's best recorded run is not worse than the previous version's best run beyond a tolerance",
    rationale: """
      A new version can clear its fixed bar while being worse than what is in production. The ML Test Score asks \
      that prediction quality not regress: each metric validation.metrics bounds one way (min: higher is better; \
      max: lower is better) is compared between this commit's best run and the best run of the previous version \
      (the highest lower version of the spec at the same path with a successful run in this commit's history), \
      and a drop larger than the tolerance (a share of the previous value) does not reach a protected branch.
      """,
    defaultSeverity: .off,
    options: [
      .releaseBranches,
      RuleOption(
        "tolerance", .fraction,
        "how much worse than the previous version's best run a metric may be, as a share of its value (0.01: 1%)",
        whenUnset: "0.01"),
    ],
    examples: [
      RuleExample(
        Examples.validSpec, parent: Examples.previousVersion,
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.80])],
        earlierRuns: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.84], id: "0000000000a0")],
        triggers: true),
      RuleExample(
        Examples.validSpec, parent: Examples.previousVersion,
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.835])],
        earlierRuns: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.84], id: "0000000000a0")],
        triggers: false),
      RuleExample(
        Examples.validSpec, parent: Examples.previousVersion,
        config: """
          apiVersion: mlgit/v1
          rules:
            metrics/regression: {severity: error, tolerance: 0.05}

          """,
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.80])],
        earlierRuns: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.84], id: "0000000000a0")],
        triggers: false),
      // The first version has nothing to regress from.
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.80])], triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard let commit = changeSet.origin.commit, let history = context.history else { return [] }
    let tolerance = context.policy.option(id, "tolerance")?.number ?? Self.defaultTolerance
    var findings: [Finding] = []
    // A version, and a bound with a direction to regress in.
    let declared = MetricEvidence.bestRuns(for: id, in: changeSet, context: context) { spec in
      spec.metrics.contains(where: { $0.direction != nil }) ? spec.version : nil
    }
    for (change, spec, version, best) in declared {
      guard let previous = history.previousVersion(of: change.path, model: spec.name, version: version, before: commit),
        let previousBest = previous.bestRun
      else { continue }
      for comparison in MetricEvidence.regressionComparisons(new: best, previous: previousBest, bounds: spec.metrics)
      where !MetricEvidence.holds(comparison, tolerance: tolerance) {
        let value = comparison.value.map(NumberText.string) ?? "?"
        findings.append(
          finding(
            "best run \(best.id) of '\(spec.name)' \(version) regresses from \(previous.version) (run \(previousBest.id)): \(comparison.metric) \(value) against \(NumberText.string(comparison.reference)), \(comparison.direction.rawValue), tolerance \(NumberText.string(tolerance * 100))%",
            path: change.path, at: comparison.location, in: context,
            hint:
              "improve the model and record a new run; a drop that is intended needs a policy change (`tolerance:` under metrics/regression) with review"
          ))
      }
    }
    return findings
  }
}

extension Examples {
  /// The valid spec's previous version.
  static let previousVersion = validSpec.replacingEvery("version: 1.4.0", with: "version: 1.3.0")
}
