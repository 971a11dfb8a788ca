import ArgumentParser
import MLGitEngine

/// `mlgit run [--metrics FILE] [--spec FILE] -- CMD…`: run a training command and record it
/// on HEAD in `refs/notes/mlgit/runs`; `mlgit run record` records a run made elsewhere.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a training command and record the run on HEAD, or (run record) record a run made elsewhere.",
    usage: """
      mlgit run [--metrics <file> ...] [--spec <file>] -- <command> ...
      mlgit run record [--metrics <file> ...] [--params <file>] [--commit <rev>] [--spec <file>] [--command <text>] [--exit <status>]
      """,
    discussion: """
      The command's output streams through and mlgit exits with its status. The record holds the \
      spec's hyperparameters, the metrics the command wrote (--metrics), the sha256 of the spec's \
      data files, and whether the working tree was dirty. With rule runs/clean-tree at error, \
      mlgit refuses to run in a dirty working tree.
      """,
    subcommands: [RunRecordCommand.self])

  @OptionGroup var inputs: RunInputs

  @Argument(
    parsing: .postTerminator,
    help: ArgumentHelp("The training command and its arguments, after --.", valueName: "command"))
  var command: [String] = []

  func run() throws {
    let request = try TrainingRun.Request(command: command, metrics: inputs.metrics, spec: inputs.spec)
    let status = try TrainingRun(workspace: try Workspace.open()).run(request)
    if status != 0 { throw ExitCode(status) }
  }
}
