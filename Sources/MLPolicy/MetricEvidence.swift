import FoundationEssentials
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How runs measure against a spec's `validation.slices`, `validation.fairness` and
/// `validation.baseline`, and against an earlier version: the one reading shared by the
/// rules (`metrics/slices`, `metrics/fairness`, `metrics/baseline`, `metrics/regression`)
/// and by `mlgit score`, so a run counts the same way in both.
public enum MetricEvidence {
  /// Gaps and comparisons are differences of recorded values: a gap of 0.85 - 0.80 is
  /// 0.05000000000000004 in binary, which must not fail `max_gap: 0.05`.
  static func slack(_ limit: Double) -> Double { 1e-9 * max(1, abs(limit)) }

  /// The first of `names` a run recorded, with its value.
  static func recorded(_ metrics: [String: Double], _ names: [String]) -> (name: String, value: Double)? {
    for name in names { if let value = metrics[name] { return (name, value) } }
    return nil
  }

  // MARK: slices

  /// Each bound of each slice checked against one run, the bound named as the run records
  /// it (`slice/new_customers/auc`, or the dotted name where the run has that one).
  public static func sliceChecks(_ run: RunRecord, slices: [SliceBounds]) -> [(slice: String, check: MetricCheck)] {
    slices.flatMap { slice in
      slice.bounds.map { bound -> (slice: String, check: MetricCheck) in
        let names = SliceBounds.metricNames(slice: slice.name, metric: bound.metric)
        let found = recorded(run.metrics, names)
        var named = bound
        named.metric = found?.name ?? names[0]
        return (slice.name, MetricCheck(bound: named, value: found?.value))
      }
    }
  }

  // MARK: fairness

  /// A sensitive attribute's metric across its groups in one run.
  public struct FairnessMeasure: Sendable, Equatable {
    public var bound: FairnessBound
    /// Per-group values (`fairness/sex/female/tpr`), by group name, sorted.
    public var groups: [(name: String, value: Double)]
    /// A gap recorded directly (`fairness/sex/demographic_parity_difference`), where no
    /// per-group values are.
    public var recordedGap: (name: String, value: Double)?
    /// Groups `groups:` lists that the run did not report.
    public var missingGroups: [String]

    public static func == (a: FairnessMeasure, b: FairnessMeasure) -> Bool {
      a.bound == b.bound && a.groups.map(\.name) == b.groups.map(\.name)
        && a.groups.map(\.value) == b.groups.map(\.value)
        && a.recordedGap?.name == b.recordedGap?.name && a.recordedGap?.value == b.recordedGap?.value
        && a.missingGroups == b.missingGroups
    }

    /// The largest difference between two groups: the best group's value minus the
    /// worst's, or the recorded gap's absolute value; nil with fewer than two groups.
    public var gap: Double? {
      if groups.count >= 2, let high = groups.map(\.value).max(), let low = groups.map(\.value).min() {
        return high - low
      }
      if groups.isEmpty, let recordedGap { return abs(recordedGap.value) }
      return nil
    }

    public var passed: Bool {
      guard missingGroups.isEmpty, let gap else { return false }
      return gap <= bound.maxGap + MetricEvidence.slack(bound.maxGap)
    }

    /// `sex: tpr gap 0.08 > max_gap 0.05 (female 0.74, male 0.82)`.
    public var explanation: String {
      let attribute = bound.attribute
      let metric = bound.metric
      if !missingGroups.isEmpty {
        return
          "\(attribute): no \(metric) for group\(missingGroups.count == 1 ? "" : "s") \(missingGroups.map { "'\($0)'" }.joined(separator: ", ")) (fairness/\(attribute)/<group>/\(metric))"
      }
      guard let gap else {
        if groups.count == 1 {
          return "\(attribute): \(metric) is reported for one group only ('\(groups[0].name)'); a gap needs two"
        }
        return
          "\(attribute): neither per-group fairness/\(attribute)/<group>/\(metric) metrics nor a gap fairness/\(attribute)/\(metric) was reported"
      }
      let source =
        groups.isEmpty
        ? "recorded as \(recordedGap?.name ?? "")"
        : groups.map { "\($0.name) \(NumberText.string($0.value))" }.joined(separator: ", ")
      let verdict = passed ? "<=" : ">"
      return
        "\(attribute): \(metric) gap \(NumberText.string(gap.rounded(toPlaces: 12))) \(verdict) max_gap \(NumberText.string(bound.maxGap)) (\(source))"
    }
  }

  /// The names a run records a group's metric under, in lookup order.
  public static func groupMetricPattern(_ bound: FairnessBound) -> [(prefix: String, suffix: String)] {
    [("fairness/\(bound.attribute)/", "/\(bound.metric)"), ("fairness.\(bound.attribute).", ".\(bound.metric)")]
  }

