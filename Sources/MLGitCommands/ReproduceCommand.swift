import ArgumentParser
import MLGitEngine

/// `mlgit reproduce ID`: re-run a recorded run from its commit in a clean worktree.
struct ReproduceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reproduce",
    abstract: "Re-run a recorded run from its commit in a temporary worktree and compare its metrics.",
    discussion: """
      Shows the recorded command and asks before running it: the command comes from \
      refs/notes/mlgit/runs, which anyone who can push that ref writes. --yes runs it without \
      asking; without a terminal to ask on and without --yes, mlgit refuses (exit 2). \
      Checks the run's commit out in a temporary worktree (detached), runs the recorded command there \
      (from the same folder relative to the repository root as mlgit is run from), reads the metrics \
      file it writes, and compares each recorded metric within --tolerance. The worktree is removed \
      whatever happens. Exit status 0 when every metric reproduces, 1 when one does not, when the \
      command is declined, or when the run recorded no metrics (nothing to compare; with \
      --allow-no-metrics a matching exit status is then enough).
      """)

  @Argument(help: "The run's id (or a unique prefix).")
  var id: String

  @Flag(
    name: .long, help: "Run the recorded command without asking (for scripts: read it first with `mlgit runs show ID`)."
  )
  var yes = false

  @Flag(
    name: .long,
    help: "Accept a run that recorded no metrics when the exit status matches (else nothing is compared: exit 1).")
  var allowNoMetrics = false

  @Option(name: .long, help: "The metrics file the command writes, relative to where it runs.")
  var metrics: String = "metrics.json"

  @Option(name: .long, help: "The largest absolute difference accepted per metric.")
  var tolerance: Double = 0

  func run() throws {
    let request = try Reproduction.Request(
      id: id, yes: yes, allowNoMetrics: allowNoMetrics, metrics: metrics, tolerance: tolerance)
    let status = try Reproduction(workspace: try Workspace.open()).reproduce(request)
    if status != 0 { throw ExitCode(status) }
  }
}
