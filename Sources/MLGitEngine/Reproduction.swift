import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `mlgit reproduce` does: re-runs a recorded run's command from its commit in a
/// temporary worktree, compares the metrics it writes with the recorded ones, and keeps
/// the verdict in the ledger beside the run (evidence for rule runs/reproduced and
/// `mlgit score`).
public struct Reproduction {
  let workspace: Workspace
  /// The caller's current folder: the command runs from the same folder relative to the
  /// repository's root.
  let directory: String

  public init(workspace: Workspace, directory: String = FileManager.default.currentDirectoryPath) {
    self.workspace = workspace
    self.directory = directory
  }

  /// How a reproduction is asked for (`mlgit reproduce`'s options).
  public struct Request {
    /// The run's id (or a unique prefix).
    var id: String
    /// Run the recorded command without asking.
    var yes = false
    /// Accept a run that recorded no metrics when the exit status matches.
    var allowNoMetrics = false
    /// The metrics file the command writes, relative to where it runs.
    var metrics = "metrics.json"
    /// The largest absolute difference accepted per metric.
    var tolerance: Double = 0

    /// Refuses a tolerance that is negative or not finite (exit 2).
    public init(id: String, yes: Bool, allowNoMetrics: Bool, metrics: String, tolerance: Double) throws {
      guard tolerance >= 0, tolerance.isFinite else {
        throw CommandFailure.usage("mlgit: --tolerance must be a finite number >= 0")
      }
      (self.id, self.yes, self.allowNoMetrics, self.metrics, self.tolerance) = (
        id, yes, allowNoMetrics, metrics, tolerance
      )
    }
  }

  /// Reproduces the run and returns the status mlgit ends with: 0 when it reproduces, 1
  /// when it does not or the command was declined, 128 + N when signal N interrupted it.
  public func reproduce(_ request: Request) throws -> Int32 {
    let repo = workspace.repository
    let (run, commit) = try recordedRun(request.id)
    guard try confirm(run, yes: request.yes) else {
      printError("mlgit: not run; nothing was compared")
      return ExitStatus.findings.rawValue
    }
    let git = GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
    let folder = PathText.temporaryFolder() + "mlgit-reproduce-\(run.id)-\(UUID().uuidString.prefix(8))"
    let added = try git.run(["worktree", "add", "--quiet", "--detach", folder, commit.hex])
    guard added.status == 0 else {
      throw CommandFailure.system(
        "mlgit: cannot check out \(commit.short): \(added.stderr.trimmingWhitespaceAndNewlines())")
    }
    defer {
      _ = try? git.run(["worktree", "remove", "--force", folder])
      try? FileManager.default.removeItem(atPath: folder)
      _ = try? git.run(["worktree", "prune"])
    }

    let directory = folder + "/" + subfolder()
    printError(
      "mlgit: reproducing run \(run.id) of \(TerminalText.escape(run.model.isEmpty ? "-" : run.model)) at \(commit.short) in \(folder)"
    )
    let metricsPath = absolutePath(request.metrics, relativeTo: directory)
    // A metrics file committed with the run's commit is not the command's output.
    let metricsBefore = FileSnapshot.take(metricsPath)
    let outcome = try TrainingProcess.run(["sh", "-c", run.command], in: directory)
    if let signal = outcome.interruption {
      printError("mlgit: interrupted by \(TrainingProcess.name(ofSignal: signal)); nothing was compared")
      return 128 + signal
    }
    var report = ReproductionReport(
      run: run, tolerance: request.tolerance, exit: Int(outcome.status), allowNoMetrics: request.allowNoMetrics)
    try Self.readMetrics(metricsPath, as: request.metrics, unchangedFrom: metricsBefore, into: &report)
    report.dataNotes = try Self.dataNotes(run, in: folder)
    print(report.text, terminator: "")
    var verdict = report.record(
      id: RunRecord.newID(), user: RunSpec.user(repo), host: ProcessInfo.processInfo.hostName,
      at: UTCTimestamp.string(Date()), resources: outcome.resources)
    verdict.commit = commit.hex
    try RunLedger(repository: repo).record(verdict, on: commit)
    printError(
      "mlgit: recorded reproduction \(verdict.id) of run \(TerminalText.escape(run.id)) on \(commit.short) (\(verdict.reproduced ? "reproduced" : "not reproduced"))"
    )
    return report.reproduces ? 0 : ExitStatus.findings.rawValue
  }

