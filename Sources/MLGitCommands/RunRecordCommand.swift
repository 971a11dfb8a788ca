import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

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
    if let terminator = CommandLine.arguments.dropFirst().firstIndex(of: "--"),
      terminator + 1 < CommandLine.arguments.count
    {
      // ArgumentParser hands what follows `--` to `run`'s command argument, which `run record`
      // never reads: refused here, not dropped. None of record's options takes `--` as a value.
      let given = TerminalText.escape(CommandLine.arguments[(terminator + 1)...].joined(separator: " "))
      throw CommandFailure.usage(
        "mlgit: run record records a run made elsewhere and runs nothing, so it does not take a command after --, got '\(given)'\n"
          + "  hint: to run it and record the run: mlgit run [--metrics FILE] -- \(given); to name the command a recorded run ran: mlgit run record --command '\(given)' …"
      )
    }
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let target: OID
    do {
      target = try repo.resolveCommit(commit)
    } catch let error as GitError {
      throw CommandFailure.usage("mlgit: \(error.message)")
    }
    let policy = try workspace.policy(before: target)
    let model = try RunSpec.find(inputs.spec, policy: policy, repository: repo, source: .commit(target))
    let metricsFiles = try RunMetricsFiles.resolve(
      flags: inputs.metrics, spec: model, root: repo.workingDirectory, gitDirectory: repo.gitDirectory)
    guard !metricsFiles.files.isEmpty else {
      throw CommandFailure.usage(
        "mlgit: give the run's metrics with --metrics FILE (the spec names no validation.metrics_files and there is no dvc.yaml with metrics)"
      )
    }
    let values = try metricsFiles.readAll()
    var paramsValue = model?.params ?? .object([:])
    if let params {
      do {
        paramsValue = JSONValue(try Document.parse(try RunSpec.read(params)))
      } catch let error as DocumentError {
        throw CommandFailure.usage("\(params):\(error.location.line):\(error.location.column): error: \(error.message)")
      }
    }
    let now = Date()
    let record = RunRecord(
      id: RunRecord.newID(now: now), commit: target.hex, model: model?.name ?? "",
      started: UTCTimestamp.string(now), finished: UTCTimestamp.string(now), user: RunSpec.user(repo),
      host: ProcessInfo.processInfo.hostName, command: command, exit: exit, params: paramsValue, metrics: values,
      version: model?.version)
    try RunLedger(repository: repo).record(record, on: target)
    print(
      TerminalText.escape(
        "mlgit: recorded run \(record.id)\(record.model.isEmpty ? "" : " of \(record.model)") on \(target.short)"))
  }
}
