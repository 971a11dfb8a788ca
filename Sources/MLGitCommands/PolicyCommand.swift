import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLPolicy
import MLSpec

/// `mlgit policy list | show | explain RULE`.
struct PolicyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract: "Show the rules and the policy in force.",
    subcommands: [List.self, Show.self, Explain.self])

  /// The policy in force for the current repository (HEAD's config), or the built-in
  /// default outside a repository.
  static func policyInForce() throws -> (EffectivePolicy, String) {
    guard let workspace = try? Workspace.open() else {
      return (try EffectivePolicy.builtIn(), "built-in default (not in a repository)")
    }
    let head = try workspace.repository.headCommit()
    let policy = try workspace.policy(before: head)
    return (policy, policy.sources.joined(separator: " + ") + (head == nil ? " (no commit yet)" : " (from HEAD)"))
  }
}
