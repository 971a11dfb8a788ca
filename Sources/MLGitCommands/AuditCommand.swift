import ArgumentParser
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import GitKit
import MLGitEngine
import MLGitReport

/// `mlgit audit`: every model's history from git, its approvals, runs and violations.
struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "The history of every model: changes, approvals, runs, violations and bypasses.",
    discussion: """
      Walks every commit reachable from a branch or tag (or HEAD), oldest first, and lists \
      for each model every commit that changed its spec: author, date, version, features \
      added and removed, hyperparameters old -> new, data hashes, approvals \
      (refs/notes/mlgit/reviews), runs (refs/notes/mlgit/runs) and findings. Each commit is \
      judged as `mlgit check --all` judges it: on its own change, by the policy in force in \
      its parent. A commit with errors is a bypass: the hooks would have refused it.

      Exit status: 0 the report was written (whatever it reports), 2 bad usage, 3 git failure.
      """)

  @Option(name: .long, help: "Only this model (its spec's name).")
  var model: String?

  @Option(name: .long, help: "Only commits with a commit date at or after DATE (YYYY-MM-DD, ISO-8601, or @SECONDS).")
  var since: String?

  @Option(name: .long, help: "Output format: text, json or html.")
  var format: ReportFormat = .text

  @Option(name: .long, help: "Write the report to FILE instead of standard output.")
  var output: String?

  @Option(
    name: .long,
    help:
      "Judge commits as going to this branch, for rules scoped with `branches:` (default: the first protected branch).")
  var branch: String?

  func validate() throws {
    if let since, AuditBuilder.parseDate(since) == nil {
      throw ValidationError("--since takes a date: YYYY-MM-DD, an ISO-8601 time or @SECONDS, got '\(since)'")
    }
  }

  func run() throws {
    let report = try AuditRequest(model: model, since: since, branch: branch, scores: format == .html).report(
      in: try Workspace.open())
    if let model, report.models.isEmpty {
      printError("mlgit: audit: no spec in the history scanned has name '\(model)'")
    }
    if format == .json, output == nil {
      AuditJSON.write(report, secondThread: ReadAhead.secondCore, to: StandardOutput.write(buffer:))
      return
    }
    let bytes: [UInt8]
    switch format {
    case .text: bytes = Array(AuditText.render(report).utf8)
    case .json: bytes = AuditJSON.render(report)
    case .html: bytes = Array(AuditHTML.render(report).utf8)
    }
    if let output {
      // Replaced whole (temporary file, fsync, rename): a full disk leaves no truncated report.
      try FileReplacement.write(Data(bytes), to: output, mode: FileReplacement.newFileMode(replacing: output))
    } else {
      StandardOutput.write(bytes: bytes)
    }
  }
}
