import ArgumentParser

/// `mlgit runs`: list, show and compare recorded runs.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "List, show and compare recorded training runs (refs/notes/mlgit/runs).",
    usage: """
      mlgit runs [list] [<revisions> ...] [--all] [--model <model>] [--format <format>]
      mlgit runs show <id> [--format <format>]
      mlgit runs compare <first> <second> [--format <format>]
      """,
    discussion: """
      With no subcommand, runs lists: with no REV, the runs on HEAD's history; with REVs, the runs \
      on those commits; --all, every run in the ledger; --model NAME, only that model's; \
      --format text|json. `mlgit runs list --help` describes each option.
      """,
    subcommands: [RunsListCommand.self, RunsShowCommand.self, RunsCompareCommand.self],
    defaultSubcommand: RunsListCommand.self)
}
