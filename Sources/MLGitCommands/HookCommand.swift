import ArgumentParser
import Foundation
import GitKit
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
      let findings = try CheckRunner(workspace: workspace).checkStaged(stage: .commit)
      // Hook output goes to stderr, where git shows it; quiet when all is well.
      if !findings.isEmpty {
        let status = FindingOutput(format: .text).report(findings, checked: "pre-commit", toStandardError: true)
        if status != .ok {
          printError("mlgit: commit refused; fix the errors above and commit again (git commit --no-verify skips the check, but the push will be checked)")
          throw ExitCode(status.rawValue)
        }
      }
    case "pre-push":
      // git runs pre-push as `pre-push <remote name> <url>`; for a push to a URL both are the URL.
      let remote = hookArguments.first ?? ""
      let updates = try RefUpdate.prePush(HookCommand.standardInput())
      let workspace = try Workspace.open()
      let push = PushCheck(repository: workspace.repository)
      let report = try push.check(updates, stage: .push, known: try push.remoteRefs(remote: remote), hideKnownForUpdates: false)
      let status = PushCheck.report(report, hook: "pre-push")
      if status != .ok { throw ExitCode(status.rawValue) }
    case "pre-receive":
      // Runs in the receiving repository with the pushed objects in quarantine, which
      // Workspace.open adds as alternates; it writes nothing (git moves the refs afterwards).
      let updates = try RefUpdate.preReceive(HookCommand.standardInput())
      let workspace = try Workspace.open()
      let push = PushCheck(repository: workspace.repository)
      let report = try push.check(updates, stage: .receive, known: try push.localRefs(), hideKnownForUpdates: true)
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
