import MLSpec

/// The half-point evidence of the tests the metric rules enforce (slices, fairness,
/// baseline, regression): a recorded run measured the way the rule measures it.
extension ScoreGrader {
  enum MetricEvidenceResult {
    case found(ScoreEvidence)
    /// What would earn the half point.
    case wanted(String)
  }

  /// Why a metric rule enforced on the protected branches still checks nothing for this
  /// model (its spec declares nothing the rule reads), with what to declare; nil otherwise.
  static func undeclared(_ rule: String, _ facts: ScoreFacts) -> (why: String, declare: String)? {
    let spec = facts.specPath
    switch rule {
    case "data/schema" where facts.dataSchemas.isEmpty:
      return (
        "\(spec) declares no data.<name>.schema, so it checks nothing for this model",
        "declare the columns of the model's data in \(spec): `data: {train: {path: data/train.csv, schema: {income: float}}}`"
      )
    case "metrics/slices" where facts.validation.slices.isEmpty:
      return (
        "\(spec) declares no validation.slices, so it checks nothing for this model",
        "declare the slices that matter in \(spec): `validation: {slices: {new_customers: {auc: {min: 0.72}}}}`"
      )
    case "metrics/fairness" where facts.validation.fairness.isEmpty:
      return (
        "\(spec) declares no validation.fairness, so it checks nothing for this model",
        "declare a fairness bound in \(spec): `validation: {fairness: {sex: {metric: tpr, max_gap: 0.05}}}`"
      )
    case "metrics/baseline" where facts.validation.baseline == nil:
      return (
        "\(spec) declares no validation.baseline, so it checks nothing for this model",
        "declare a simpler model's values in \(spec): `validation: {baseline: {auc: 0.70}}` (or `baseline: {model: NAME}`)"
      )
    case "metrics/regression" where !facts.bounds.contains(where: { $0.direction != nil }):
      return (
        "\(spec) bounds no metric with min or max in validation.metrics, so versions cannot be compared",
        "declare the bar in \(spec): `validation: {metrics: {auc: {min: 0.8}}}` (min: higher is better; max: lower is better)"
      )
    case "runs/budget" where facts.budget == nil:
      return (
        "\(spec) declares no budget:, so it checks nothing for this model",
        "declare the budget in \(spec): `budget: {train_seconds: 3600, peak_memory_mb: 4096}` (and/or `max_increase_percent: 20`)"
      )
    case "runs/stale" where facts.staleness == nil:
      return (
        "\(spec) declares no staleness:, so it checks nothing for this model",
        "declare how old the model may get in \(spec): `staleness: {max_age_days: 30}`"
      )
    default:
      return nil
    }
  }

