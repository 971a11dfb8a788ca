import ArgumentParser
import MLGitEngine
import MLGitReport

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
    let scope: CheckRequest.Scope
    if files {
      scope = .files(revisions)
    } else if let range {
      scope = .range(range)
    } else if all {
      scope = .all
    } else if !revisions.isEmpty {
      scope = .commits(revisions)
    } else {
      scope = .staged(amend: amend)
    }
    let (findings, checked) = try CheckRequest(scope: scope, branch: branch).run(in: try Workspace.open())
    let status = FindingOutput(format: format, colour: colour.choice).report(findings, checked: checked)
    if status != .ok { throw ExitCode(status.rawValue) }
  }
}
