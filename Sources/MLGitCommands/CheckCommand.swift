import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitReport
import MLPolicy

/// `mlgit check`: run the policy on a change.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run the policy on the staged change, a range of commits, named commits or all history.",
    discussion: """
      Each commit is judged on its own change against its first parent (a root commit: \
      against the empty tree), by the policy in force in that parent. In a shallow clone, \
      a commit whose parent was not fetched is skipped and named on standard error.

      Exit status: 0 no errors (warnings allowed), 1 policy errors, 2 bad usage or config, 3 git failure.
      """)

  @Flag(name: .long, help: "Check what the next commit will contain (the default).")
  var staged = false

  @Flag(
    name: .long,
    help:
      "Check spec, config and data files as they are in the work tree, staged or not: the PATHs given (files or folders), or every file the policy covers."
  )
  var files = false

  @Option(
    name: .long, help: "Check every commit in A..B (reachable from B, not from A), as CI does for a pull request.")
  var range: String?

  @Flag(name: .long, help: "Check every commit reachable from any branch or tag.")
  var all = false

  @Option(
    name: .long,
    help:
      "The branch the commits go to, for rules scoped with `branches:` (default: the first protected branch, e.g. main)."
  )
  var branch: String?

  @Flag(name: .long, help: "Judge the staged change as `git commit --amend` would commit it (against HEAD's parent).")
  var amend = false

  @Option(name: .long, help: "Output format: text, json, sarif or github (GitHub Actions annotations).")
  var format: OutputFormat = .text

  @OptionGroup var colour: ColourOption

  @Argument(help: "Commits to check, each on its own change (with --files: paths).")
  var revisions: [String] = []

  func validate() throws {
    let modes = [staged || amend, range != nil, all, !revisions.isEmpty || files].filter { $0 }.count
    if modes > 1 {
      throw ValidationError("choose one of --staged, --files [PATH…], --range A..B, --all or commits to check")
    }
    if let range, RevisionRange.split(range) == nil {
      throw ValidationError("--range takes A..B (two revisions), got '\(range)'")
    }
  }

  func run() throws {
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let findings: [Finding]
    let checked: String
    // The branch history checks judge commits as going to (see `Workspace.targetBranch`).
    let branchRef =
      staged || amend || (range == nil && !all && revisions.isEmpty) ? nil : try workspace.targetBranch(branch)
    if files {
      let result = try WorkTreeCheck(workspace: workspace).findings(paths: revisions)
      (findings, checked) = (
        result.findings, "work-tree files (\(result.checked) file\(result.checked == 1 ? "" : "s") checked)"
      )
    } else if let range, let (base, tip) = RevisionRange.split(range) {
      ClonedNotes.ensure(repo)
      let checker = HistoryChecker(repository: repo)
      KeptUntilExit.keep(checker)  // its caches hold every spec read
      let baseCommit = try resolve(base, in: repo)
      // The base is the branch before the range: its policy is in force for every commit of it.
      let report = try checker.judgeWalk(
        tips: [try resolve(tip, in: repo)], hidden: [baseCommit], stage: .range, branch: branchRef,
        base: BranchBase(name: base, commit: baseCommit))
      (findings, checked) = (report.findings, describe(report, "\(range)"))
      noteBoundary(report)
    } else if all {
      ClonedNotes.ensure(repo)
      let checker = HistoryChecker(repository: repo)
      KeptUntilExit.keep(checker)
      let tips = try PushCheck(repository: repo).localRefs().map(\.commit)
      let report = try checker.judgeWalk(tips: tips, hidden: [], stage: .range, branch: branchRef)
      (findings, checked) = (report.findings, describe(report, "all history"))
      noteBoundary(report)
    } else if !revisions.isEmpty {
      ClonedNotes.ensure(repo)
      let checker = HistoryChecker(repository: repo)
      var seen = Set<OID>()
      let commits = try revisions.map { try resolve($0, in: repo) }.filter { seen.insert($0).inserted }
      let report = try checker.judge(commits, stage: .range, branch: branchRef)
      (findings, checked) = (report.findings, describe(report, revisions.joined(separator: " ")))
      noteBoundary(report)
    } else {
      findings = try CheckRunner(workspace: workspace).checkStaged(stage: .commit, amend: amend)
      checked = "staged change"
    }
    let status = FindingOutput(format: format, colour: colour.choice).report(findings, checked: checked)
    if status != .ok { throw ExitCode(status.rawValue) }
  }

  func resolve(_ revision: String, in repo: Repository) throws -> OID {
    do {
      return try repo.resolveCommit(revision)
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
