#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Which way a metric improves, read from its bound: a `min` bound says higher is better
/// (`auc: {min: 0.78}`), a `max` bound lower is better (`logloss: {max: 0.45}`). A metric
/// bounded on both sides (a calibration slope in [0.9, 1.1]) or not at all has no direction.
public enum MetricDirection: String, Sendable, Equatable {
  case higherIsBetter = "higher is better"
  case lowerIsBetter = "lower is better"

  /// True when `a` is strictly better than `b`.
  public func isBetter(_ a: Double, than b: Double) -> Bool {
    self == .higherIsBetter ? a > b : a < b
  }

  /// How much worse `a` is than `b` (0 or less: not worse).
  public func shortfall(of a: Double, from b: Double) -> Double {
    self == .higherIsBetter ? b - a : a - b
  }
}

extension MetricBound {
  /// The direction the bound gives, or nil when it bounds both sides or neither.
  public var direction: MetricDirection? {
    switch (min, max) {
    case (.some, nil): return .higherIsBetter
    case (nil, .some): return .lowerIsBetter
    default: return nil
    }
  }
}

/// `validation.slices.<name>`: a named part of the evaluation data (`new_customers`,
/// `region_eu`) and the bounds the model must meet on it, written as `validation.metrics`.
public struct SliceBounds: Sendable, Equatable {
  public var name: String
  public var location: SourceLocation
  public var bounds: [MetricBound]

  /// The names a run may record a slice's metric under, in the order they are looked up:
  /// `slice/<slice>/<metric>`, and `slice.<slice>.<metric>`, which is what a nested
  /// metrics file (`{"slice": {"eu": {"auc": 0.8}}}`, as DVC writes them) flattens to.
  public static func metricNames(slice: String, metric: String) -> [String] {
    ["slice/\(slice)/\(metric)", "slice.\(slice).\(metric)"]
  }
}

/// `validation.fairness.<attribute>`: for a sensitive attribute, the metric compared
/// across its groups and the largest gap allowed between the best and the worst group
/// (`sex: {metric: tpr, max_gap: 0.05}` is an equal-opportunity difference of at most 0.05).
public struct FairnessBound: Sendable, Equatable {
  public var attribute: String
  public var location: SourceLocation
  public var metric: String
  public var maxGap: Double
  /// Where `max_gap` is written: a gap too large is reported there.
  public var maxGapLocation: SourceLocation
  /// `groups: [female, male]`: groups a run must report (empty: whichever it reports).
  public var groups: [LocatedName] = []
}

/// `validation.baseline`: what a simpler model achieves, which this model must beat.
public enum BaselineReference: Sendable, Equatable {
  /// `baseline: {auc: 0.70}`: a simpler model's metric values, each at its line.
  case values([BaselineValue])
  /// `baseline: credit-risk-baseline` (or `{model: …}`): a model of the same repository,
  /// whose best recorded run is the bar.
  case model(String, location: SourceLocation)
}

/// One metric value of `baseline: {auc: 0.70}`.
public struct BaselineValue: Sendable, Equatable {
  public var metric: String
  public var value: Double
  public var location: SourceLocation
}

/// The evidence blocks of a spec's `validation:` besides `metrics` (slices, fairness,
/// baseline), read with the same care: every problem at its line.
public struct ValidationEvidence: Sendable {
  /// The keys `validation:` takes.
  public static let keys = ["metrics", "metrics_files", "slices", "fairness", "baseline"]

  public var slices: [SliceBounds] = []
  public var fairness: [FairnessBound] = []
  public var baseline: BaselineReference?

  public init(slices: [SliceBounds] = [], fairness: [FairnessBound] = [], baseline: BaselineReference? = nil) {
    self.slices = slices
    self.fairness = fairness
    self.baseline = baseline
  }

  /// Reads `validation.metrics`-style bounds: a mapping of metric to `{min, max}`.
  /// `owner` prefixes messages (`slice 'eu': `) so a problem says which block it is in.
  static func readBounds(_ node: Node, owner: String, problems: inout [SchemaProblem]) -> [MetricBound] {
    func problem(_ message: String, _ location: SourceLocation, _ hint: String? = nil) {
      problems.append(SchemaProblem(owner + message, at: location, hint: hint))
    }
    var metrics: [MetricBound] = []
    guard let pairs = node.pairs else { return [] }
    for (key, value) in pairs {
      let metric = key.scalarText ?? ""
      guard let bounds = value.pairs else {
        problem(
          "metric '\(metric)' must be {min: …} and/or {max: …}, found \(value.typeDescription)", value.location,
          "e.g. \(metric): {min: 0.8}")
        continue
      }
      var bound = MetricBound(metric: metric, min: nil, max: nil, location: key.location)
      for (bk, bv) in bounds {
        let which = bk.scalarText ?? ""
        guard which == "min" || which == "max" else {
          problem("metric '\(metric)': unknown bound '\(which)'", bk.location, "use min or max")
          continue
        }
        guard let number = bv.number, number.isFinite else {
          problem("metric '\(metric)': \(which) must be a finite number, found \(bv.typeDescription)", bv.location)
          continue
        }
        if which == "min" { bound.min = number } else { bound.max = number }
      }
      if bound.min == nil && bound.max == nil && bounds.isEmpty {
        problem("metric '\(metric)' has no bound", value.location, "give min, max or both")
      }
      if let lo = bound.min, let hi = bound.max, lo > hi {
        problem("metric '\(metric)': min \(lo) is above max \(hi)", value.location, "no run could meet these bounds")
      }
      metrics.append(bound)
    }
    return metrics
  }

