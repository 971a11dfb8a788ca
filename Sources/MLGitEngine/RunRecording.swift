import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// What `mlgit run record` does: records a run made elsewhere (a cluster, a notebook) on
/// a commit, from the metrics and params files it left.
public struct RunRecording {
  let workspace: Workspace

  public init(workspace: Workspace) {
    self.workspace = workspace
  }

  /// The run as recorded, and the line that says so.
  public struct Recorded {
    let run: RunRecord
    let commit: OID

    /// `mlgit: recorded run ID of MODEL on COMMIT`, escaped for the terminal.
    public var summary: String {
      TerminalText.escape(
        "mlgit: recorded run \(run.id)\(run.model.isEmpty ? "" : " of \(run.model)") on \(commit.short)")
    }
  }

  /// ArgumentParser hands what follows `--` to `run`'s command argument, which `run record`
  /// never reads: a command given there is refused, not dropped. None of record's options
  /// takes `--` as a value, so the first `--` in `arguments` (the command line after the
  /// program's name) ends the options.
  public static func refuseCommand(in arguments: [String]) throws {
    guard let terminator = arguments.firstIndex(of: "--"), terminator + 1 < arguments.endIndex else { return }
    let given = TerminalText.escape(arguments[(terminator + 1)...].joined(separator: " "))
    throw CommandFailure.usage(
      "mlgit: run record records a run made elsewhere and runs nothing, so it does not take a command after --, got '\(given)'\n"
        + "  hint: to run it and record the run: mlgit run [--metrics FILE] -- \(given); to name the command a recorded run ran: mlgit run record --command '\(given)' …"
    )
  }

  /// Records on `revision` a run with the metrics in `metrics` (else the spec's or
  /// dvc.yaml's metrics files) and the params in `params` (else the spec's at the commit).
  public func record(
    on revision: String, metrics: [String], spec: String?, params: String?, command: String, exit: Int
  ) throws -> Recorded {
    let repo = workspace.repository
    let target: OID
    do {
      target = try repo.resolveCommit(revision)
    } catch let error as GitError {
      throw CommandFailure.usage("mlgit: \(error.message)")
    }
    let policy = try workspace.policy(before: target)
    let model = try RunSpec.find(spec, policy: policy, repository: repo, source: .commit(target))
    let metricsFiles = try RunMetricsFiles.resolve(
      flags: metrics, spec: model, root: repo.workingDirectory, gitDirectory: repo.gitDirectory)
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
    return Recorded(run: record, commit: target)
  }
}
