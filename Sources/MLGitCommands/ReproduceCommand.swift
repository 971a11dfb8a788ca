import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitErrors
import MLPolicy
import MLSpec

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
    guard tolerance >= 0, tolerance.isFinite else {
      throw CommandFailure.usage("mlgit: --tolerance must be a finite number >= 0")
    }
    let workspace = try Workspace.open()
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
    try confirm(run)
    let git = GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
    let folder = NSTemporaryDirectory() + "mlgit-reproduce-\(run.id)-\(UUID().uuidString.prefix(8))"
    let added = try git.run(["worktree", "add", "--quiet", "--detach", folder, commit.hex])
    guard added.status == 0 else {
      throw CommandFailure.system(
        "mlgit: cannot check out \(commit.short): \(added.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    defer {
      _ = try? git.run(["worktree", "remove", "--force", folder])
      try? FileManager.default.removeItem(atPath: folder)
      _ = try? git.run(["worktree", "prune"])
    }

    // Run from the same place inside the tree as the caller stands in the repository.
    var subfolder = ""
    if let root = repo.workingDirectory {
      let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path + "/"
      if here.hasPrefix(root) { subfolder = String(here.dropFirst(root.count)) }
    }
    let directory = folder + "/" + subfolder
    printError(
      "mlgit: reproducing run \(run.id) of \(TerminalText.escape(run.model.isEmpty ? "-" : run.model)) at \(commit.short) in \(folder)"
    )
    let metricsPath = absolutePath(metrics, relativeTo: directory)
    // A metrics file committed with the run's commit is not the command's output.
    let metricsBefore = FileSnapshot.take(metricsPath)
    let outcome = try TrainingProcess.run(["sh", "-c", run.command], in: directory)
    if let signal = outcome.interruption {
      printError("mlgit: interrupted by \(TrainingProcess.name(ofSignal: signal)); nothing was compared")
      throw ExitCode(128 + signal)
    }
    let status = outcome.status

    var report = ReproductionReport(run: run, tolerance: tolerance, exit: Int(status), allowNoMetrics: allowNoMetrics)
    switch WorkTreeFiles.openRegular(metricsPath) {
    case .file where FileSnapshot.take(metricsPath) == metricsBefore:
      if !run.metrics.isEmpty { report.problem = "the command did not write \(metrics) (it is as the commit holds it)" }
    case .file:
      report.reproduced = try MetricsFile.read(try RunSpec.read(metricsPath), file: metrics).metrics
    case .missing:
      // Nothing was recorded, so nothing is missing (the report says nothing was compared).
      if !run.metrics.isEmpty { report.problem = "the command wrote no \(metrics)" }
    case .refused(let reason):
      report.problem = "\(metrics) \(reason)"
    }
    // The paths come from the ledger, which whoever can push it chooses: only regular files
    // inside the temporary worktree are read.
    let files = try WorkTreeFiles(root: folder)
    for (path, recorded) in run.data.sorted(by: { $0.key < $1.key }) {
      switch files.open(path) {
      case .missing:
        report.dataNotes.append("\(path): not in the commit (sha256 \(recorded.prefix(12))…)")
      case .refused(let reason):
        report.dataNotes.append("\(path): not read: it \(reason)")
      case .file(let handle, _):
        if (try? SHA256Digest.hex(ofDescriptor: handle.fileDescriptor)) != recorded {
          report.dataNotes.append("\(path): content differs from the run's (sha256 \(recorded.prefix(12))…)")
        }
      }
    }
    print(report.text, terminator: "")
    // The verdict is evidence (rule runs/reproduced, `mlgit score`): kept in the ledger, beside the run.
    var verdict = report.record(
      id: RunRecord.newID(), user: RunSpec.user(repo), host: ProcessInfo.processInfo.hostName,
      at: UTCTimestamp.string(Date()), resources: outcome.resources)
    verdict.commit = commit.hex
    try RunLedger(repository: repo).record(verdict, on: commit)
    printError(
      "mlgit: recorded reproduction \(verdict.id) of run \(TerminalText.escape(run.id)) on \(commit.short) (\(verdict.reproduced ? "reproduced" : "not reproduced"))"
    )
    if !report.reproduces { throw ExitCode(ExitStatus.findings.rawValue) }
  }
}

extension ReproduceCommand {
  /// Shows the command a reproduction will run and who recorded it, and asks on the
  /// terminal unless --yes was given. The command is text from the runs ledger, which
  /// anyone who can push refs/notes/mlgit/runs writes, so it is never run unseen: without
  /// a terminal to ask on and without --yes, mlgit refuses (exit 2).
  func confirm(_ run: RunRecord) throws {
    let shown = """
      mlgit: run \(TerminalText.escape(run.id)) was recorded by \(TerminalText.escape(run.user)) on \(TerminalText.escape(run.host)); \
      reproducing it runs this command with sh -c, as you, at commit \(TerminalText.escape(String(run.commit.prefix(8)))):
          \(TerminalText.escape(run.command))
      """
    if yes {
      printError(shown)
      return
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
    FileHandle.standardError.write(Data((shown + "\nRun it? [y/N] ").utf8))
    let answer = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    guard answer == "y" || answer == "yes" else {
      printError("mlgit: not run; nothing was compared")
      throw ExitCode(ExitStatus.findings.rawValue)
    }
  }
}
