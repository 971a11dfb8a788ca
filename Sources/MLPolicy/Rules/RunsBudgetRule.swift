import FoundationEssentials
import MLSpec

/// `runs/budget`: the best recorded run of a changed model stays within the spec's
/// `budget:` (wall time, peak memory, and growth over the previous version's best run).
public struct RunsBudgetRule: PolicyRule {
  public static let description = RuleDescription(
    id: "runs/budget",
    summary:
      "The best recorded run of a changed model stays within the spec's budget: (train_seconds, peak_memory_mb, max_increase_percent over the previous version)",
    rationale:
      "Training that quietly grows slower or hungrier becomes a cost and an outage before anyone notices; the budget makes the growth a decision (The ML Test Score, monitoring: computing performance has not regressed).",
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(
        Examples.budgetSpec("train_seconds: 3600, peak_memory_mb: 2048"),
        runs: [Examples.measuredRunLine(wall: 4100, peakMB: 900)], triggers: true),
      RuleExample(
        Examples.budgetSpec("train_seconds: 3600, peak_memory_mb: 2048"),
        runs: [Examples.measuredRunLine(wall: 1800, peakMB: 3000)], triggers: true),
      RuleExample(
        Examples.budgetSpec("train_seconds: 3600, peak_memory_mb: 2048"),
        runs: [Examples.measuredRunLine(wall: 1800, peakMB: 900)], triggers: false),
      // 1.3.0's best run took 1000 s: 1.4.0 may take 1200 s at most.
      RuleExample(
        Examples.budgetSpec("max_increase_percent: 20"), parent: Examples.previousVersion,
        runs: [Examples.measuredRunLine(wall: 1500, peakMB: 900, id: "run0000000b2")],
        earlierRuns: [Examples.measuredRunLine(wall: 1000, peakMB: 900, version: "1.3.0", id: "run0000000b1")],
        triggers: true),
      RuleExample(
        Examples.budgetSpec("max_increase_percent: 20"), parent: Examples.previousVersion,
        runs: [Examples.measuredRunLine(wall: 1100, peakMB: 950, id: "run0000000b2")],
        earlierRuns: [Examples.measuredRunLine(wall: 1000, peakMB: 900, version: "1.3.0", id: "run0000000b1")],
        triggers: false),
      // A run recorded elsewhere (`mlgit run record`) has no measurement to judge.
      RuleExample(
        Examples.budgetSpec("train_seconds: 3600"),
        runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81])], triggers: true),
      // No budget declared, or no run at all (runs/required's business): nothing to judge.
      RuleExample(Examples.validSpec, runs: [Examples.measuredRunLine(wall: 99999, peakMB: 99999)], triggers: false),
      RuleExample(Examples.budgetSpec("train_seconds: 3600"), triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard context.releaseGateApplies(id) else { return [] }
    var findings: [Finding] = []
    for change in changeSet.specs {
      guard let spec = change.new?.spec, let budget = spec.budget, !spec.name.isEmpty else { continue }
      // This version's runs on this commit: the ones a release of it ships from.
      let ofModel = context.runs(for: changeSet.origin).filter { $0.succeeded && $0.model == spec.name }
      if ofModel.isEmpty { continue }
      let measured = ofModel.filter { $0.resources != nil }
      guard let (best, _) = MetricCheck.best(of: measured, against: spec.metrics), let used = best.resources else {
        findings.append(
          finding(
            "no run of '\(spec.name)' on this commit recorded its resource usage, so budget: cannot be checked",
            path: change.path, at: budget.location, in: context,
            hint: "train with `mlgit run -- CMD…`, which measures the command (`mlgit run record` cannot)"))
        continue
      }
      if let limit = budget.trainSeconds, used.wallSeconds > limit.value {
        findings.append(
          finding(
            "best run \(best.id) of '\(spec.name)' took \(Examples.number(used.wallSeconds)) s, over budget.train_seconds \(Examples.number(limit.value))",
            path: change.path, at: limit.location, in: context,
            hint: "make training faster and record a new run, or raise the budget with review"))
      }
      if let limit = budget.peakMemoryMB, used.peakMemoryMB > limit.value {
        findings.append(
          finding(
            "best run \(best.id) of '\(spec.name)' peaked at \(Examples.number(used.peakMemoryMB)) MiB, over budget.peak_memory_mb \(Examples.number(limit.value))",
            path: change.path, at: limit.location, in: context,
            hint: "reduce training's memory and record a new run, or raise the budget with review"))
      }
      if let limit = budget.maxIncreasePercent, let current = spec.version, let commit = changeSet.origin.commit,
        let earlier = context.history?.previousVersion(
          of: change.path, model: spec.name, version: current, before: commit),
        let (previous, _) = MetricCheck.best(
          of: earlier.runs.filter { $0.resources != nil }, against: earlier.spec?.metrics ?? []),
        let before = previous.resources
      {
        let previousVersion = earlier.version
        let factor = 1 + limit.value / 100
        for (what, now, then, unit) in [
          ("wall time", used.wallSeconds, before.wallSeconds, "s"),
          ("peak memory", used.peakMemoryMB, before.peakMemoryMB, "MiB"),
        ]
        where then > 0 && now > then * factor {
          findings.append(
            finding(
              "best run \(best.id) of '\(spec.name)' \(current) used \(Examples.number(now)) \(unit) of \(what), "
                + "\(Examples.number(((now / then - 1) * 100 * 10).rounded() / 10))% above \(previousVersion)'s best run \(previous.id) (\(Examples.number(then)) \(unit)); budget.max_increase_percent is \(Examples.number(limit.value))",
              path: change.path, at: limit.location, in: context,
              hint: "find what made training costlier and record a new run, or raise max_increase_percent with review"))
        }
      }
    }
    return findings
  }

}

extension Examples {
  /// `validSpec` with a `budget:` block.
  static func budgetSpec(_ limits: String) -> String { validSpec + "budget: {\(limits)}\n" }

  /// A run line with measured resources, for rule examples.
  static func measuredRunLine(
    wall: Double, peakMB: Double, version: String? = "1.4.0", id: String = "0123456789ab",
    finished: String = "2026-01-01T11:00:00Z"
  ) -> String {
    RunRecord(
      id: id, commit: RuleExample.exampleCommit, model: "credit-risk", started: "2026-01-01T10:00:00Z",
      finished: finished, user: "alice@example.com", host: "trainer", command: "python train.py", exit: 0,
      params: .object(["max_depth": .int(6)]), metrics: ["auc": 0.81],
      resources: RunResources(
        wallSeconds: wall, userSeconds: wall * 0.9, systemSeconds: wall * 0.05,
        peakRSSBytes: Int64(peakMB * 1_048_576)), version: version
    ).line
  }

  /// A number as findings show it: whole numbers without a fraction, others to 3 decimals.
  static func number(_ value: Double) -> String {
    NumberText.string(value, places: 3)
  }
}
