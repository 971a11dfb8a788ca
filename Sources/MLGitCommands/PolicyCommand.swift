import ArgumentParser

/// `mlgit policy list | show | explain RULE`.
struct PolicyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract: "Show the rules and the policy in force.",
    subcommands: [List.self, Show.self, Explain.self])
}
