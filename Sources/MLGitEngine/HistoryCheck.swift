import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// What a history check found.
public struct HistoryReport {
  public var findings: [Finding] = []
  /// Commits judged.
  public var checked = 0
  /// Commits not judged because their parent is not in this (shallow) clone.
  public var boundary: [OID] = []

  mutating func merge(_ other: HistoryReport) {
    var seen = Set(findings.map(FindingIdentity.init))
    for finding in other.findings where seen.insert(FindingIdentity(finding)).inserted { findings.append(finding) }
    checked += other.checked
    for id in other.boundary where !boundary.contains(id) { boundary.append(id) }
  }
}

/// One commit as a history check judged it.
struct JudgedCommit {
  var commit: CommitInfo
  /// Its change against its first parent, limited to what the policy looks at.
  var change: ChangeSet
  var findings: [Finding]
  /// What the rules saw besides the change: the policy in force, the branch, the
  /// approvals (so a report can ask `ReviewRequirement` exactly what the rules asked).
  var context: PolicyContext
  /// The first parent's tree (nil: a root commit): where `.mlgit/allowed_signers` is read.
  var baseTree: OID?
}

/// Where a finding is and which rule made it: a commit judged against two parents reports
/// one finding per place.
private struct FindingPlace: Hashable {
  var rule, path: String
  var line, column: Int
  init(_ f: Finding) { (rule, path, line, column) = (f.rule, f.path, f.line, f.column) }
}

/// The branch a history check's commits go to, at its value before them: what the
/// branch has in force, which no commit may weaken by where it comes from.
public struct BranchBase: Sendable {
  /// The branch (`refs/heads/main`), or a revision for `check --range`.
  var name: String
  /// Its value before the push (the range's base).
  var commit: OID

  public init(name: String, commit: OID) {
    self.name = name
    self.commit = commit
  }
}

/// Which commits of a walk descend from the branch's old value. Their parents' policies
/// are the branch's own, reached through commits this check judges (a change under
/// `.mlgit/` among them needs approval by the policy before it); the policy of any
/// other parent (a rewritten history, a foreign root, a branch forked before a policy
/// change) is not in force on the branch, so the branch's is applied too.
struct BranchLineage {
  let base: BranchBase
  /// The commits of the walk: a parent outside it is hidden (already on the receiving side).
  let walked: Set<OID>
  private var descendants: Set<OID> = []
  private var outside: [OID: Bool] = [:]

  init(base: BranchBase, walked: Set<OID>) {
    self.base = base
    self.walked = walked
  }

  /// The parents of `commit` (met parents before children) that are neither the base
  /// nor descend from it; records whether `commit` itself descends from it.
  mutating func untrustedParents(of commit: CommitInfo, in repository: Repository) throws -> [OID] {
    var untrusted: [OID] = []
    for parent in commit.parents {
      if parent == base.commit || descendants.contains(parent) { continue }
      if !walked.contains(parent), repository.contains(parent) {
        // A hidden parent (on another ref the receiving side has) may still descend from the base.
        let known = try outside[parent] ?? repository.isDescendant(parent, of: base.commit)
        outside[parent] = known
        if known { continue }
      }
      untrusted.append(parent)
    }
    if untrusted.count < commit.parents.count { descendants.insert(commit.id) }
    return untrusted
  }
}

/// Two ref updates carrying one commit report its findings once.
private struct FindingIdentity: Hashable {
  var rule, message, path: String
  var line, column: Int
  var commit: String?
  init(_ f: Finding) {
    (rule, message, path, line, column, commit) = (f.rule, f.message, f.path, f.line, f.column, f.commit)
  }
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
public final class HistoryChecker {
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

  public init(repository: Repository) {
    self.repository = repository
  }

  /// Judges each commit in `commits` (in that order) for a change going to `branch`.
  public func judge(_ commits: [OID], stage: CheckStage, branch: String?, boundary known: Set<OID>? = nil) throws
    -> HistoryReport
  {
    try judge(stage: stage, branch: branch) { _ in (commits, known) }
  }

