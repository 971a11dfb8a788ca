import ArgumentParser

/// `mlgit import`: bring runs recorded by other tools into the run ledger.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Bring runs recorded by other tools into the run ledger.",
    subcommands: [ImportMLflowCommand.self])
}
