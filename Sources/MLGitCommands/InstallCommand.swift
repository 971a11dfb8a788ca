import ArgumentParser
import Foundation
import GitKit
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
    let workspace = try Workspace.open()
    let repo = workspace.repository
    if server && !repo.isBare {
      throw CommandFailure.usage(
        "mlgit: --server installs a pre-receive hook in a bare repository; \(repo.gitDirectory) has a working tree")
    }
    if !server && repo.isBare {
      // Nobody commits in a bare repository, so pre-commit and pre-push would never run.
      throw CommandFailure.usage(
        "mlgit: \(repo.gitDirectory) is a bare repository; run `mlgit install --server` to check pushes it receives")
    }
    let installer = HookInstaller(
      hooksDirectory: try repo.hooksDirectory(), executable: HookInstaller.currentExecutable())
    let layout = try HookLayout(repository: repo)
    if let with {
      guard !server, let manager = HookManager(rawValue: with) else {
        throw CommandFailure.usage("mlgit: --with takes pre-commit, lefthook or husky, not '\(with)'")
      }
      for message in try HookIntegration(layout: layout, installer: installer).add(manager) {
        print("mlgit: \(message)")
      }
      try RepositorySettings(repository: repo).apply()
      try RepositorySettings(repository: repo).record(integration: manager.rawValue)
      return
    }
    if !server { try refuseManagedLayout(layout, installer: installer) }
    let hooks = server ? HookInstaller.serverHooks : HookInstaller.clientHooks
    for hook in hooks {
      if !server, HookFileKind.of(installer.slot(for: hook)) != .mlgit, layout.trace(hook).runs {
        print("mlgit: \(hook) already runs mlgit: \(layout.trace(hook).steps.last ?? "")")
        continue
      }
      let outcome = try installer.install(hook, force: force)
      let path = installer.slot(for: hook)
      switch outcome {
      case .written: print("mlgit: installed \(hook) hook at \(path)")
      case .upToDate: print("mlgit: \(hook) hook at \(path) is up to date")
      case .repaired: print("mlgit: rewrote \(hook) hook at \(path)")
      case .chained:
        print(
          "mlgit: installed \(hook) hook at \(path); the existing hook runs first (\(hook)\(HookInstaller.chainSuffix))"
        )
      }
      if path.hasSuffix(".legacy") {
        print(
          "mlgit: pre-commit's script runs it first as \(hook).legacy, also after `pre-commit install`; `pre-commit install -f` would delete it, so `mlgit install --with pre-commit` (an entry in .pre-commit-config.yaml) is the sturdier choice"
        )
      }
    }
    try RepositorySettings(repository: repo).apply()
    try RepositorySettings(repository: repo).record(integration: server ? "server" : "hooks")
  }

  /// husky and lefthook replace or rename any hook that is not theirs whenever they are
  /// installed again, so a hook of mlgit's beside them would stop running in silence.
  /// mlgit goes into their config instead (`--with`); it never writes a hook they drop.
  func refuseManagedLayout(_ layout: HookLayout, installer: HookInstaller) throws {
    if layout.huskyDirectory != nil {
      // Undo what an earlier mlgit did inside husky's folder: husky's shims go back.
      for message in try HookIntegration(layout: layout, installer: installer).removeShims() {
        print("mlgit: \(message)")
      }
      if HookInstaller.clientHooks.allSatisfy({ layout.trace($0).runs }) {
        print("mlgit: husky runs mlgit already (.husky/pre-commit, .husky/pre-push)")
        return
      }
      throw CommandFailure.usage(
        """
        mlgit: husky runs this repository's hooks (core.hooksPath = \(layout.relative(layout.hooksDirectory))), and it rewrites \
        that folder on every install, so a hook of mlgit's there would be lost.
        Run `mlgit install --with husky`: it adds `mlgit hook pre-commit` and `mlgit hook pre-push` to .husky/pre-commit \
        and .husky/pre-push (commit them, and the whole team runs the check).
        """)
    }
    if layout.managers.contains(.lefthook) {
      if HookInstaller.clientHooks.allSatisfy({ layout.trace($0).runs }) { return }
      throw CommandFailure.usage(
        """
        mlgit: lefthook manages this repository's hooks (\(layout.lefthookConfig.map(layout.relative) ?? "its script is in \(layout.relative(layout.hooksDirectory))")); \
        `lefthook install` renames any other hook to NAME.old and never runs it, so a hook of mlgit's would stop in silence.
        Run `mlgit install --with lefthook`: it adds mlgit's commands to lefthook's config (commit it, and the whole team runs the check).
        """)
    }
  }
}
