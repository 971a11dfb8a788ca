import MLGitErrors
import MLSpec

/// `metrics/fairness`: for each sensitive attribute in the spec's `validation.fairness`,
/// the best recorded run's metric differs between the attribute's groups by no more than
/// the attribute's `max_gap`.
public struct MetricsFairnessRule: PolicyRule {
  public static let description = RuleDescription(
    id: "metrics/fairness",
    summary:
      "The best recorded run's metric differs across each sensitive attribute's groups by at most validation.fairness max_gap",
    rationale: """
      Protected attributes are never inputs, but a model can still treat their groups differently. The ML Test \
      Score asks that the model be tested for considerations of inclusion: the spec names, per sensitive \
      attribute, the metric compared across groups and the largest gap allowed (tpr: equal opportunity; \
      selection_rate: demographic parity), the run records the metric per group as \
      fairness/<attribute>/<group>/<metric> (or the gap itself as fairness/<attribute>/<metric>, e.g. \
      fairlearn's demographic_parity_difference), and a release whose gap is too large does not reach a \
      protected branch.
      """,
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(
        Examples.fairSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "fairness/sex/female/tpr": 0.71, "fairness/sex/male/tpr": 0.80])
        ], triggers: true),
      RuleExample(
        Examples.fairSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "fairness/sex/female/tpr": 0.77, "fairness/sex/male/tpr": 0.80])
        ], triggers: false),
      // The gap recorded directly, as fairlearn computes it.
      RuleExample(
        Examples.fairSpec.replacingEvery("metric: tpr", with: "metric: demographic_parity_difference"),
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "fairness/sex/demographic_parity_difference": 0.02])
        ], triggers: false),
      // One group alone has no gap to measure.
      RuleExample(
        Examples.fairSpec,
        runs: [
          Examples.runLine(
            model: "credit-risk",
            metrics: ["auc": 0.83, "fairness/sex/female/tpr": 0.77])
        ], triggers: true),
      RuleExample(Examples.fairSpec, triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    var findings: [Finding] = []
    let declared = MetricEvidence.bestRuns(for: id, in: changeSet, context: context) { spec in
      spec.validationEvidence.fairness.isEmpty ? nil : spec.validationEvidence.fairness
    }
    for (change, spec, fairness, best) in declared {
      for bound in fairness {
        let measure = MetricEvidence.fairness(best, bound)
        guard !measure.passed else { continue }
        let measured = measure.gap != nil && measure.missingGroups.isEmpty
        findings.append(
          finding(
            "best run \(best.id) of '\(spec.name)' \(measured ? "is unfair" : "does not measure fairness") on \(measure.explanation)",
            path: change.path, at: measured ? bound.maxGapLocation : bound.location, in: context,
            hint: measured
              ? "reduce the gap between groups (reweighing, thresholds per group, more data for the worst group) and record a new run"
              : "record \(bound.metric) per group as fairness/\(bound.attribute)/<group>/\(bound.metric) (docs/specs.md shows it computed with fairlearn)"
          ))
      }
    }
    return findings
  }
}

extension Examples {
  /// The valid spec with a fairness block for `sex`, listed in sensitive_attributes.
  static let fairSpec =
    validSpec.replacingEvery("hyperparameters:", with: "sensitive_attributes: [sex]\nhyperparameters:")
      + """
        fairness:
          sex: {metric: tpr, max_gap: 0.05}

      """
}
