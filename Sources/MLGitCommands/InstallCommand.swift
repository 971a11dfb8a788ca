import ArgumentParser
import MLGitEngine

/// `mlgit install`: put the hooks in place.
struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install mlgit's git hooks in this repository (pre-commit and pre-push; --server: pre-receive).",
    discussion: """
      Hooks go where git runs them: core.hooksPath when set, else the common git dir's hooks/ \
      (shared by linked worktrees). A hook already there keeps running, before mlgit's. \
      Running install again is harmless; --force rewrites mlgit's hooks even when they look current.
      """)

  @Flag(name: .long, help: "Install the server-side pre-receive hook (in a bare repository).")
  var server = false

  @Flag(name: .long, help: "Rewrite mlgit's hooks even when they are up to date.")
  var force = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Run mlgit inside a hook manager, as an entry in its own config: pre-commit, lefthook or husky.",
      valueName: "manager"))
  var with: String?

  func run() throws {
    try HookInstallation(repository: try Workspace.open().repository).install(
      server: server, force: force, with: with, say: { print($0) })
  }
}