  /// Reads `slices`, `fairness` and `baseline` from a `validation:` mapping; `metrics` are
  /// the spec's `validation.metrics` bounds (a baseline's direction comes from them) and
  /// `model` the spec's name (a model is not its own baseline).
  static func read(
    _ validation: Node, metrics: [MetricBound], model: String,
    problems: inout [SchemaProblem]
  ) -> ValidationEvidence {
    var evidence = ValidationEvidence()
    for (key, _) in validation.pairs ?? [] {
      let text = key.scalarText ?? ""
      if !keys.contains(text) {
        problems.append(
          SchemaProblem(
            "unknown field 'validation.\(text)'", at: key.location,
            hint: ModelSpec.closest(text, in: keys).map { "did you mean '\($0)'?" }
              ?? "validation takes \(keys.joined(separator: ", "))"))
      }
    }
    if let node = validation["slices"], !node.isNull {
      evidence.slices = readSlices(node, problems: &problems)
    }
    if let node = validation["fairness"], !node.isNull {
      evidence.fairness = readFairness(node, problems: &problems)
    }
    if let node = validation["baseline"], !node.isNull {
      evidence.baseline = readBaseline(node, metrics: metrics, model: model, problems: &problems)
    }
    return evidence
  }

  /// A slice, attribute, group or metric name that is recorded inside a metric name
  /// (`slice/<name>/<metric>`): a slash would make the recorded name ambiguous.
  static func nameProblem(_ name: String) -> String? {
    if ModelSpec.isBlank(name) { return "is empty" }
    if name.contains("/") { return "contains '/', which separates the parts of a recorded metric name" }
    return nil
  }

  static func readSlices(_ node: Node, problems: inout [SchemaProblem]) -> [SliceBounds] {
    guard let pairs = node.pairs else {
      problems.append(
        SchemaProblem(
          "'validation.slices' must be a mapping of slice name to metric bounds, found \(node.typeDescription)",
          at: node.location, hint: "e.g. slices: {new_customers: {auc: {min: 0.72}}}"))
      return []
    }
    var slices: [SliceBounds] = []
    for (key, value) in pairs {
      let name = key.scalarText ?? ""
      if let why = nameProblem(name) {
        problems.append(
          SchemaProblem("slice name '\(name)' \(why)", at: key.location, hint: "e.g. new_customers, region_eu"))
        continue
      }
      guard value.pairs.map({ !$0.isEmpty }) ?? false else {
        problems.append(
          SchemaProblem(
            "slice '\(name)' must be a mapping of metric to bounds, found \(value.typeDescription)",
            at: value.location, hint: "e.g. \(name): {auc: {min: 0.72}}"))
        continue
      }
      let bounds = readBounds(value, owner: "slice '\(name)': ", problems: &problems)
      slices.append(SliceBounds(name: name, location: key.location, bounds: bounds))
    }
    return slices
  }

