import MLSpec

/// `metrics/baseline`: the best recorded run of a changed model beats the spec's
/// `validation.baseline`: a simpler model's metric values, or the best recorded run of a
/// baseline model of the same repository.
public struct MetricsBaselineRule: PolicyRule {
  public static let description = RuleDescription(
    id: "metrics/baseline",
    summary:
      "The best recorded run of a changed model beats validation.baseline: a simpler model's values, or a baseline model's best run",
    rationale: """
      A complex model that a simpler one matches costs more to run, explain and keep for nothing. The ML Test \
      Score asks that a simpler model be shown not to be better: the spec gives the simpler model's values \
      (baseline: {auc: 0.70}) or names a baseline model whose runs are recorded in the same repository \
      (baseline: credit-risk-baseline; the best value its runs on this commit or before it reached is the bar), and a release whose \
      best run does not beat it, metric by metric in the direction its validation.metrics bound gives, does not \
      reach a protected branch.
      """,
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(
        Examples.baselineSpec("{auc: 0.84}"), runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.83])],
        triggers: true),
      RuleExample(
        Examples.baselineSpec("{auc: 0.70}"), runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.83])],
        triggers: false),
      RuleExample(
        Examples.baselineSpec("credit-risk-baseline"),
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.83])],
        earlierRuns: [Examples.runLine(model: "credit-risk-baseline", metrics: ["auc": 0.85], id: "0000000000b1")],
        triggers: true),
      RuleExample(
        Examples.baselineSpec("credit-risk-baseline"),
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.83])],
        earlierRuns: [Examples.runLine(model: "credit-risk-baseline", metrics: ["auc": 0.74], id: "0000000000b1")],
        triggers: false),
      // A baseline model that was never trained is no bar at all: said, not passed.
      RuleExample(
        Examples.baselineSpec("credit-risk-baseline"),
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.83])], triggers: true),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    var findings: [Finding] = []
    let declared = MetricEvidence.bestRuns(for: id, in: changeSet, context: context) { spec in
      spec.validationEvidence.baseline
    }
    for (change, spec, baseline, best) in declared {
      var baselineRuns: [RunRecord] = []
      if case .model(let name, let location) = baseline {
        if let commit = changeSet.origin.commit, let history = context.history {
          baselineRuns = history.runs(of: name, reachableFrom: commit)
        }
        if baselineRuns.isEmpty {
          findings.append(
            finding(
              "baseline model '\(name)' has no successful recorded run on this commit or before it, so '\(spec.name)' cannot be shown to beat it",
              path: change.path, at: location, in: context,
              hint:
                "train the baseline and record its run (`mlgit run -- …` from its spec's commit), or give its values: baseline: {auc: 0.70}"
            ))
          continue
        }
      }
      let references = MetricEvidence.baselineValues(
        bounds: spec.metrics, baseline: baseline, baselineRuns: baselineRuns)
      if case .model(let name, let location) = baseline, references.isEmpty {
        findings.append(
          finding(
            "baseline '\(name)' reports none of the metrics validation.metrics bounds one way (\(spec.metrics.map(\.metric).joined(separator: ", ")))",
            path: change.path, at: location, in: context, hint: "record the same metrics for the baseline model"))
        continue
      }
      for var comparison in references {
        comparison.value = best.metrics[comparison.metric]
        guard !MetricEvidence.beats(comparison) else { continue }
        let what =
          comparison.referenceRun.map { "baseline '\(spec.validationEvidence.baselineName ?? "")' (run \($0))" }
          ?? "the baseline"
        let reference = NumberText.string(comparison.reference)
        let message =
          comparison.value.map {
            "best run \(best.id) of '\(spec.name)' does not beat \(what): \(comparison.metric) \(NumberText.string($0)) against \(reference) (\(comparison.direction.rawValue))"
          }
          ?? "best run \(best.id) of '\(spec.name)' does not report \(comparison.metric), so it cannot beat \(what) (\(reference))"
        findings.append(
          finding(
            message, path: change.path, at: comparison.location, in: context,
            hint: "a simpler model does as well: improve this one, or ship the simpler one"))
      }
    }
    return findings
  }
}

extension ValidationEvidence {
  /// The baseline model's name, when the baseline is a model.
  public var baselineName: String? {
    if case .model(let name, _)? = baseline { return name }
    return nil
  }
}

extension Examples {
  /// The valid spec with `validation.baseline:` as given.
  static func baselineSpec(_ baseline: String) -> String {
    validSpec + "  baseline: \(baseline)\n"
  }
}
