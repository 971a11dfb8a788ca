import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLPolicy

/// `mlgit hook NAME`: the entry point the installed hook scripts call.
struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook",
    abstract: "Run a git hook's checks (called by the hook scripts mlgit installs).")

  @Argument(help: "The hook: pre-commit, pre-push or pre-receive.")
  var name: String

  @Argument(parsing: .captureForPassthrough, help: "The arguments git passed to the hook.")
  var hookArguments: [String] = []

  func run() throws {
    switch name {
    case "pre-commit":
      let workspace = try Workspace.open()
      let invocation = GitInvocation.parent(environment: workspace.environment)
      InstallHealth.warn(repository: workspace.repository, except: name)
      let amend = invocation?.isAmend ?? false
      if !amend, try workspace.stagesNothingOnHead() { return }
      let findings = try CheckRunner(workspace: workspace).checkStaged(
        stage: .commit, amend: amend,
        invocation: invocation)
      // Hook output goes to stderr, where git shows it; quiet when all is well.
      if !findings.isEmpty {
        let status = FindingOutput(format: .text).report(findings, checked: "pre-commit", toStandardError: true)
        if status != .ok {
          printError(
            "mlgit: commit refused; fix the errors above and commit again (git commit --no-verify skips the check, but the push will be checked)"
          )
          throw ExitCode(status.rawValue)
        }
      }
    case "pre-push":
      // git runs pre-push as `pre-push <remote name> <url>`; for a push to a URL both are the URL.
      var remote = hookArguments.first ?? ""
      var updates = try RefUpdate.prePush(HookCommand.standardInput())
      let workspace = try Workspace.open()
      InstallHealth.warn(repository: workspace.repository, except: name)
      if updates.isEmpty,
        let passed = PreCommitPush(
          environment: workspace.environment, resolve: { try? workspace.repository.resolveCommit($0) })
      {
        // Run by pre-commit (the framework), which reads git's ref lines itself and passes on
        // the first ref with new commits in its environment.
        (remote, updates) = (passed.remote, [passed.update])
      }
      // Opt-in (`sync_on_push: true`): share run and review notes first, so the gates
      // below see the remote's records too. It never fails the push and never recurses.
      NotesSync.onPush(workspace: workspace, remote: remote)
      let push = PushCheck(repository: workspace.repository)
      let report = try push.check(
        updates, stage: .push, known: try push.remoteRefs(remote: remote), hideKnownForUpdates: false)
      let status = PushCheck.report(report, hook: "pre-push")
      if status != .ok { throw ExitCode(status.rawValue) }
    case "pre-receive":
      // Runs in the receiving repository with the pushed objects in quarantine, which
      // Workspace.open adds as alternates; it writes nothing (git moves the refs afterwards).
      let updates = try RefUpdate.preReceive(HookCommand.standardInput())
      let workspace = try Workspace.open()
      TeamRule.commandRunner = ProcessTeamCommandRunner.forServer(workspace.repository)
      // The ledgers first: they only grow (`LedgerGuard`), whatever else the push holds.
      let ledger = try LedgerGuard(repository: workspace.repository).check(updates)
      let push = PushCheck(repository: workspace.repository)
      var report = try push.check(updates, stage: .receive, known: try push.localRefs(), hideKnownForUpdates: true)
      report.findings = ledger + report.findings
      let status = PushCheck.report(report, hook: "pre-receive")
      if status != .ok { throw ExitCode(status.rawValue) }
    default:
      throw CommandFailure.usage("mlgit: unknown hook '\(name)'; mlgit runs pre-commit, pre-push and pre-receive")
    }
  }

  /// Reads the ref lines git writes to a hook's standard input.
  static func standardInput() -> String {
    String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
  }
}
