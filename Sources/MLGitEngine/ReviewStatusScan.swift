import GitKit
import MLPolicy

/// What `mlgit review status` reports: in the commits of a range, the changes that need
/// approval or have some, each with its state, and how many are approved and waiting.
public struct ReviewStatusScan {
  let planner: ReviewPlanner

  /// Fetches the notes a fresh clone lacks first (see `ClonedNotes`), then opens the
  /// repository for planning.
  public static func open() throws -> ReviewStatusScan {
    if let workspace = try? Workspace.open() { ClonedNotes.ensure(workspace.repository) }
    return ReviewStatusScan(planner: try ReviewPlanner())
  }

  /// Where a change stands.
  public enum State: Equatable {
    /// The policy asks for no approval (it has some all the same).
    case notNeeded
    /// It has the approvals the policy asks for.
    case approved
    /// It lacks `missing` approvals.
    case waiting(missing: Int)
  }

  /// A commit with a change that needs approval or has some.
  public struct Commit {
    public var plan: ReviewPlanner.Plan
    /// Its changes that need approval or have some, in order, each with its state.
    public var changes: [(item: ReviewItem, state: State)]
  }

  public struct Summary: Equatable {
    /// The commits looked at, as the text's last line names them.
    public var range: String
    public var commitsChecked: Int
    /// Changes that need approval and have it, and those still waiting.
    public var approved: Int
    public var waiting: Int
  }

  /// Plans each commit of `range` (see `ReviewPlanner.commits`) and hands `each` those with
  /// a change to report, in walk order, as it goes.
  public func scan(_ range: String?, each: (Commit) throws -> Void) throws -> Summary {
    let selection = try planner.commits(range)
    var summary = Summary(
      range: selection.description, commitsChecked: selection.commits.count, approved: 0, waiting: 0)
    for id in selection.commits {
      let plan = try planner.plan(id)
      let changes: [(item: ReviewItem, state: State)] = plan.items.filter { $0.isRequired || !$0.approvals.isEmpty }
        .map { item in
          if !item.isRequired { return (item, .notNeeded) }
          if item.isSatisfied {
            summary.approved += 1
            return (item, .approved)
          }
          summary.waiting += 1
          return (item, .waiting(missing: item.required - item.approvals.count))
        }
      if changes.isEmpty { continue }
      try each(Commit(plan: plan, changes: changes))
    }
    return summary
  }
}
