import ArgumentParser
import MLGitEngine

/// `mlgit run record --metrics FILE [--params FILE] [--commit REV]`: record a run made elsewhere.
struct RunRecordCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "record",
    abstract: "Record a run made elsewhere (a cluster, a notebook) on a commit.")

  @OptionGroup var inputs: RunInputs

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The hyperparameters used (JSON or YAML; default: the spec's, at the commit).", valueName: "file"),
    completion: .file(extensions: ["json", "yaml", "yml"]))
  var params: String?

  @Option(name: .long, help: ArgumentHelp("The commit the run trained from.", valueName: "rev"))
  var commit: String = "HEAD"

  @Option(name: .long, help: ArgumentHelp("The command that ran, for the record.", valueName: "text"))
  var command: String = ""

  @Option(name: .long, help: ArgumentHelp("The run's exit status.", valueName: "status"))
  var exit: Int = 0

  func run() throws {
    try RunRecording.refuseCommand(in: Array(CommandLine.arguments.dropFirst()))
    let recorded = try RunRecording(workspace: try Workspace.open()).record(
      on: commit, metrics: inputs.metrics, spec: inputs.spec, params: params, command: command, exit: exit)
    print(recorded.summary)
  }
}
