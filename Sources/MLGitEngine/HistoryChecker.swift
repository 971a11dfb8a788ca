import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// Where a finding is and which rule made it: a commit judged against two parents reports
/// one finding per place.
private struct FindingPlace: Hashable {
  var rule, path: String
  var line, column: Int
  init(_ f: Finding) { (rule, path, line, column) = (f.rule, f.path, f.line, f.column) }
}

/// Judges commits one by one, each on its own change against its first parent (a root
/// commit: against the empty tree) and by the policy in force in that parent.
///
/// What is in force on a branch is never weakened by where a commit comes from: a merge
/// is also judged against each of its other parents, by that parent's policy; and when
/// the commits go to a branch that already has history (`BranchBase`: a push's old
/// value, a range's base), a commit whose parent is not the branch's old value or a
/// descendant of it is judged by the branch's policy too, and a root commit is judged
/// against the branch's old value, by its policy, as if it had been committed on top of it.
///
/// Shared work is done once per check: each policy is loaded once per config blob, each
/// spec blob is parsed once, and the findings of blob-determined rules are reused
/// (`FindingCache`). A commit whose first parent is missing (the boundary of a shallow
/// clone) is not judged: comparing it with the empty tree would report every spec it
/// holds as new. It is listed in `HistoryReport.boundary` instead.
///
/// Two stages run side by side (`ReadAhead`): a second thread walks the history and
/// reads each commit's change through its own repository handle (`CommitPreparer`),
/// while the calling thread runs the rules and `onJudged`, in order.
final class HistoryChecker {
  let repository: Repository
  let engine = PolicyEngine()
  let findingCache = FindingCache()
  /// Reads commits' changes; used by one thread at a time.
  private let preparer = CommitPreparer()
  /// Approvals, read from the notes ref at most once per check.
  lazy var reviews = ReviewSources(repository: repository)
  static let configPath = ".mlgit/config.yml"

  /// Called for each commit judged, in order, with its change and its findings (for
  /// reports that show more than findings: `mlgit audit`).
  var onJudged: ((JudgedCommit) throws -> Void)?
  /// Decides which commits of a walk are judged (nil: all); the others are skipped
  /// silently. Called on the reading thread.
  var include: (@Sendable (CommitInfo) -> Bool)?
  /// Runs on the calling thread while the reading thread starts on the history, before
  /// any commit is judged (an audit reads the runs ledger there).
  var whileReading: (() throws -> Void)?

  /// True when the process keeps this checker until it exits (a command's one check):
  /// the reading handle is then kept too. Freeing its object cache (every commit and
  /// tree read) at the end was 1% of `check --range`.
  var keptUntilExit = false

  init(repository: Repository) {
    self.repository = repository
  }

  /// Judges each commit in `commits` (in that order) for a change going to `branch`.
  func judge(_ commits: [OID], stage: CheckStage, branch: String?, boundary known: Set<OID>? = nil) throws
    -> HistoryReport
  {
    try judge(stage: stage, branch: branch) { _ in (commits, known) }
  }

  /// Judges the commits reachable from `tips` and not from `hidden`, oldest first.
  /// `base`: the branch the commits go to, at its value before them.
  func judgeWalk(tips: [OID], hidden: [OID], stage: CheckStage, branch: String?, base: BranchBase? = nil) throws
    -> HistoryReport
  {
    try judge(stage: stage, branch: branch, base: base) { repository in
      let walk = RevWalk(repository: repository)
      tips.forEach(walk.push)
      hidden.forEach(walk.hide)
      return (try walk.commits(), walk.boundary)
    }
  }

