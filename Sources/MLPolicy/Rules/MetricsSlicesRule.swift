import MLSpec

/// `metrics/slices`: the best recorded run of a changed model meets the bounds of every
/// slice in the spec's `validation.slices`, read from metrics named `slice/<slice>/<metric>`.
public struct MetricsSlicesRule: PolicyRule {
  public static let description = RuleDescription(
    id: "metrics/slices",
    summary:
      "The best recorded run of a changed model meets every slice's bounds in validation.slices (metrics slice/<slice>/<metric>)",
    rationale: """
      A model can meet its overall bar while failing a part of the data that matters (new customers, one region, \
      rare classes). The ML Test Score asks that model quality be sufficient on all important data slices: the spec \
      names them, the run records each slice's metrics as slice/<slice>/<metric> (or nested, slice.<slice>.<metric>), \
      and a release whose best run misses a slice's bound does not reach a protected branch.
      """,
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(
        Examples.slicedSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "slice/new_customers/auc": 0.69, "slice/region_eu/auc": 0.80])
        ], triggers: true),
      RuleExample(
        Examples.slicedSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "slice/new_customers/auc": 0.74, "slice/region_eu/auc": 0.80])
        ], triggers: false),
      // A nested metrics file ({"slice": {"new_customers": {"auc": 0.74}}}) records dotted names.
      RuleExample(
        Examples.slicedSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "slice.new_customers.auc": 0.74, "slice.region_eu.auc": 0.80])
        ], triggers: false),
      // A slice the run did not measure is missed, not passed.
      RuleExample(
        Examples.slicedSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "slice/new_customers/auc": 0.74])
        ], triggers: true),
      // No run at all is runs/required's business, not this rule's.
      RuleExample(Examples.slicedSpec, triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    var findings: [Finding] = []
    let declared = MetricEvidence.bestRuns(for: id, in: changeSet, context: context) { spec in
      spec.validationEvidence.slices.isEmpty ? nil : spec.validationEvidence.slices
    }
    for (change, spec, slices, best) in declared {
      for (slice, check) in MetricEvidence.sliceChecks(best, slices: slices) where !check.passed {
        findings.append(
          finding(
            "best run \(best.id) of '\(spec.name)' misses the bar on slice '\(slice)': \(check.explanation)",
            path: change.path, at: check.bound.location, in: context,
            hint: check.value == nil
              ? "evaluate the slice and record it: write \(check.bound.metric) (or nested {\"slice\": {\"\(slice)\": {…}}}) to the run's metrics file"
              : "improve the model on this slice and record a new run, or change the bound with review"))
      }
    }
    return findings
  }
}

extension Examples {
  /// The valid spec with two slices.
  static let slicedSpec =
    validSpec + """
        slices:
          new_customers:
            auc: {min: 0.72}
          region_eu:
            auc: {min: 0.75}

      """
}
