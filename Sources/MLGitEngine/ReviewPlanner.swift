import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// Works out, for the review commands, what each commit changed that needs approval
/// and which approvals count, the way the hooks judge it.
public struct ReviewPlanner {
  let workspace: Workspace
  let sources: ReviewSources

  public init() throws {
    self.init(workspace: try Workspace.open())
  }

  init(workspace: Workspace) {
    self.workspace = workspace
    sources = ReviewSources(repository: workspace.repository)
  }

  public struct Plan {
    public var commit: CommitInfo
    var policy: EffectivePolicy
    var lookup: ReviewLookup
    public var items: [ReviewItem]
  }

  public func resolve(_ revision: String) throws -> OID {
    do {
      return try workspace.repository.resolveCommit(revision)
    } catch let error as GitError {
      throw CommandFailure.usage("mlgit: \(error.message)")
    }
  }

  /// A commit's reviewable changes, judged by the policy in its parent.
  public func plan(_ id: OID) throws -> Plan {
    let repo = workspace.repository
    let commit = try repo.commit(id)
    let parent = commit.parents.first
    let policy = try workspace.policy(before: parent)
    let change = try ChangeReader(repository: repo, policy: policy).commitChange(commit)
    let lookup = try sources.lookup(
      for: change, policy: policy, baseTree: try parent.map { try repo.treeOf(commit: $0) })
    // What must be approved before the change reaches a protected branch.
    var context = PolicyContext(
      policy: policy, stage: .range,
      branch: ReviewPlanner.firstProtectedBranch(policy).map { "refs/heads/\($0)" })
    context.reviews = lookup
    var items = ReviewRequirement.items(in: change, context: context)
    // The hooks judge a merge against every parent: what it holds that another parent
    // lacks is approved too, by that parent's policy.
    for other in commit.parents.dropFirst() where repo.contains(other) {
      let otherPolicy = try workspace.policy(before: other)
      let otherTree = try repo.treeOf(commit: other)
      let otherChange = try ChangeReader(repository: repo, policy: otherPolicy).commitChange(
        commit, parentTree: .some(otherTree))
      var otherContext = PolicyContext(policy: otherPolicy, stage: .range, branch: context.branch)
      otherContext.reviews = try sources.lookup(for: otherChange, policy: otherPolicy, baseTree: otherTree)
      for item in ReviewRequirement.items(in: otherChange, context: otherContext)
      where !items.contains(where: {
        $0.rule == item.rule && $0.path == item.path && $0.approvedBlob == item.approvedBlob && $0.hash == item.hash
      }) {
        items.append(item)
      }
    }
    return Plan(commit: commit, policy: policy, lookup: lookup, items: items)
  }

  /// The commits `review status` looks at, and how to say which they are.
  struct Selection {
    var commits: [OID]
    /// `origin/main..HEAD (the commits not yet on main)`, `A..B`, a commit's id.
    var description: String
  }

  /// The commits of `A..B`, of one commit, or by default those not yet on the first
  /// protected branch: what a reviewer who checked out the author's branch must see.
  func commits(_ range: String?) throws -> Selection {
    let repo = workspace.repository
    if let range, let (base, tip) = RevisionRange.split(range) {
      let walk = RevWalk(repository: repo)
      walk.push(try resolve(tip))
      walk.hide(try resolve(base))
      return Selection(commits: try walk.commits(), description: "\(base)..\(tip)")
    }
    if let range {
      let id = try resolve(range)
      return Selection(commits: [id], description: id.short)
    }
    guard let head = try repo.headCommit() else { return Selection(commits: [], description: "HEAD (no commit yet)") }
    let walk = RevWalk(repository: repo)
    walk.push(head)
    let (branch, base) = try defaultBase()
    if let base { walk.hide(base.commit) }
    let description: String
    switch (branch, base) {
    case (let branch?, let base?): description = "\(base.name)..HEAD (the commits not yet on \(branch))"
    case (let branch?, nil): description = "all of HEAD (no other copy of \(branch) to compare with)"
    case (nil, _): description = "all of HEAD (no protected branch to compare with)"
    }
    return Selection(commits: try walk.commits(), description: description)
  }

  /// The protected branch reviews are judged for: the first of `protected_branches` that
  /// is not a glob (`release/*` names no branch), else the first.
  static func firstProtectedBranch(_ policy: EffectivePolicy) -> String? {
    policy.protectedBranches.first { !$0.contains { "*?[".contains($0) } } ?? policy.protectedBranches.first
  }

  /// What the default range starts from: the first protected branch of HEAD's policy
  /// that is not a glob, as its remote-tracking ref when there is one (the remote's
  /// copy is what a change must reach; a local `main` may be stale or be the change
  /// itself), else the local branch unless HEAD is on it. Nil: nothing to compare with.
  func defaultBase() throws -> (branch: String?, base: (name: String, commit: OID)?) {
    let repo = workspace.repository
    let policy = try workspace.policy(before: try repo.headCommit())
    guard let branch = ReviewPlanner.firstProtectedBranch(policy), !branch.contains(where: { "*?[".contains($0) })
    else {
      return (nil, nil)
    }
    let config = try repo.config()
    var remotes: [String] = []
    // The remote main itself tracks, the remote of the checked-out branch, origin, then any other.
    if let remote = try config.string("branch.\(branch).remote"), remote != "." { remotes.append(remote) }
    if let current = repo.headBranch(), current.hasPrefix("refs/heads/"),
      let remote = try config.string("branch.\(current.dropFirst("refs/heads/".count)).remote"), remote != "."
    {
      remotes.append(remote)
    }
    remotes.append("origin")
    remotes += try config.remoteNames().sorted()
    var seen = Set<String>()
    for remote in remotes where seen.insert(remote).inserted {
      var name = "refs/remotes/\(remote)/\(branch)"
      if remote == remotes.first, let merge = try config.string("branch.\(branch).merge"),
        merge.hasPrefix("refs/heads/")
      {
        name = "refs/remotes/\(remote)/\(merge.dropFirst("refs/heads/".count))"
      }
      if let target = try repo.referenceTarget(name), let commit = repo.peelToCommit(target) {
        return (branch, (String(name.dropFirst("refs/remotes/".count)), commit))
      }
    }
    let local = "refs/heads/\(branch)"
    if repo.headBranch() != local, let target = try repo.referenceTarget(local), let commit = repo.peelToCommit(target)
    {
      return (branch, (branch, commit))
    }
    return (branch, nil)
  }
}
