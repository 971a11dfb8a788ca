import ArgumentParser
import MLGitEngine
import MLGitReport

/// `mlgit runs compare A B`: params and metrics side by side.
struct RunsCompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare", abstract: "Compare two runs' params and metrics side by side.")

  @Argument(help: "The first run's id.")
  var first: String

  @Argument(help: "The second run's id.")
  var second: String

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  func run() throws {
    let ledger = RunLedger(repository: try Workspace.open().repository)
    let (a, b) = (try ledger.find(id: first), try ledger.find(id: second))
    switch format {
    case .json: print(RunComparison.document(a, b).canonical)
    case .text: print(RunComparison.text(a, b), terminator: "")
    }
  }
}
