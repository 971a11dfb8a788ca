import FoundationEssentials
import GitKit
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

/// Runs the policy on the staged change or on commits, and reports.
public struct CheckRunner {
  let workspace: Workspace
  let engine = PolicyEngine()
  public init(workspace: Workspace) { self.workspace = workspace }

  /// Findings for what the next commit will contain, judged by the policy of the commit
  /// it will sit on: HEAD, or HEAD's first parent when amending (HEAD is being replaced).
  public func checkStaged(stage: CheckStage, amend: Bool = false) throws -> [Finding] {
    try checkStaged(stage: stage, amend: amend, invocation: nil)
  }

  /// `invocation`: the `git commit` that runs the hook, when known (whether it signs).
  func checkStaged(stage: CheckStage, amend: Bool, invocation: GitInvocation?) throws -> [Finding] {
    let repo = workspace.repository
    var head = try repo.headCommit()
    if amend, let current = head {
      head = try repo.commit(current).parents.first
    }
    let (policy, repair) = try workspace.stagedPolicy(before: head)
    guard let repair else { return try findings(under: policy, head: head, stage: stage, invocation: invocation) }
    printError(repair.notice)
    return PolicyRepair.atLeast(
      try findings(under: repair.policy, head: head, stage: stage, invocation: invocation),
      floor: try findings(under: repair.floor, head: head, stage: stage, invocation: invocation))
  }

  /// Findings for the staged change on `head` under `policy`.
  private func findings(under policy: EffectivePolicy, head: OID?, stage: CheckStage, invocation: GitInvocation?) throws
    -> [Finding]
  {
    let repo = workspace.repository
    let reader = ChangeReader(repository: repo, policy: policy)
    var change = try reader.stagedChange(indexPath: workspace.indexPath, head: head)
    var context = PolicyContext(policy: policy, stage: stage, branch: repo.headBranch())
    if ReviewSources.mayNeedReviews(change) {
      // The staged change's author is who git will record: so a reviewer's earlier
      // approval of this exact content counts, and the author's own does not.
      if change.origin.authorEmail.isEmpty {
        change.origin.authorEmail =
          ReviewSources.identity(
            of: repo, environment: workspace.environment,
            variable: "GIT_AUTHOR_EMAIL") ?? ""
      }
      context.reviews = try ReviewSources(repository: repo).lookup(
        for: change, policy: policy,
        baseTree: try head.map { try repo.treeOf(commit: $0) })
      if policy.checksCommitSignatures {
        context.reviews.commitSigner = ReviewSources.stagedSigner(
          repository: repo, environment: workspace.environment,
          invocation: invocation)
      }
    }
    // The run gates only look at recorded runs where commits are pushed.
    if stage.isPushLike {
      context.runs = try RunLedger.load(repo)
      context.history = try GitRunHistory.make(for: policy, repository: repo, runs: context.runs)
      if policy.severity(of: RunsReproducedRule.description.id) != .off {
        context.reproductions = try RunLedger.loadReproductions(repo)
      }
    }
    return engine.evaluate(change, in: context)
  }
}