  static func readFairness(_ node: Node, problems: inout [SchemaProblem]) -> [FairnessBound] {
    let example = "e.g. fairness: {sex: {metric: tpr, max_gap: 0.05}}"
    guard let pairs = node.pairs else {
      problems.append(
        SchemaProblem(
          "'validation.fairness' must be a mapping of sensitive attribute to {metric, max_gap}, found \(node.typeDescription)",
          at: node.location, hint: example))
      return []
    }
    var bounds: [FairnessBound] = []
    for (key, value) in pairs {
      let attribute = key.scalarText ?? ""
      if let why = nameProblem(attribute) {
        problems.append(SchemaProblem("fairness attribute '\(attribute)' \(why)", at: key.location, hint: example))
        continue
      }
      guard let fields = value.pairs else {
        problems.append(
          SchemaProblem(
            "fairness '\(attribute)' must be {metric: …, max_gap: …}, found \(value.typeDescription)",
            at: value.location, hint: "e.g. \(attribute): {metric: tpr, max_gap: 0.05}"))
        continue
      }
      var valid = true
      for (fieldKey, _) in fields where !["metric", "max_gap", "groups"].contains(fieldKey.scalarText ?? "") {
        let text = fieldKey.scalarText ?? ""
        problems.append(
          SchemaProblem(
            "fairness '\(attribute)': unknown field '\(text)'", at: fieldKey.location,
            hint: ModelSpec.closest(text, in: ["metric", "max_gap", "groups"]).map { "did you mean '\($0)'?" }
              ?? "use metric, max_gap and groups"))
        valid = false
      }
      let metricNode = value["metric"]
      let metric = metricNode?.string ?? ""
      if let why = metricNode == nil
        ? "is missing" : metricNode?.string == nil ? "must be a metric name" : nameProblem(metric)
      {
        problems.append(
          SchemaProblem(
            "fairness '\(attribute)': metric \(why)", at: metricNode?.location ?? key.location,
            hint:
              "name the metric compared across groups, e.g. metric: tpr (equal opportunity) or metric: selection_rate (demographic parity)"
          ))
        valid = false
      }
      let gapNode = value["max_gap"]
      var gap = 0.0
      if let gapNode, let number = gapNode.number, number.isFinite, number >= 0 {
        gap = number
      } else {
        problems.append(
          SchemaProblem(
            "fairness '\(attribute)': max_gap \(gapNode == nil ? "is missing" : "must be a finite number, 0 or more")",
            at: gapNode?.location ?? key.location,
            hint: "the largest difference allowed between the best and the worst group, e.g. max_gap: 0.05"))
        valid = false
      }
      var groups: [LocatedName] = []
      if let groupsNode = value["groups"], !groupsNode.isNull {
        if let items = groupsNode.items, items.count >= 2 {
          for item in items {
            let group = item.string ?? item.scalarText ?? ""
            if let why = nameProblem(group) {
              problems.append(SchemaProblem("fairness '\(attribute)': group '\(group)' \(why)", at: item.location))
              valid = false
            } else {
              groups.append(LocatedName(name: group, location: item.location))
            }
          }
        } else {
          problems.append(
            SchemaProblem(
              "fairness '\(attribute)': groups must be a list of at least two group names",
              at: groupsNode.location, hint: "e.g. groups: [female, male]"))
          valid = false
        }
      }
      guard valid else { continue }
      bounds.append(
        FairnessBound(
          attribute: attribute, location: key.location, metric: metric, maxGap: gap,
          maxGapLocation: gapNode?.location ?? key.location, groups: groups))
    }
    return bounds
  }

  static func readBaseline(
    _ node: Node, metrics: [MetricBound], model: String,
    problems: inout [SchemaProblem]
  ) -> BaselineReference? {
    let example = "e.g. baseline: {auc: 0.70} (a simpler model's values) or baseline: {model: credit-risk-baseline}"
    if let name = node.string ?? node["model"]?.string {
      let at = node.string != nil ? node.location : (node["model"]?.location ?? node.location)
      if let pairs = node.pairs, pairs.count > 1 {
        problems.append(
          SchemaProblem(
            "'validation.baseline' names a model or gives metric values, not both", at: node.location, hint: example))
        return nil
      }
      guard ModelSpec.isSlug(name) else {
        problems.append(
          SchemaProblem("baseline model '\(name)' is not a model name (a lowercase slug)", at: at, hint: example))
        return nil
      }
      guard name != model else {
        problems.append(
          SchemaProblem(
            "'\(name)' cannot be its own baseline", at: at,
            hint: "name a simpler model of this repository, or give its metric values"))
        return nil
      }
      if !metrics.contains(where: { $0.direction != nil }) {
        problems.append(
          SchemaProblem(
            "baseline model '\(name)': validation.metrics has no bound to compare with", at: at,
            hint:
              "a min bound (higher is better) or a max bound (lower is better) in validation.metrics says which way each metric improves"
          ))
      }
      return .model(name, location: at)
    }
    guard let pairs = node.pairs, !pairs.isEmpty else {
      problems.append(
        SchemaProblem(
          "'validation.baseline' must be a model name or a mapping of metric to value, found \(node.typeDescription)",
          at: node.location, hint: example))
      return nil
    }
    var values: [BaselineValue] = []
    for (key, value) in pairs {
      let metric = key.scalarText ?? ""
      guard let number = value.number, number.isFinite else {
        problems.append(
          SchemaProblem(
            "baseline '\(metric)' must be a finite number, found \(value.typeDescription)",
            at: value.location, hint: "the simpler model's value, e.g. \(metric): 0.70"))
        continue
      }
      guard let bound = metrics.first(where: { $0.metric == metric }), bound.direction != nil else {
        let why = metrics.contains { $0.metric == metric } ? "bounds it on both sides" : "does not bound it"
        problems.append(
          SchemaProblem(
            "baseline '\(metric)': validation.metrics \(why), so which way is better is unknown",
            at: key.location,
            hint: "bound it in validation.metrics with min (higher is better) or max (lower is better)"))
        continue
      }
      values.append(BaselineValue(metric: metric, value: number, location: key.location))
    }
    return .values(values)
  }
}
