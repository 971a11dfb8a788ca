import ArgumentParser
import MLGitEngine
import MLGitReport

/// `mlgit runs show ID`: one run in full.
struct RunsShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one recorded run.")

  @Argument(help: "The run's id (or a unique prefix).")
  var id: String

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  func run() throws {
    let details = try RunDetails.load(id: id, in: try Workspace.open(), withReproductions: format == .text)
    switch format {
    case .json: print(details.run.line)
    case .text: print(RunText.render(details.run, reproductions: details.reproductions), terminator: "")
    }
  }
}
