import GitKit
import MLPolicy

/// The policy `mlgit policy list | show | explain` describe: HEAD's (the config as HEAD
/// has it, so what the next commit is judged by), or the built-in default outside a
/// repository; with the words that say where it comes from.
public struct PolicyInForce {
  public let policy: EffectivePolicy
  /// `default + .mlgit/config.yml (from HEAD)`, `… (no commit yet)`, `built-in default (not in a repository)`.
  public let source: String

  /// The policy in force for the repository around the current directory.
  public static func current() throws -> PolicyInForce {
    try of(try? Workspace.open())
  }

  static func of(_ workspace: Workspace?) throws -> PolicyInForce {
    guard let workspace else {
      return PolicyInForce(policy: try EffectivePolicy.builtIn(), source: "built-in default (not in a repository)")
    }
    let head = try workspace.repository.headCommit()
    let policy = try workspace.policy(before: head)
    return PolicyInForce(
      policy: policy,
      source: policy.sources.joined(separator: " + ") + (head == nil ? " (no commit yet)" : " (from HEAD)"))
  }
}
