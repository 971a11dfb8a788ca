import GitKit
import MLPolicy

/// What `mlgit check` judges, as its options name it, and the line that says what was
/// checked: the staged change, work-tree files, a range, all history or named commits.
public struct CheckRequest {
  public enum Scope: Equatable {
    /// The staged change (as `git commit --amend` would commit it, with `amend`).
    case staged(amend: Bool)
    /// Work-tree files: the paths given, or every file the policy covers.
    case files([String])
    /// Every commit in `A..B`.
    case range(String)
    /// Every commit reachable from a branch or tag.
    case all
    /// The commits named, each on its own change.
    case commits([String])
  }

  let scope: Scope
  /// `--branch`: the branch the commits go to, for rules scoped with `branches:`.
  let branch: String?

  public init(scope: Scope, branch: String?) {
    self.scope = scope
    self.branch = branch
  }

  /// The findings and what was checked. The branch the commits go to is worked out
  /// (`Workspace.targetBranch`, which fails on a HEAD policy it cannot read) for the
  /// scopes of commits only: the staged change and work-tree files do not go to a branch.
  public func run(in workspace: Workspace) throws -> (findings: [Finding], checked: String) {
    let repository = workspace.repository
    let branchRef: String?
    switch scope {
    case .staged, .files: branchRef = nil
    default: branchRef = try workspace.targetBranch(branch)
    }
    switch scope {
    case .files(let paths):
      let result = try WorkTreeCheck(workspace: workspace).findings(paths: paths)
      return (result.findings, "work-tree files (\(result.checked) file\(result.checked == 1 ? "" : "s") checked)")
    case .range(let range):
      guard let (base, tip) = RevisionRange.split(range) else {
        throw CommandFailure.usage("mlgit: --range takes A..B (two revisions), got '\(range)'")
      }
      return try CommitsCheck(repository: repository, branch: branchRef).range(base: base, tip: tip, as: range)
    case .all:
      return try CommitsCheck(repository: repository, branch: branchRef).all()
    case .commits(let revisions):
      return try CommitsCheck(repository: repository, branch: branchRef).commits(revisions)
    case .staged(let amend):
      return (try CheckRunner(workspace: workspace).checkStaged(stage: .commit, amend: amend), "staged change")
    }
  }
}