  /// One attribute's metric across groups in one run: per-group values named
  /// `fairness/<attribute>/<group>/<metric>` (or dotted, as a nested metrics file
  /// flattens), else a gap recorded as `fairness/<attribute>/<metric>`.
  public static func fairness(_ run: RunRecord, _ bound: FairnessBound) -> FairnessMeasure {
    var groups: [String: Double] = [:]
    for (pattern, separator) in zip(groupMetricPattern(bound), ["/", "."]) {
      for (name, value) in run.metrics
      where name.count > pattern.prefix.count + pattern.suffix.count
        && name.hasPrefix(pattern.prefix) && name.hasSuffix(pattern.suffix)
      {
        let group = String(name.dropFirst(pattern.prefix.count).dropLast(pattern.suffix.count))
        // The slash form's group is one part; the dotted form's may hold dots, so it comes second.
        if separator == "/" && group.contains("/") { continue }
        if groups[group] == nil { groups[group] = value }
      }
    }
    let direct = recorded(
      run.metrics, ["fairness/\(bound.attribute)/\(bound.metric)", "fairness.\(bound.attribute).\(bound.metric)"])
    let missing = bound.groups.map(\.name).filter { groups[$0] == nil }
    return FairnessMeasure(
      bound: bound, groups: groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
      recordedGap: groups.isEmpty ? direct : nil, missingGroups: missing)
  }

  // MARK: comparisons (baseline, regression)

  /// One metric of a best run compared with a value it must beat or stay near.
  public struct Comparison: Sendable, Equatable {
    public var metric: String
    public var direction: MetricDirection
    /// The run's value; nil when it did not report the metric.
    public var value: Double?
    public var reference: Double
    /// Where the finding goes: the bound's or the baseline value's line.
    public var location: SourceLocation
    /// The run the reference value comes from (a baseline model's), when it is a run's.
    public var referenceRun: String? = nil
  }

  /// The baseline's values to beat: the values written in the spec, or, for a baseline
  /// model, on each metric bounded one way in `validation.metrics`, the best value any of
  /// its runs reached (so recording another, weaker run of the baseline never lowers the bar).
  public static func baselineValues(
    bounds: [MetricBound], baseline: BaselineReference?,
    baselineRuns: [RunRecord]
  ) -> [Comparison] {
    switch baseline {
    case .values(let values)?:
      return values.compactMap { value in
        guard let direction = bounds.first(where: { $0.metric == value.metric })?.direction else { return nil }
        return Comparison(
          metric: value.metric, direction: direction, value: nil, reference: value.value, location: value.location)
      }
    case .model(_, let location)?:
      return bounds.compactMap { bound in
        guard let direction = bound.direction else { return nil }
        var best: RunRecord?
        for run in baselineRuns {
          guard let value = run.metrics[bound.metric] else { continue }
          if let current = best?.metrics[bound.metric], !direction.isBetter(value, than: current) { continue }
          best = run
        }
        guard let best, let reference = best.metrics[bound.metric] else { return nil }
        // At the `baseline:` line: it names the bar the metric misses.
        var comparison = Comparison(
          metric: bound.metric, direction: direction, value: nil, reference: reference, location: location)
        comparison.referenceRun = best.id
        return comparison
      }
    case nil:
      return []
    }
  }

  /// True when the run's value beats the reference (strictly: a tie does not beat a baseline).
  public static func beats(_ comparison: Comparison) -> Bool {
    guard let value = comparison.value else { return false }
    return comparison.direction.isBetter(value, than: comparison.reference)
  }

  /// True when the run's value is no worse than the reference beyond `tolerance`, a
  /// fraction of the reference's size (0.01: 1%).
  public static func holds(_ comparison: Comparison, tolerance: Double) -> Bool {
    guard let value = comparison.value else { return false }
    let allowed = tolerance * abs(comparison.reference)
    return comparison.direction.shortfall(of: value, from: comparison.reference) <= allowed
      + slack(comparison.reference)
  }

  /// For each metric bounded one way in `bounds` that both runs report: the new value
  /// against the previous one.
  public static func regressionComparisons(new: RunRecord, previous: RunRecord, bounds: [MetricBound]) -> [Comparison] {
    bounds.compactMap { bound in
      guard let direction = bound.direction, let reference = previous.metrics[bound.metric],
        let value = new.metrics[bound.metric]
      else { return nil }
      return Comparison(
        metric: bound.metric, direction: direction, value: value, reference: reference, location: bound.location)
    }
  }

  /// The best run of a model's runs against its spec's bounds (as `metrics/threshold`).
  public static func bestRun(_ runs: [RunRecord], spec: ModelSpec) -> RunRecord? {
    MetricCheck.best(of: runs, against: spec.metrics)?.run
  }

  /// Where the metric-evidence rules (`metrics/slices`, `metrics/fairness`,
  /// `metrics/baseline`, `metrics/regression`) look: nothing unless `rule`'s release gate
  /// applies here; else each changed spec for which `declaring` finds what the rule checks
  /// (its slices, its baseline, …; nil when the spec declares none), with the best of its
  /// model's succeeded runs on the change's commit. A spec whose model has no such run is
  /// left out: `runs/required` reports that.
  public static func bestRuns<Block>(
    for rule: String, in changeSet: ChangeSet, context: PolicyContext, declaring: (ModelSpec) -> Block?
  ) -> [(change: ModelChange, spec: ModelSpec, block: Block, best: RunRecord)] {
    guard context.releaseGateApplies(rule) else { return [] }
    let runs = context.runs(for: changeSet.origin).filter(\.succeeded)
    return changeSet.specs.compactMap { change in
      guard let spec = change.new?.spec, let block = declaring(spec),
        let best = bestRun(runs.filter { $0.model == spec.name }, spec: spec)
      else { return nil }
      return (change, spec, block, best)
    }
  }
}

extension Double {
  /// Rounded to `places` decimal places, for messages (a gap's binary noise hidden).
  func rounded(toPlaces places: Int) -> Double {
    let scale = pow(10, Double(places))
    return (self * scale).rounded() / scale
  }
}
