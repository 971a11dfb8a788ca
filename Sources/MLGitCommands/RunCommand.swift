import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

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
    guard !command.isEmpty else {
      throw CommandFailure.usage(
        "mlgit: give the training command after --, e.g. `mlgit run --metrics metrics.json -- python train.py`")
    }
    let workspace = try Workspace.open()
    let repo = workspace.repository
    guard let root = repo.workingDirectory else { throw CommandFailure.usage("mlgit: run needs a working tree") }
    guard let head = try repo.headCommit() else {
      throw CommandFailure.usage("mlgit: run records on HEAD, and this repository has no commit yet")
    }
    let policy = try workspace.policy(before: head)
    let model = try RunSpec.find(inputs.spec, policy: policy, repository: repo, source: .workingTree(root))

    let dirty = try RunSpec.isDirty(root)
    if dirty {
      switch policy.severity(of: "runs/clean-tree") {
      case .error:
        printError("mlgit: the working tree has uncommitted changes; commit or stash them first [runs/clean-tree]")
        throw ExitCode(ExitStatus.findings.rawValue)
      case .warning, .note:
        printError(
          "mlgit: warning: the run is made from a dirty working tree and is recorded as dirty [runs/clean-tree]")
      case .off: break
      }
    }
    // The data files are hashed and, with data/schema on, checked against their schemas in the
    // same pass; at error the training does not start (nothing is recorded).
    let schemaSeverity =
      PolicyContext(policy: policy, stage: .commit, branch: repo.headBranch()).applies(DataSchemaRule.description.id)
      ? policy.severity(of: DataSchemaRule.description.id) : .off
    let (data, schemaFindings) =
      try model?.hashData(
        try WorkTreeFiles(root: root, gitDirectory: repo.gitDirectory),
        schemaSeverity: schemaSeverity) ?? ([:], [])
    if !schemaFindings.isEmpty {
      let reporter = FindingReporter(
        format: .text, colour: ColourChoice.terminalWantsColour(fd: STDERR_FILENO),
        toolVersion: MLGit.version)
      StandardError.write(
        reporter.render(schemaFindings, checked: "data checked against \(model?.path ?? "the spec")'s schema"))
      if schemaSeverity == .error {
        printError("mlgit: the data breaks its schema: training not started, nothing recorded [data/schema]")
        throw ExitCode(ExitStatus.findings.rawValue)
      }
    }
    let metricsFiles = try RunMetricsFiles.resolve(
      flags: inputs.metrics, spec: model, root: root, gitDirectory: repo.gitDirectory)
    // What the metrics files were before the run: one left by an earlier step, even a moment
    // before, is not this run's.
    let metricsBefore = metricsFiles.files.map { FileSnapshot.take($0.absolute) }

    let started = Date()
    let outcome = try TrainingProcess.run(command, in: FileManager.default.currentDirectoryPath)
    let status = outcome.status
    let finished = Date()
    let interrupted = outcome.interruption.map(TrainingProcess.name(ofSignal:))

    let values = try metricsFiles.readAfterRun(before: metricsBefore, status: status, interrupted: interrupted)
    let record = RunRecord(
      id: RunRecord.newID(now: started), commit: head.hex, model: model?.name ?? "",
      started: UTCTimestamp.string(started), finished: UTCTimestamp.string(finished),
      user: RunSpec.user(repo), host: ProcessInfo.processInfo.hostName,
      command: TrainingProcess.display(command), exit: Int(status), params: model?.params ?? .object([:]),
      metrics: values, data: data, dirty: dirty, interrupted: interrupted, resources: outcome.resources,
      version: model?.version)
    try RunLedger(repository: repo).record(record, on: head)
    printError(
      "mlgit: recorded run \(record.id)\(record.model.isEmpty ? "" : " of \(record.model)") on \(head.short) (\(interrupted.map { "interrupted by \($0), " } ?? "")exit \(status)\(dirty ? ", dirty" : "")): \(outcome.resources.summary)"
    )
    // Interrupted: mlgit ends as a program killed by that signal would be seen to (128 + N).
    if let signal = outcome.interruption { throw ExitCode(128 + signal) }
    if status != 0 { throw ExitCode(status) }
  }
}
