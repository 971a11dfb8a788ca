import ArgumentParser
import MLGitEngine

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
    let status = try HookRun.run(name, arguments: hookArguments)
    if status != .ok { throw ExitCode(status.rawValue) }
  }
}
