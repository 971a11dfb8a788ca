import ArgumentParser
import MLGitEngine

/// `mlgit uninstall`: remove the hooks, restoring what was there before.
struct UninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall",
    abstract: "Remove mlgit's hooks, restoring any hook that was there before, byte for byte.")

  func run() throws {
    try HookInstallation(repository: try Workspace.open().repository).uninstall(say: { print($0) })
  }
}