  /// Judges the commits reachable from `tips` and not from `hidden`, oldest first.
  /// `base`: the branch the commits go to, at its value before them.
  public func judgeWalk(tips: [OID], hidden: [OID], stage: CheckStage, branch: String?, base: BranchBase? = nil) throws
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
            stage: stage, branch: branch, base: base, untrustedParents: untrusted)
          try yield(asOf.map { step.judged(asOf: $0) } ?? step)
        }
      }, meanwhile: { try whileReading?() },
      consume: { step in
        switch step {
        case .boundary(let id):
          report.boundary.append(id)
        case .commit(let prepared, let others):
          var context = prepared.context
          context.runs = try recordedRuns(for: context.policy)
          context.history = try runHistory(for: context.policy, runs: context.runs)
          context.reproductions = try recordedReproductions(for: context.policy)
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
              otherContext.runs = try recordedRuns(for: otherContext.policy)
              otherContext.history = try runHistory(for: otherContext.policy, runs: otherContext.runs)
              otherContext.reproductions = try recordedReproductions(for: otherContext.policy)
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

  /// Recorded runs, read once per check, and only when a policy gates on them.
  private func recordedRuns(for policy: EffectivePolicy) throws -> [String: [RunRecord]] {
    guard HistoryChecker.runGates.contains(where: { policy.severity(of: $0) != .off }) else { return [:] }
    if let runs { return runs }
    let loaded = try RunLedger.load(repository)
    runs = loaded
    return loaded
  }

  private var runs: [String: [RunRecord]]?

  /// Reproductions' verdicts, read once per check, and only when runs/reproduced is on.
  private func recordedReproductions(for policy: EffectivePolicy) throws -> [String: [ReproductionRecord]] {
    guard policy.severity(of: RunsReproducedRule.description.id) != .off else { return [:] }
    if let reproductions { return reproductions }
    let loaded = try RunLedger.loadReproductions(repository)
    reproductions = loaded
    return loaded
  }

  private var reproductions: [String: [ReproductionRecord]]?

  /// The runs earlier in the history, for the rules that compare with them: one per
  /// check, made when a policy first has such a rule in force.
  private func runHistory(for policy: EffectivePolicy, runs: [String: [RunRecord]]) throws -> (any RunHistory)? {
    if let history { return history }
    history = try GitRunHistory.make(for: policy, repository: repository, runs: runs)
    return history
  }

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

/// The reading half of a history check: a commit's change against its first parent and
/// what the rules need besides (the policy in force, the approvals). Keeps what is read
/// once per check: policies by config blob, parsed specs, parameter files. The reading
/// thread prepares while the calling thread may ask for a commit's policy
/// (`HistoryChecker.policy(in:)`): every cache is behind a `Mutex` of its own.
final class CommitPreparer: Sendable {
  /// A commit read for judging, or one on the boundary of a shallow clone.
  enum Step {
    case boundary(OID)
    /// The commit against its first parent, and its other judgements (other parents,
    /// the branch's policy), each with a note for its findings.
    case commit(Prepared, [Prepared])
  }

  struct Prepared {
    var commit: CommitInfo
    var change: ChangeSet
    /// Without runs: the judging side adds them.
    var context: PolicyContext
    var parentTree: OID?
    /// Which policy `context.policy` is (its config blob, or "built-in"), for the finding cache.
    var policyKey: String
    /// Said after each finding of a judgement other than the first-parent one.
    var note: String?
    /// Judged by its own config as a repair of the broken one in force (BrokenPolicy.swift).
    var repairs: OID? = nil
    /// The parent the change is taken against (nil: the empty tree).
    var comparedWith: OID? = nil
  }

  let snapshots = SnapshotCache()
  let parameterFiles = ParameterFileIndex()
  private let policies = Mutex<[String: EffectivePolicy]>([:])
  private let prefixCache = Mutex<[String: [String]]>([:])

  /// Reads `commit`'s change through `repository`. `boundary`: the commits whose parent
  /// is known to be missing (nil: a parent is missing when `shallow` lists the commit or
  /// the repository lacks it).
  func prepare(
    _ commit: CommitInfo, in repository: Repository, reviews: ReviewSources, shallow: Set<OID>,
    boundary known: Set<OID>?, stage: CheckStage, branch: String?,
    base: BranchBase? = nil, untrustedParents: [OID] = []
  ) throws -> Step {
    if let parent = commit.parents.first {
      let isBoundary = known?.contains(commit.id) ?? (shallow.contains(commit.id) || !repository.contains(parent))
      if isBoundary { return .boundary(commit.id) }
    }
    let first = try prepare(
      commit, against: commit.parents.first, policyFrom: commit.parents.first, in: repository,
      reviews: reviews, stage: stage, branch: branch)
    var others: [Prepared] = []
    // A merge answers to every parent: content it holds that a parent lacks is a change
    // relative to that parent, judged by that parent's policy.
    for parent in commit.parents.dropFirst() where !shallow.contains(commit.id) && repository.contains(parent) {
      var other = try prepare(
        commit, against: parent, policyFrom: parent, in: repository, reviews: reviews,
        stage: stage, branch: branch)
      other.note = "against merge parent \(parent.short)"
      others.append(other)
    }
    if let base, commit.parents.isEmpty || !untrustedParents.isEmpty, repository.contains(base.commit) {
      let (_, baseKey) = try policyInForce(
        tree: try repository.treeOf(commit: base.commit), commit: base.commit, in: repository)
      let branchAt = "\(base.name) at \(base.commit.short)"
      if commit.parents.isEmpty {
        // A root commit reaching a branch with history establishes nothing: it is a
        // change of everything the branch holds, `.mlgit/` included.
        var other = try prepare(
          commit, against: base.commit, policyFrom: base.commit, in: repository, reviews: reviews,
          stage: stage, branch: branch)
        other.note = "a root commit judged against \(branchAt), before the push"
        others.append(other)
      }
      for parent in untrustedParents where repository.contains(parent) {
        let (_, key) = try policyInForce(tree: try repository.treeOf(commit: parent), commit: parent, in: repository)
        if key == baseKey { continue }
        var other = try prepare(
          commit, against: parent, policyFrom: base.commit, in: repository, reviews: reviews,
          stage: stage, branch: branch)
        other.note = "by the policy of \(branchAt), before the push; parent \(parent.short) is not on that branch"
        others.append(other)
      }
    }
    // A repair of a broken config is also judged by the built-in default pack, its floor.
    for judged in [first] + others {
      guard let broken = judged.repairs else { continue }
      var floor = try prepare(
        commit, against: judged.comparedWith, policyFrom: nil,
        in: repository, reviews: reviews, stage: stage, branch: branch)
      floor.note = "by the built-in default pack: \(commit.id.short) repairs the broken config of \(broken.short)"
      others.append(floor)
    }
    return .commit(first, others)
  }

  /// One judgement of `commit`: its change against `parent` (nil: the empty tree), by the
  /// policy in force in `policyCommit` (nil: the built-in policy), whose tree also holds
  /// the `.mlgit/allowed_signers` that approvals are checked against.
  private func prepare(
    _ commit: CommitInfo, against parent: OID?, policyFrom policyCommit: OID?, in repository: Repository,
    reviews: ReviewSources, stage: CheckStage, branch: String?
  ) throws -> Prepared {
    let parentTree = try parent.map { try repository.treeOf(commit: $0) }
    var policyTree: OID? = nil
    var policyKey = "built-in"
    var policy: EffectivePolicy
    var repairs: OID? = nil
    if let policyCommit {
      let tree = policyCommit == parent ? parentTree : try repository.treeOf(commit: policyCommit)
      policyTree = tree
      if let tree {
        do {
          (policy, policyKey) = try policyInForce(tree: tree, commit: policyCommit, in: repository)
        } catch let error as PolicyLoadError {
          // The config in force is broken: a commit that repairs it is judged by its own
          // config (and the default pack, added by the caller); any other is refused.
          policy = try PolicyRepair.ofCommit(commit, on: policyCommit, error: error, in: repository).policy
          (policyKey, repairs) = ("repair:\(commit.id.hex)", policyCommit)
        }
      } else {
        policy = try cachedPolicy(key: policyKey) { try EffectivePolicy.builtIn() }
      }
    } else {
      policy = try cachedPolicy(key: policyKey) { try EffectivePolicy.builtIn() }
    }
    let deltas = try repository.diff(
      from: parentTree, to: commit.tree, prefixes: prefixes(of: policy, key: policyKey, in: repository))
    var reader = ChangeReader(repository: repository, policy: policy, snapshots: snapshots)
    reader.parameterFiles = parameterFiles
    var change = try reader.commitChange(commit, parentTree: .some(parentTree), deltas: deltas)
    // Only a commit judged against nothing establishes the policy.
    change.isRoot = parent == nil
    var context = PolicyContext(policy: policy, stage: stage, branch: branch)
    context.reviews = try reviews.lookup(for: change, policy: policy, baseTree: policyTree)
    return Prepared(
      commit: commit, change: change, context: context, parentTree: policyTree, policyKey: policyKey,
      repairs: repairs, comparedWith: parent)
  }

  /// The folders a policy looks at, computed once per policy.
  private func prefixes(of policy: EffectivePolicy, key: String, in repository: Repository) -> [String] {
    if let known = prefixCache.withLock({ $0[key] }) { return known }
    let found = ChangeReader(repository: repository, policy: policy).prefixes
    prefixCache.withLock { $0[key] = found }
    return found
  }

  /// The policy `.mlgit/config.yml` in a tree sets, loaded once per config blob.
  func policyInForce(tree: OID, commit: OID, in repository: Repository) throws -> (EffectivePolicy, String) {
    let path = "\(HistoryChecker.configPath) (in \(commit.short))"
    guard let entry = try repository.policyEntry(at: HistoryChecker.configPath, inTree: tree, reportedAs: path) else {
      return (try cachedPolicy(key: "built-in") { try EffectivePolicy.builtIn() }, "built-in")
    }
    var key = entry.id.hex
    // A policy that extends pack files or runs scripts of its commit is reused only where those are unchanged.
    if let known = policies.withLock({ $0[key] }), !known.referencedFiles.isEmpty {
      let files = repository.policyFiles(in: tree)
      let same = known.referencedFiles.allSatisfy { path, blob in ((try? files(path)) ?? nil)?.blob == blob }
      if !same { key += "@\(tree.hex)" }
    }
    let policy = try cachedPolicy(key: key) {
      let data: Data
      do {
        data = try repository.blob(entry.id, limit: Document.sizeLimit)
      } catch let error as BlobTooLarge {
        throw PolicyLoadError(path: path, error: DocumentError(error.description))
      }
      return try EffectivePolicy.load(config: data, path: path, files: repository.policyFiles(in: tree))
    }
    return (policy, key)
  }

  private func cachedPolicy(key: String, _ load: () throws -> EffectivePolicy) throws -> EffectivePolicy {
    if let known = policies.withLock({ $0[key] }) { return known }
    // Loaded without the lock: a policy loads files and may run for a while.
    let policy = try load()
    policies.withLock { $0[key] = policy }
    return policy
  }
}

/// One line of a pre-push or pre-receive hook's input: a ref moving from `old` to `new`
/// (all zeros: created, or deleted).
public struct RefUpdate: Equatable {
  var ref: String
  var old: OID
  var new: OID

  var isDeletion: Bool { new.isZero }
  var isCreation: Bool { old.isZero }

  /// pre-push: `<local ref> <local sha> <remote ref> <remote sha>` lines; the remote ref is the target.
  public static func prePush(_ text: String) throws -> [RefUpdate] {
    try lines(text, fields: 4) { f in
      RefUpdate(ref: String(f[2]), old: try oid(f[3]), new: try oid(f[1]))
    }
  }

  /// pre-receive: `<old> <new> <ref>` lines.
  public static func preReceive(_ text: String) throws -> [RefUpdate] {
    try lines(text, fields: 3) { f in
      RefUpdate(ref: String(f[2]), old: try oid(f[0]), new: try oid(f[1]))
    }
  }

  private static func lines(_ text: String, fields: Int, _ make: ([Substring]) throws -> RefUpdate) throws
    -> [RefUpdate]
  {
    try text.split(whereSeparator: \.isNewline).compactMap { line in
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      if parts.isEmpty { return nil }
      guard parts.count == fields else {
        throw CommandFailure.usage("mlgit: cannot read hook input line '\(line)': expected \(fields) fields")
      }
      return try make(parts)
    }
  }

  private static func oid(_ text: Substring) throws -> OID {
    guard let id = OID(hex: String(text)) else {
      throw CommandFailure.usage("mlgit: cannot read hook input: '\(text)' is not an object id")
    }
    return id
  }

  /// The branch a change goes to, for branch-scoped rules (nil for tags and other refs).
  var branch: String? { ref.hasPrefix("refs/heads/") ? ref : nil }
}

/// A ref the other side already has, and the branch it stands for (nil for a tag).
public struct KnownRef {
  var branch: String?
  public var commit: OID
}

/// The checks of pushes: a client's pre-push and a server's pre-receive.
public struct PushCheck {
  let repository: Repository
  let checker: HistoryChecker

  public init(repository: Repository) {
    self.repository = repository
    self.checker = HistoryChecker(repository: repository)
  }

  /// Judges the commits each update would add: those reachable from its new value and
  /// not from what the receiving side already has there. Deletions, notes refs and refs
  /// that point at no commit (a tag of a tree or blob) are not checked as code.
  ///
  /// `known` lists the refs the receiving side has. An update hides its old value; a new
  /// ref (and, with `hideKnownForUpdates`, any ref) also hides the known refs, except
  /// that a protected branch only counts commits already on protected branches as
  /// checked: rules scoped to protected branches never ran on the others.
  public func check(_ updates: [RefUpdate], stage: CheckStage, known: [KnownRef], hideKnownForUpdates: Bool) throws
    -> HistoryReport
  {
    var report = HistoryReport()
    for update in updates {
      if update.isDeletion || update.ref.hasPrefix("refs/notes/") { continue }
      // Annotated tags are peeled; a ref to a tree or blob carries no commits.
      guard let tip = repository.peelToCommit(update.new) else { continue }
      let old = update.isCreation ? nil : repository.peelToCommit(update.old)
      var hidden: [OID] = old.map { [$0] } ?? []
      if old == nil || hideKnownForUpdates {
        let protected = try isProtected(update.branch, tip: tip, old: old)
        // Which other branches count as protected is the target's policy's say (the one in
        // force before the push), not the say of those branches' own tips.
        let target = try checker.policy(in: old ?? tip)
        hidden += known.filter { ref in
          guard protected else { return true }
          guard let branch = ref.branch else { return false }
          return PolicyContext(policy: target, stage: .push, branch: branch).onProtectedBranch
        }.map(\.commit)
      }
      let base = old.map { BranchBase(name: update.ref, commit: $0) }
      report.merge(try checker.judgeWalk(tips: [tip], hidden: hidden, stage: stage, branch: update.branch, base: base))
    }
    return report
  }

  /// True when `branch` is protected by the policy in `tip`'s tree or in `old`'s.
  private func isProtected(_ branch: String?, tip: OID, old: OID?) throws -> Bool {
    guard let branch else { return false }
    for commit in [tip] + (old.map { [$0] } ?? []) {
      let policy = try checker.policy(in: commit)
      if PolicyContext(policy: policy, stage: .push, branch: branch).onProtectedBranch { return true }
    }
    return false
  }

  /// The refs matching the globs, peeled to commits; `branch` names the branch each stands for.
  func knownRefs(matching glob: String, branch: (String) -> String?) throws -> [KnownRef] {
    var found: [KnownRef] = []
    for name in try repository.referenceNames(matching: glob) {
      guard let target = try? repository.referenceTarget(name), let commit = repository.peelToCommit(target) else {
        continue
      }
      found.append(KnownRef(branch: branch(name), commit: commit))
    }
    return found
  }

  /// pre-receive: this repository's branches and tags.
  public func localRefs() throws -> [KnownRef] {
    try knownRefs(matching: "refs/heads/*") { $0 } + knownRefs(matching: "refs/tags/*") { _ in nil }
  }

  /// pre-push: what the remote already has. For a named remote, its tracking refs; for a
  /// push to a URL (git passes the URL as the name), nothing is known.
  public func remoteRefs(remote: String) throws -> [KnownRef] {
    guard !remote.isEmpty, !remote.contains("/"), !remote.contains(":"),
      let url = try? repository.config().string("remote.\(remote).url"), !url.isEmpty
    else { return [] }
    let prefix = "refs/remotes/\(remote)/"
    return try knownRefs(matching: prefix + "*") { name in
      let short = String(name.dropFirst(prefix.count))
      return short == "HEAD" ? nil : "refs/heads/" + short
    }
  }

  /// Prints the findings of a push check to standard error (where git shows hook output,
  /// on the pushing side prefixed `remote:` for pre-receive) and returns the exit status.
  public static func report(_ report: HistoryReport, hook: String) -> ExitStatus {
    if !report.boundary.isEmpty {
      let list = report.boundary.map(\.short).joined(separator: ", ")
      printError(
        "mlgit: not checked: \(list): the parent is not in this shallow clone; the receiving side or CI checks it")
    }
    guard !report.findings.isEmpty else { return .ok }
    // Oldest commit first, as the walk listed them.
    let findings = report.findings
    let status = FindingOutput(format: .text).report(
      findings, checked: "\(hook), \(report.checked) commit\(report.checked == 1 ? "" : "s") checked",
      toStandardError: true)
    guard status != .ok else { return status }
    var offending: [String: [String]] = [:]
    var order: [String] = []
    for finding in findings where finding.severity == .error {
      // A ledger's deletion has no commit: the ref stands for it.
      let commit = finding.commit.map { String($0.prefix(8)) } ?? finding.path
      if offending[commit] == nil { order.append(commit) }
      let item = "\(finding.path) [\(finding.rule)]"
      if !(offending[commit] ?? []).contains(item) { offending[commit, default: []].append(item) }
    }
    printError(
      "mlgit: push refused: \(order.count) commit\(order.count == 1 ? "" : "s") break\(order.count == 1 ? "s" : "") the policy:"
    )
    for commit in order { printError("  \(commit): \((offending[commit] ?? []).joined(separator: ", "))") }
    let reviewRules: Set<String> = [ReviewRequirement.hyperparametersRule, ReviewRequirement.policyRule]
    let errors = findings.filter { $0.severity == .error }
    if !errors.isEmpty && errors.allSatisfy({ $0.rule.hasPrefix("ledger/") }) {
      printError(
        "mlgit: the ledgers (\(LedgerGuard.prefix)*) only grow: fetch them, merge keeping every record (mlgit sync) and push the result"
      )
      return status
    }
    if !errors.isEmpty && errors.allSatisfy({ reviewRules.contains($0.rule) }) {
      // Missing approvals are fixed by approving, not by rewriting: approvals follow the content.
      printError(
        "mlgit: get the approvals named above (mlgit review status), fetch refs/notes/mlgit/reviews and push again")
      return status
    }
    // Each commit is judged alone, so a later commit that repairs the file does not help.
    printError("mlgit: rewrite those commits (git rebase -i) and push again; each commit is judged on its own change")
    return status
  }
}
