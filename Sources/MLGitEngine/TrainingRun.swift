import FoundationEssentials
import GitKit
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `mlgit run` does: runs a training command from HEAD's work tree and records the
/// run on HEAD in `refs/notes/mlgit/runs`, after the policy's checks on the work tree
/// (runs/clean-tree) and on the data (data/schema) let it start.
public struct TrainingRun {
  let workspace: Workspace
  /// Where the command runs (the caller's current folder).
  let directory: String

  public init(workspace: Workspace, directory: String = FileManager.default.currentDirectoryPath) {
    self.workspace = workspace
    self.directory = directory
  }

  /// How a run is asked for (`mlgit run`'s options and command).
  public struct Request {
    /// The training command and its arguments.
    var command: [String]
    /// The metrics files the command writes (`--metrics`; none: the spec's or dvc.yaml's).
    var metrics: [String]
    /// The model's spec (nil: the only spec in the work tree).
    var spec: String?

    /// Refuses an empty command (exit 2), before the repository is opened.
    public init(command: [String], metrics: [String], spec: String?) throws {
      guard !command.isEmpty else {
        throw CommandFailure.usage(
          "mlgit: give the training command after --, e.g. `mlgit run --metrics metrics.json -- python train.py`")
      }
      (self.command, self.metrics, self.spec) = (command, metrics, spec)
    }
  }

  /// Runs the command, records the run and returns the status mlgit ends with: the
  /// command's, 128 + N when signal N interrupted it, 1 when the policy stopped it
  /// before it started (nothing run, nothing recorded; the reason is on standard error).
  public func run(_ request: Request) throws -> Int32 {
    let (command, metrics, spec) = (request.command, request.metrics, request.spec)
    let repo = workspace.repository
    guard let root = repo.workingDirectory else { throw CommandFailure.usage("mlgit: run needs a working tree") }
    guard let head = try repo.headCommit() else {
      throw CommandFailure.usage("mlgit: run records on HEAD, and this repository has no commit yet")
    }
    let policy = try workspace.policy(before: head)
    let model = try RunSpec.find(spec, policy: policy, repository: repo, source: .workingTree(root))

    let dirty = try RunSpec.isDirty(root)
    if dirty {
      switch policy.severity(of: "runs/clean-tree") {
      case .error:
        printError("mlgit: the working tree has uncommitted changes; commit or stash them first [runs/clean-tree]")
        return ExitStatus.findings.rawValue
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
        toolVersion: MLGitVersion.current)
      StandardError.write(
        reporter.render(schemaFindings, checked: "data checked against \(model?.path ?? "the spec")'s schema"))
      if schemaSeverity == .error {
        printError("mlgit: the data breaks its schema: training not started, nothing recorded [data/schema]")
        return ExitStatus.findings.rawValue
      }
    }
    let metricsFiles = try RunMetricsFiles.resolve(
      flags: metrics, spec: model, root: root, gitDirectory: repo.gitDirectory)
    // What the metrics files were before the run: one left by an earlier step, even a moment
    // before, is not this run's.
    let metricsBefore = metricsFiles.files.map { FileSnapshot.take($0.absolute) }

    let started = Date()
    let outcome = try TrainingProcess.run(command, in: directory)
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
    if let signal = outcome.interruption { return 128 + signal }
    return status
  }
}
