import ArgumentParser
import MLGitEngine
import MLGitReport

extension ReviewCommand {
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff", abstract: "The hyperparameter changes a commit makes, old -> new.")

    @Argument(help: "The commit.")
    var revision: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    func run() throws {
      let planner = try ReviewPlanner()
      let plan = try planner.plan(try planner.resolve(revision))
      if format == .json {
        print(ReviewStatusJSON.diff(plan).canonical)
      } else {
        print(ReviewDiffText.render(plan), terminator: "")
      }
    }
  }
}
