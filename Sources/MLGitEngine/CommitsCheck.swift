import GitKit
import MLPolicy

/// `mlgit check --range A..B`, `--all` and named commits: each commit judged on its own
/// change by the policy in force in its parent (`HistoryChecker`), the notes a fresh
/// clone lacks fetched first (`ClonedNotes`), and commits past a shallow clone's boundary
/// named on standard error. Each answers the findings and what was checked, as the
/// report's summary line says it.
public struct CommitsCheck {
  let repository: Repository
  /// The branch the commits go to, for branch-scoped rules (`Workspace.targetBranch`).
  let branch: String?

  public init(repository: Repository, branch: String?) {
    self.repository = repository
    self.branch = branch
  }

  /// The commits of `base..tip` (`range` as the user wrote it).
  public func range(base: String, tip: String, as range: String) throws -> (findings: [Finding], checked: String) {
    let repo = repository
    ClonedNotes.ensure(repo)
    let checker = HistoryChecker(repository: repo)
    KeptUntilExit.keep(checker)  // its caches hold every spec read
    checker.keptUntilExit = true
    let baseCommit = try resolve(base)
    // The base is the branch before the range: its policy is in force for every commit of it.
    let report = try checker.judgeWalk(
      tips: [try resolve(tip)], hidden: [baseCommit], stage: .range, branch: branch,
      base: BranchBase(name: base, commit: baseCommit))
    noteBoundary(report)
    return (report.findings, describe(report, "\(range)"))
  }

  /// Every commit reachable from a branch or tag.
  public func all() throws -> (findings: [Finding], checked: String) {
    let repo = repository
    ClonedNotes.ensure(repo)
    let checker = HistoryChecker(repository: repo)
    KeptUntilExit.keep(checker)
    checker.keptUntilExit = true
    let tips = try PushCheck(repository: repo).localRefs().map(\.commit)
    let report = try checker.judgeWalk(tips: tips, hidden: [], stage: .range, branch: branch)
    noteBoundary(report)
    return (report.findings, describe(report, "all history"))
  }

  /// The commits named, each once, in the order given.
  public func commits(_ revisions: [String]) throws -> (findings: [Finding], checked: String) {
    let repo = repository
    ClonedNotes.ensure(repo)
    let checker = HistoryChecker(repository: repo)
    var seen = Set<OID>()
    let commits = try revisions.map { try resolve($0) }.filter { seen.insert($0).inserted }
    let report = try checker.judge(commits, stage: .range, branch: branch)
    noteBoundary(report)
    return (report.findings, describe(report, revisions.joined(separator: " ")))
  }

  func resolve(_ revision: String) throws -> OID {
    do {
      return try repository.resolveCommit(revision)
    } catch let error as GitError {
      throw CommandFailure.usage("mlgit: \(error.message)")
    }
  }

  func describe(_ report: HistoryReport, _ what: String) -> String {
    "\(what) (\(report.checked) commit\(report.checked == 1 ? "" : "s") checked)"
  }

  func noteBoundary(_ report: HistoryReport) {
    guard !report.boundary.isEmpty else { return }
    printError(
      "mlgit: not checked: \(report.boundary.map(\.short).joined(separator: ", ")): the parent is not in this shallow clone"
    )
  }
}