  static func metricEvidence(_ source: MLTestScore.Source, _ facts: ScoreFacts) -> MetricEvidenceResult {
    func item(_ kind: String, _ text: String, _ runs: [RunRecord]) -> MetricEvidenceResult {
      var item = ScoreEvidence(kind: kind, points: .half, text: text)
      item.runs = runs.map(\.id)
      item.commits = unique(runs.map(\.commit))
      return .found(item)
    }
    let spec = facts.specPath
    switch source {
    case .slicedRun:
      let slices = facts.validation.slices
      guard !slices.isEmpty else {
        return .wanted(
          "declare the slices that matter in \(spec): `validation: {slices: {new_customers: {auc: {min: 0.72}}}}`, and record a run with slice/<slice>/<metric> metrics that meets them"
        )
      }
      let passing = facts.runs.filter { run in
        MetricEvidence.sliceChecks(run, slices: slices).allSatisfy { $0.check.passed }
      }
      guard !passing.isEmpty else {
        return .wanted(
          "record a run whose metrics meet every slice of validation.slices (\(slices.map(\.name).joined(separator: ", "))), named slice/<slice>/<metric>"
        )
      }
      return item(
        "sliced-run",
        "\(listed(passing)) meet\(passing.count == 1 ? "s" : "") every bound of validation.slices (\(slices.map { $0.name }.joined(separator: ", ")))",
        passing)
    case .fairRun:
      let bounds = facts.validation.fairness
      guard !bounds.isEmpty else {
        return .wanted(
          "declare a fairness bound in \(spec): `validation: {fairness: {sex: {metric: tpr, max_gap: 0.05}}}`, and record a run with fairness/<attribute>/<group>/<metric> metrics within it"
        )
      }
      let passing = facts.runs.filter { run in bounds.allSatisfy { MetricEvidence.fairness(run, $0).passed } }
      guard !passing.isEmpty else {
        return .wanted(
          "record a run whose gaps between groups are within validation.fairness (\(bounds.map { "\($0.attribute): \($0.metric) max_gap \(NumberText.string($0.maxGap))" }.joined(separator: ", ")))"
        )
      }
      return item(
        "fair-run",
        "\(listed(passing)) keep\(passing.count == 1 ? "s" : "") every gap of validation.fairness within its max_gap (\(bounds.map(\.attribute).joined(separator: ", ")))",
        passing)
    case .baselineBeaten:
      guard let baseline = facts.validation.baseline else {
        return .wanted(
          "declare a simpler model's values in \(spec): `validation: {baseline: {auc: 0.70}}` (or name a baseline model: `baseline: {model: NAME}`), and record a run that beats it"
        )
      }
      let references = MetricEvidence.baselineValues(
        bounds: facts.bounds, baseline: baseline, baselineRuns: facts.baselineRuns)
      guard !references.isEmpty else {
        return .wanted(
          "record a run of the baseline model '\(facts.validation.baselineName ?? "")' with the metrics validation.metrics bounds"
        )
      }
      let beating = facts.runs.filter { run in
        references.allSatisfy {
          var comparison = $0
          comparison.value = run.metrics[$0.metric]
          return MetricEvidence.beats(comparison)
        }
      }
      guard !beating.isEmpty else {
        return .wanted(
          "record a run that beats validation.baseline on \(references.map { $0.metric }.joined(separator: ", "))")
      }
      let baselineRuns = unique(references.compactMap(\.referenceRun))
      let against =
        facts.validation.baselineName.map { "baseline '\($0)' (run \(baselineRuns.joined(separator: ", ")))" }
        ?? "the baseline's values"
      guard
        case .found(var evidence) = item(
          "baseline-beaten",
          "\(listed(beating)) beat\(beating.count == 1 ? "s" : "") \(against) on \(references.map { $0.metric }.joined(separator: ", "))",
          beating)
      else { return .wanted("") }
      evidence.runs = (evidence.runs ?? []) + baselineRuns
      return .found(evidence)
    case .noRegression:
      guard let previous = facts.previousVersion, let previousBest = previous.bestRun else {
        return .wanted(
          "record runs of two versions of the model (bump `version:` in \(spec) and train again), so a new version's best run can be compared with the previous one's"
        )
      }
      guard let best = MetricCheck.best(of: facts.versionRuns, against: facts.bounds)?.run else {
        return .wanted(
          "record a run of this version, to compare with \(previous.version)'s best run \(previousBest.id)")
      }
      let comparisons = MetricEvidence.regressionComparisons(new: best, previous: previousBest, bounds: facts.bounds)
      guard !comparisons.isEmpty else {
        return .wanted(
          "bound the metrics both versions report in validation.metrics with min or max, so they can be compared")
      }
      guard comparisons.allSatisfy({ MetricEvidence.holds($0, tolerance: MetricsRegressionRule.defaultTolerance) })
      else {
        return .wanted(
          "record a run of this version at least as good as \(previous.version)'s best run \(previousBest.id) on \(comparisons.map(\.metric).joined(separator: ", "))"
        )
      }
      return item(
        "no-regression",
        "best run \(best.id) is not worse than \(previous.version)'s best run \(previousBest.id) on \(comparisons.map(\.metric).joined(separator: ", "))",
        [best, previousBest])
    default:
      return .wanted("")
    }
  }
}