  /// `list` gives the commits to judge and the boundary commits known (nil: found out
  /// commit by commit), reading through the repository handle it is given.
  private func judge(
    stage: CheckStage, branch: String?, base: BranchBase? = nil,
    list: @escaping @Sendable (Repository) throws -> ([OID], Set<OID>?)
  ) throws -> HistoryReport {
    var report = HistoryReport()
    let reading = try repository.reopen()
    if keptUntilExit { KeptUntilExit.keep(reading) }
    let preparer = self.preparer
    let shared = self.reviews.shared
    let include = self.include
    try ReadAhead.run(
      produce: { (yield: (CommitPreparer.Step) throws -> Void) in
        let reviews = ReviewSources(repository: reading, sharing: shared)
        let (commits, known) = try list(reading)
        let shallow = known == nil ? reading.shallowCommits() : []
        var lineage = base.map { BranchLineage(base: $0, walked: Set(commits)) }
        // History checks judge evidence ages as of each commit's time; the hooks, as of the clock.
        var clock = stage == .range ? CommitClock() : nil
        for id in commits {
          let commit = try reading.commit(id)
          let untrusted = try lineage?.untrustedParents(of: commit, in: reading) ?? []
          let asOf = clock?.time(of: commit, in: reading)
          if let include, !include(commit) { continue }
          let step = try preparer.prepare(
            commit, in: reading, reviews: reviews, shallow: shallow, boundary: known,
            stage: stage, branch: branch, base: base, untrustedParents: untrusted, asOf: asOf)
          try yield(step)
        }
      }, meanwhile: { try whileReading?() },
      consume: { step in
        switch step {
        case .boundary(let id):
          report.boundary.append(id)
        case .commit(let prepared, let others):
          var context = prepared.context
          try addEvidence(to: &context, policyKey: prepared.policyKey)
          var findings = engine.evaluate(
            prepared.change, in: context, cache: findingCache, policyKey: prepared.policyKey)
          if !others.isEmpty {
            // One finding per place and rule: the most severe one (a policy that makes an
            // error a warning must not hide the stricter judgement), else the first; those
            // of other judgements say what they were judged against.
            var place = Dictionary(findings.enumerated().map { (FindingPlace($0.element), $0.offset) }) { first, _ in
              first
            }
            for other in others {
              var otherContext = other.context
              try addEvidence(to: &otherContext, policyKey: other.policyKey)
              for var finding in engine.evaluate(
                other.change, in: otherContext, cache: findingCache, policyKey: other.policyKey)
              {
                if let note = other.note { finding.message += " (\(note))" }
                let key = FindingPlace(finding)
                if let known = place[key] {
                  if findings[known].severity < finding.severity { findings[known] = finding }
                } else {
                  place[key] = findings.count
                  findings.append(finding)
                }
              }
            }
            findings.sort(by: Finding.stableOrder)
          }
          report.findings += findings
          report.checked += 1
          try onJudged?(
            JudgedCommit(
              commit: prepared.commit, change: prepared.change, findings: findings, context: context,
              baseTree: prepared.parentTree))
        }
      })
    return report
  }

  /// Which recorded evidence a policy's rules read: worked out once per policy (by its
  /// key), not once per commit (ten rules' severities asked of every commit's policy were
  /// 6% of `check --range`).
  private struct EvidenceNeeds {
    var runs, history, reproductions: Bool
  }

  private var evidenceNeeds: [String: EvidenceNeeds] = [:]

  /// Gives `context` the runs, the run history and the reproductions its policy's rules read.
  private func addEvidence(to context: inout PolicyContext, policyKey: String) throws {
    let needs: EvidenceNeeds
    if let known = evidenceNeeds[policyKey] {
      needs = known
    } else {
      let policy = context.policy
      needs = EvidenceNeeds(
        runs: HistoryChecker.runGates.contains { policy.severity(of: $0) != .off },
        history: GitRunHistory.askingRules.contains { policy.severity(of: $0) != .off },
        reproductions: policy.severity(of: RunsReproducedRule.description.id) != .off)
      evidenceNeeds[policyKey] = needs
    }
    context.runs = needs.runs ? try recordedRuns() : [:]
    if history == nil && needs.history {
      history = try GitRunHistory(repository: repository.reopen(), runs: context.runs)
    }
    context.history = history
    context.reproductions = needs.reproductions ? try recordedReproductions() : [:]
    // One context per judged change: the review rule and the audit share its review items.
    context.reviewItemsMemo = ReviewItemsMemo()
  }

  /// Recorded runs, read once per check, and only when a policy gates on them.
  private func recordedRuns() throws -> [String: [RunRecord]] {
    if let runs { return runs }
    let loaded = try RunLedger.load(repository)
    runs = loaded
    return loaded
  }

  private var runs: [String: [RunRecord]]?

  /// Reproductions' verdicts, read once per check, and only when runs/reproduced is on.
  private func recordedReproductions() throws -> [String: [ReproductionRecord]] {
    if let reproductions { return reproductions }
    let loaded = try RunLedger.loadReproductions(repository)
    reproductions = loaded
    return loaded
  }

  private var reproductions: [String: [ReproductionRecord]]?

  /// The runs earlier in the history, for the rules that compare with them: one per
  /// check, made when a policy first has such a rule in force.
  private var history: GitRunHistory?

  /// Hands the checker runs its caller has already read, so they are not read twice.
  func provideRuns(_ runs: [String: [RunRecord]]) { self.runs = runs }
  static let runGates = [
    "runs/required", "metrics/threshold", "runs/clean-tree", "metrics/slices", "metrics/fairness",
    "metrics/baseline", "metrics/regression", "runs/budget", "runs/stale", "runs/reproduced",
  ]

  /// The policy a commit's own tree sets (what is in force for its children).
  func policy(in commit: OID) throws -> EffectivePolicy {
    do {
      return try preparer.policyInForce(tree: try repository.treeOf(commit: commit), commit: commit, in: repository).0
    } catch let error as PolicyLoadError {
      throw PolicyRepair.broken(error, in: commit, holder: commit.short, repository: repository)
    }
  }
}
