import ArgumentParser
import Foundation
import GitKit
import MLPolicy

/// `mlgit hook NAME`: the entry point the installed hook scripts call.
struct HookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hook",
    abstract: "Run a git hook's checks (called by the hook scripts mlgit installs).")

  @Argument(help: "The hook: pre-commit.")
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
      // git runs pre-push as `pre-push <remote name> <url>`. Opt-in (`sync_on_push: true`).
      NotesSync.onPush(workspace: try Workspace.open(), remote: hookArguments.first ?? "")
    default:
      throw CommandFailure.usage("mlgit: unknown hook '\(name)'; mlgit runs pre-commit")
    }
  }
}
