import MLSpec

/// `metrics/threshold`: the best recorded run of a changed model meets the spec's
/// `validation.metrics` bounds before it reaches a protected branch.
public struct MetricsThresholdRule: PolicyRule {
  public static let description = RuleDescription(
    id: "metrics/threshold",
    summary: "The best recorded run of a changed model meets the spec's validation.metrics bounds",
    rationale:
      "The spec states the bar a model must meet; a release whose best run misses it should not reach a protected branch.",
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.71])], triggers: true),
      RuleExample(
        Examples.validSpec,
        runs: [
          Examples.runLine(model: "credit-risk", metrics: ["auc": 0.71], id: "run0000000a1"),
          Examples.runLine(model: "credit-risk", metrics: ["auc": 0.83], id: "run0000000a2"),
        ], triggers: false),
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["logloss": 0.3])], triggers: true),
      // No run at all is runs/required's business, not this rule's.
      RuleExample(Examples.validSpec, triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard context.releaseGateApplies(id) else { return [] }
    let runs = context.runs(for: changeSet.origin).filter(\.succeeded)
    var findings: [Finding] = []
    for change in changeSet.specs {
      guard let spec = change.new?.spec, !spec.metrics.isEmpty else { continue }
      let ofModel = runs.filter { $0.model == spec.name }
      guard let (best, checks) = MetricCheck.best(of: ofModel, against: spec.metrics) else { continue }
      for failed in checks where !failed.passed {
        findings.append(
          finding(
            "best run \(best.id) of '\(spec.name)' misses the bar: \(failed.explanation)",
            path: change.path, at: failed.bound.location, in: context,
            hint:
              "improve the model and record a new run (`mlgit runs --model \(spec.name)` lists them), or change the bound with review"
          ))
      }
    }
    return findings
  }
}
