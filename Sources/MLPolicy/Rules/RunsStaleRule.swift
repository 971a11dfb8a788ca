import FoundationEssentials
import MLSpec

/// `runs/stale`: the newest successful run of the version a change puts in force is
/// younger than the spec's `staleness.max_age_days`, as of the check's clock (a history
/// check: as of the commit's time, `CommitClock` in MLGitCommands).
public struct RunsStaleRule: PolicyRule {
  public static let description = RuleDescription(
    id: "runs/stale",
    summary: "The newest recorded run of a changed model's version is younger than the spec's staleness.max_age_days",
    rationale:
      "A model trained long ago on data that has since moved degrades silently; a declared maximum age turns retraining into a gate (The ML Test Score, monitoring: models are not too stale). Runs dated after the check's clock do not count, so a forged date cannot keep a model fresh forever.",
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      // The examples' clock is 2026-01-15T00:00:00Z.
      RuleExample(
        Examples.staleSpec(30),
        runs: [Examples.measuredRunLine(wall: 60, peakMB: 100, finished: "2026-01-10T00:00:00Z")],
        triggers: false),
      RuleExample(
        Examples.staleSpec(3),
        runs: [Examples.measuredRunLine(wall: 60, peakMB: 100, finished: "2026-01-10T00:00:00Z")],
        triggers: true),
      // Dated in the future: it does not count.
      RuleExample(
        Examples.staleSpec(30),
        runs: [Examples.measuredRunLine(wall: 60, peakMB: 100, finished: "2099-01-01T00:00:00Z")],
        triggers: true),
      // A run of the previous version does not make this one fresh; one of this version earlier in the history does.
      RuleExample(
        Examples.staleSpec(30), parent: Examples.previousVersion,
        runs: [Examples.measuredRunLine(wall: 60, peakMB: 100, id: "run0000000c2", finished: "2025-06-01T00:00:00Z")],
        earlierRuns: [
          Examples.measuredRunLine(
            wall: 60, peakMB: 100, version: "1.3.0", id: "run0000000c1", finished: "2026-01-14T00:00:00Z")
        ],
        triggers: true),
      RuleExample(
        Examples.staleSpec(30),
        runs: [Examples.measuredRunLine(wall: 60, peakMB: 100, id: "run0000000c2", finished: "2025-06-01T00:00:00Z")],
        earlierRuns: [
          Examples.measuredRunLine(wall: 60, peakMB: 100, id: "run0000000c1", finished: "2026-01-14T00:00:00Z")
        ],
        triggers: false),
      // No staleness declared, or no run at all (runs/required's business): nothing to judge.
      RuleExample(
        Examples.validSpec, runs: [Examples.measuredRunLine(wall: 60, peakMB: 100, finished: "2020-01-01T00:00:00Z")],
        triggers: false),
      RuleExample(Examples.staleSpec(30), triggers: false),
    ])

  /// How far ahead of the clock a run may be dated and still count (machines' clocks differ a little).
  public static let allowedSkew: TimeInterval = 300

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard context.releaseGateApplies(id) else { return [] }
    var findings: [Finding] = []
    for change in changeSet.specs {
      guard let spec = change.new?.spec, let staleness = spec.staleness, !spec.name.isEmpty else { continue }
      let candidates = RunsStaleRule.runsOfVersion(spec, at: change.path, on: changeSet.origin, in: context)
      guard let verdict = RunsStaleRule.judge(candidates, maxAgeDays: staleness.maxAgeDays, now: context.now) else {
        continue
      }
      let label = "'\(spec.name)'\(spec.version.map { " \($0)" } ?? "")"
      // A history check judges each commit as of its own time (CommitClock): say so.
      let ago = context.clockIsCommitTime ? "before the commit's time \(UTCTimestamp.string(context.now))" : "ago"
      let clock =
        context.clockIsCommitTime ? "the commit's time \(UTCTimestamp.string(context.now))" : "the check's clock"
      switch verdict {
      case .fresh:
        continue
      case .stale(let newest, let days):
        findings.append(
          finding(
            "newest run \(newest.id) of \(label) finished \(newest.finished), \(RunsStaleRule.daysText(days)) days \(ago), over staleness.max_age_days \(RunsStaleRule.daysText(staleness.maxAgeDays))",
            path: change.path, at: staleness.location, in: context,
            hint: "retrain this version and record the run (`mlgit run -- CMD…`), then `mlgit sync`"))
      case .onlyFuture(let run):
        findings.append(
          finding(
            "run \(run.id) of \(label) is dated \(run.finished), after \(clock): runs dated in the future do not count, so nothing shows this version fresh",
            path: change.path, at: staleness.location, in: context,
            hint: "record a run with a true date (`mlgit run -- CMD…`); check the training machine's clock"))
      }
    }
    return findings
  }

  /// The model's successful runs at the spec's version: those on the judged commit, and
  /// those on commits of its history where the spec at `path` has the same version
  /// (`RunHistory`, as `metrics/regression` places versions).
  static func runsOfVersion(_ spec: ModelSpec, at path: String, on origin: ChangeOrigin, in context: PolicyContext)
    -> [RunRecord]
  {
    var found = context.runs(for: origin).filter { $0.succeeded && $0.model == spec.name }
    var seen = Set(found.map(\.id))
    if let version = spec.version, let commit = origin.commit, let history = context.history {
      for run in history.runs(of: spec.name, at: path, version: version, reachableFrom: commit)
      where seen.insert(run.id).inserted {
        found.append(run)
      }
    }
    return found
  }

  /// How a version's runs stand against the clock.
  public enum Verdict: Equatable {
    /// The newest run that counts is younger than the maximum age.
    case fresh(RunRecord, days: Double)
    /// The newest run that counts is older.
    case stale(RunRecord, days: Double)
    /// Every run is dated after the clock (or undated): none counts.
    case onlyFuture(RunRecord)
  }

  /// The newest run dated no later than the clock (plus `allowedSkew`), and its age; nil without runs.
  public static func judge(_ runs: [RunRecord], maxAgeDays: Double, now: Date) -> Verdict? {
    let dated = runs.compactMap { run in UTCTimestamp.date(run.finished).map { (run, $0) } }
    let counted = dated.filter { $0.1.timeIntervalSince(now) <= allowedSkew }
    guard let (newest, finished) = counted.max(by: { $0.1 < $1.1 }) else {
      return (dated.max(by: { $0.1 < $1.1 })?.0 ?? runs.first).map(Verdict.onlyFuture)
    }
    let days = max(0, now.timeIntervalSince(finished)) / 86_400
    return days <= maxAgeDays ? .fresh(newest, days: days) : .stale(newest, days: days)
  }
}

extension RunsStaleRule {
  /// Days to one decimal, whole numbers without a fraction: `45.2`, `30`.
  public static func daysText(_ days: Double) -> String { Examples.number((days * 10).rounded() / 10) }
}

extension Examples {
  /// `validSpec` with `staleness: {max_age_days: N}`.
  static func staleSpec(_ days: Int) -> String { validSpec + "staleness: {max_age_days: \(days)}\n" }
}
