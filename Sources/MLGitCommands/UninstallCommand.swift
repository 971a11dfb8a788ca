import ArgumentParser
import Foundation
import GitKit
import MLGitEngine

/// `mlgit uninstall`: remove the hooks, restoring what was there before.
struct UninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall",
    abstract: "Remove mlgit's hooks, restoring any hook that was there before, byte for byte.")

  func run() throws {
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let installer = HookInstaller(
      hooksDirectory: try repo.hooksDirectory(), executable: HookInstaller.currentExecutable())
    var did = false
    for hook in HookInstaller.allHooks {
      if let message = try installer.uninstall(hook) {
        print("mlgit: \(message)")
        did = true
      }
    }
    if !repo.isBare {
      for message in try HookIntegration.removeAll(layout: try HookLayout(repository: repo)) {
        print("mlgit: \(message)")
        did = true
      }
    }
    try RepositorySettings(repository: repo).remove()
    if !did { print("mlgit: no mlgit hooks in \(installer.hooksDirectory)") }
  }
}