  /// The run with this id (or unique prefix) and its commit, when it can be reproduced
  /// here: it recorded a command, and this repository has its commit.
  func recordedRun(_ id: String) throws -> (RunRecord, OID) {
    let repo = workspace.repository
    let run = try RunLedger(repository: repo).find(id: id)
    guard !run.command.isEmpty else {
      throw CommandFailure.usage(
        "mlgit: run \(run.id) has no recorded command (it was recorded with `mlgit run record`)")
    }
    guard let commit = OID(hex: run.commit), repo.contains(commit) else {
      throw CommandFailure.usage(
        "mlgit: run \(run.id) is on commit \(run.commit.prefix(8)), which this repository does not have; fetch it first"
      )
    }
    return (run, commit)
  }

  /// The caller's folder relative to the work tree's root ("" at the root or outside it),
  /// ending in "/" when not empty.
  func subfolder() -> String {
    guard let root = workspace.repository.workingDirectory else { return "" }
    let here = URL(fileURLWithPath: directory).standardizedFileURL.path + "/"
    return here.hasPrefix(root) ? String(here.dropFirst(root.count)) : ""
  }

  /// Reads the metrics the command wrote into the report, or says why there are none.
  static func readMetrics(
    _ path: String, as shown: String, unchangedFrom before: FileSnapshot?, into report: inout ReproductionReport
  ) throws {
    switch WorkTreeFiles.openRegular(path) {
    case .file where FileSnapshot.take(path) == before:
      if !report.run.metrics.isEmpty {
        report.problem = "the command did not write \(shown) (it is as the commit holds it)"
      }
    case .file:
      report.reproduced = try MetricsFile.read(try RunSpec.read(path), file: shown).metrics
    case .missing:
      // Nothing was recorded, so nothing is missing (the report says nothing was compared).
      if !report.run.metrics.isEmpty { report.problem = "the command wrote no \(shown)" }
    case .refused(let reason):
      report.problem = "\(shown) \(reason)"
    }
  }

  /// The run's data files that the commit in `folder` lacks or holds with other content.
  /// The paths come from the ledger, which whoever can push it chooses: only regular files
  /// inside the temporary worktree are read.
  static func dataNotes(_ run: RunRecord, in folder: String) throws -> [String] {
    var notes: [String] = []
    let files = try WorkTreeFiles(root: folder)
    for (path, recorded) in run.data.sorted(by: { $0.key < $1.key }) {
      switch files.open(path) {
      case .missing:
        notes.append("\(path): not in the commit (sha256 \(recorded.prefix(12))…)")
      case .refused(let reason):
        notes.append("\(path): not read: it \(reason)")
      case .file(let handle, _):
        if (try? SHA256Digest.hex(ofDescriptor: handle.fileDescriptor)) != recorded {
          notes.append("\(path): content differs from the run's (sha256 \(recorded.prefix(12))…)")
        }
      }
    }
    return notes
  }

  /// Shows the command a reproduction will run and who recorded it, and asks on the
  /// terminal unless `yes`; true when it may run. The command is text from the runs
  /// ledger, which anyone who can push refs/notes/mlgit/runs writes, so it is never run
  /// unseen: without a terminal to ask on and without `yes`, mlgit refuses (exit 2).
  func confirm(_ run: RunRecord, yes: Bool) throws -> Bool {
    let shown = Self.confirmation(run)
    if yes {
      printError(shown)
      return true
    }
    guard isatty(STDIN_FILENO) == 1 else {
      printError(shown)
      throw CommandFailure.usage(
        """
        mlgit: not run: the command comes from refs/notes/mlgit/runs, which anyone who can push it writes, \
        and there is no terminal to ask on
          hint: read it (`mlgit runs show \(TerminalText.escape(run.id))`), then pass --yes to run it
        """)
    }
    StandardError.write(shown + "\nRun it? [y/N] ")
    let answer = (readLine(strippingNewline: true) ?? "").trimmingWhitespace().lowercased()
    return answer == "y" || answer == "yes"
  }

  /// What the confirmation shows: who recorded the run, and the command it will run.
  static func confirmation(_ run: RunRecord) -> String {
    """
    mlgit: run \(TerminalText.escape(run.id)) was recorded by \(TerminalText.escape(run.user)) on \(TerminalText.escape(run.host)); \
    reproducing it runs this command with sh -c, as you, at commit \(TerminalText.escape(String(run.commit.prefix(8)))):
        \(TerminalText.escape(run.command))
    """
  }
}
