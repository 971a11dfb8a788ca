import FoundationEssentials
import GitKit

/// What `mlgit install` and `mlgit uninstall` do to a repository: mlgit's hooks in the
/// hooks folder, or entries in a hook manager's config, and the repository settings that
/// go with them. Each step is told to `say` as it is done, so what was done before a
/// failure is still reported.
public struct HookInstallation {
  let repository: Repository

  public init(repository: Repository) {
    self.repository = repository
  }

  /// Installs the client hooks (pre-commit, pre-push), or with `server` the pre-receive
  /// hook of a bare repository; with `manager`, an entry in that hook manager's config.
  public func install(server: Bool, force: Bool, with manager: String?, say: (String) -> Void) throws {
    let repo = repository
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
    if let with = manager {
      guard !server, let manager = HookManager(rawValue: with) else {
        throw CommandFailure.usage("mlgit: --with takes pre-commit, lefthook or husky, not '\(with)'")
      }
      for message in try HookIntegration(layout: layout, installer: installer).add(manager) {
        say("mlgit: \(message)")
      }
      try RepositorySettings(repository: repo).apply()
      try RepositorySettings(repository: repo).record(integration: manager.rawValue)
      return
    }
    if !server { try refuseManagedLayout(layout, installer: installer, say: say) }
    let hooks = server ? HookInstaller.serverHooks : HookInstaller.clientHooks
    for hook in hooks {
      if !server, HookFileKind.of(installer.slot(for: hook)) != .mlgit, layout.trace(hook).runs {
        say("mlgit: \(hook) already runs mlgit: \(layout.trace(hook).steps.last ?? "")")
        continue
      }
      let outcome = try installer.install(hook, force: force)
      let path = installer.slot(for: hook)
      switch outcome {
      case .written: say("mlgit: installed \(hook) hook at \(path)")
      case .upToDate: say("mlgit: \(hook) hook at \(path) is up to date")
      case .repaired: say("mlgit: rewrote \(hook) hook at \(path)")
      case .chained:
        say(
          "mlgit: installed \(hook) hook at \(path); the existing hook runs first (\(hook)\(HookInstaller.chainSuffix))"
        )
      }
      if path.hasSuffix(".legacy") {
        say(
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
  func refuseManagedLayout(_ layout: HookLayout, installer: HookInstaller, say: (String) -> Void) throws {
    if layout.huskyDirectory != nil {
      // Undo what an earlier mlgit did inside husky's folder: husky's shims go back.
      for message in try HookIntegration(layout: layout, installer: installer).removeShims() {
        say("mlgit: \(message)")
      }
      if HookInstaller.clientHooks.allSatisfy({ layout.trace($0).runs }) {
        say("mlgit: husky runs mlgit already (.husky/pre-commit, .husky/pre-push)")
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

  /// Removes mlgit's hooks (restoring what was there before) and its entries in hook
  /// managers' configs, and the settings install made.
  public func uninstall(say: (String) -> Void) throws {
    let repo = repository
    let installer = HookInstaller(
      hooksDirectory: try repo.hooksDirectory(), executable: HookInstaller.currentExecutable())
    var did = false
    for hook in HookInstaller.allHooks {
      if let message = try installer.uninstall(hook) {
        say("mlgit: \(message)")
        did = true
      }
    }
    if !repo.isBare {
      for message in try HookIntegration.removeAll(layout: try HookLayout(repository: repo)) {
        say("mlgit: \(message)")
        did = true
      }
    }
    try RepositorySettings(repository: repo).remove()
    let kept = SpecDependentsCache(repository: repo)
    if kept.remove(), let path = kept.path {
      say("mlgit: removed \(path), what staged checks kept between runs")
    }
    let notes = KeptNotes.file(in: repo)
    if notes.remove(), let path = notes.path {
      say("mlgit: removed \(path), the run notes \"mlgit runs\" kept between listings")
    }
    if !did { say("mlgit: no mlgit hooks in \(installer.hooksDirectory)") }
  }
}
