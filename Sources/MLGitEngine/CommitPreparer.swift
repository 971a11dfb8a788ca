import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

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
    /// Judged by its own config as a repair of the broken one in force (PolicyRepair.swift).
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
  /// the repository lacks it). `asOf`: the time every judgement's evidence ages are
  /// judged at (`CommitClock`; nil: the check's clock).
  func prepare(
    _ commit: CommitInfo, in repository: Repository, reviews: ReviewSources, shallow: Set<OID>,
    boundary known: Set<OID>?, stage: CheckStage, branch: String?,
    base: BranchBase? = nil, untrustedParents: [OID] = [], asOf: Int64? = nil
  ) throws -> Step {
    if let parent = commit.parents.first {
      let isBoundary = known?.contains(commit.id) ?? (shallow.contains(commit.id) || !repository.contains(parent))
      if isBoundary { return .boundary(commit.id) }
    }
    let first = try prepare(
      commit, against: commit.parents.first, policyFrom: commit.parents.first, in: repository,
      reviews: reviews, stage: stage, branch: branch, asOf: asOf)
    var others: [Prepared] = []
    // A merge answers to every parent: content it holds that a parent lacks is a change
    // relative to that parent, judged by that parent's policy.
    for parent in commit.parents.dropFirst() where !shallow.contains(commit.id) && repository.contains(parent) {
      var other = try prepare(
        commit, against: parent, policyFrom: parent, in: repository, reviews: reviews,
        stage: stage, branch: branch, asOf: asOf)
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
          stage: stage, branch: branch, asOf: asOf)
        other.note = "a root commit judged against \(branchAt), before the push"
        others.append(other)
      }
      for parent in untrustedParents where repository.contains(parent) {
        let (_, key) = try policyInForce(tree: try repository.treeOf(commit: parent), commit: parent, in: repository)
        if key == baseKey { continue }
        var other = try prepare(
          commit, against: parent, policyFrom: base.commit, in: repository, reviews: reviews,
          stage: stage, branch: branch, asOf: asOf)
        other.note = "by the policy of \(branchAt), before the push; parent \(parent.short) is not on that branch"
        others.append(other)
      }
    }
    // A repair of a broken config is also judged by the built-in default pack, its floor.
    // (Parent, broken config) pairs, not the judgements themselves: copying each prepared
    // judgement into a list showed in profiles of every commit.
    let judgements = [(first.comparedWith, first.repairs)] + others.map { ($0.comparedWith, $0.repairs) }
    for (comparedWith, repairs) in judgements {
      guard let broken = repairs else { continue }
      var floor = try prepare(
        commit, against: comparedWith, policyFrom: nil,
        in: repository, reviews: reviews, stage: stage, branch: branch, asOf: asOf)
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
    reviews: ReviewSources, stage: CheckStage, branch: String?, asOf: Int64?
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
    if let asOf { context.judge(asOf: asOf) }
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
    // The name errors give the config, written out only for an error (not for every commit).
    func path() -> String { "\(HistoryChecker.configPath) (in \(commit.short))" }
    let found: TreeEntry?
    do {
      found = try repository.policyEntry(at: HistoryChecker.configPath, inTree: tree)
    } catch is UnresolvablePath, is PolicyLinkOutside {
      // The same lookup, for the error that names the config.
      found = try repository.policyEntry(at: HistoryChecker.configPath, inTree: tree, reportedAs: path())
    }
    guard let entry = found else {
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
        throw PolicyLoadError(path: path(), error: DocumentError(error.description))
      }
      return try EffectivePolicy.load(config: data, path: path(), files: repository.policyFiles(in: tree))
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
