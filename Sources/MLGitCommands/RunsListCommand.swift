import ArgumentParser
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import MLGitEngine
import MLGitReport

/// `mlgit runs [list] [REV…] [--all] [--model NAME] [--format text|json]`: list recorded runs.
struct RunsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List recorded runs (the default of `mlgit runs`).",
    discussion: """
      With no REV: the runs on HEAD's history. With REVs: the runs on those commits. --all: every run \
      in the ledger. Newest first. On a terminal, text is a table; piped, one tab-separated run a line.
      """)

  @Argument(help: "Commits whose runs to list.")
  var revisions: [String] = []

  @Flag(name: .long, help: "List every run in the ledger.")
  var all = false

  @Option(name: .long, help: "Only runs of this model.")
  var model: String?

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  func run() throws {
    guard
      let selection = try RunsSelection.select(
        in: try Workspace.open(), revisions: revisions, all: all, model: model, keepingLines: format == .json)
    else { return }
    let (table, rows) = (selection.table, selection.rows)
    let out: [UInt8]
    switch format {
    case .json: out = RunsListJSON.render(table, rows, reproductions: selection.listedReproductions)
    case .text where isatty(STDOUT_FILENO) != 1:
      out = RunsListText.tabSeparated(table, rows, reproduced: selection.reproduced)
    case .text:
      out = Array(RunsListText.table(rows.map(table.listing), reproduced: rows.map(selection.reproduced)).utf8)
    }
    StandardOutput.write(bytes: out)
  }
}
