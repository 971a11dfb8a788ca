import ArgumentParser
import Foundation
import GitKit

/// `mlgit install`: put the hooks in place.
struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install",
    abstract: "Install mlgit's git hooks in this repository (pre-commit and pre-push; --server: pre-receive).",
    discussion: """
      Hooks go where git runs them: core.hooksPath when set, else the common git dir's hooks/
      (shared by linked worktrees). A hook already there keeps running, before mlgit's.
      Running install again is harmless; --force rewrites mlgit's hooks even when they look current.
      """)

  @Flag(name: .long, help: "Install the server-side pre-receive hook (in a bare repository).")
  var server = false

  @Flag(name: .long, help: "Rewrite mlgit's hooks even when they are up to date.")
  var force = false

  func run() throws {
    let workspace = try Workspace.open()
    let repo = workspace.repository
    if server && !repo.isBare {
      throw CommandFailure.usage("mlgit: --server installs a pre-receive hook in a bare repository; \(repo.gitDirectory) has a working tree")
    }
    let installer = HookInstaller(hooksDirectory: try repo.hooksDirectory(), executable: HookInstaller.currentExecutable())
    let hooks = server ? HookInstaller.serverHooks : HookInstaller.clientHooks
    for hook in hooks {
      let outcome = try installer.install(hook, force: force)
      let path = installer.path(hook)
      switch outcome {
      case .written: print("mlgit: installed \(hook) hook at \(path)")
      case .upToDate: print("mlgit: \(hook) hook at \(path) is up to date")
      case .repaired: print("mlgit: rewrote \(hook) hook at \(path)")
      case .chained: print("mlgit: installed \(hook) hook at \(path); the existing hook runs first (\(hook)\(HookInstaller.chainSuffix))")
      }
    }
    try RepositorySettings(repository: repo).apply()
  }
}

/// `mlgit uninstall`: remove the hooks, restoring what was there before.
struct UninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall",
    abstract: "Remove mlgit's hooks, restoring any hook that was there before, byte for byte.")

  func run() throws {
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let installer = HookInstaller(hooksDirectory: try repo.hooksDirectory(), executable: HookInstaller.currentExecutable())
    var did = false
    for hook in HookInstaller.allHooks {
      if let message = try installer.uninstall(hook) {
        print("mlgit: \(message)")
        did = true
      }
    }
    try RepositorySettings(repository: repo).remove()
    if !did { print("mlgit: no mlgit hooks in \(installer.hooksDirectory)") }
  }
}

/// Repository configuration mlgit sets at install (notes refspecs and merge strategy
/// come with the notes features) and removes at uninstall.
struct RepositorySettings {
  let repository: Repository
  func apply() throws {}
  func remove() throws {}
}
