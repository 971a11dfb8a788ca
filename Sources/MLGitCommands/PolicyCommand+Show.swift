import ArgumentParser
import MLGitEngine
import MLGitReport

extension PolicyCommand {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show the policy in force: packs, globs, branches, reviewers, rules.")

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    func run() throws {
      let inForce = try PolicyInForce.current()
      if format == .json {
        try ListingJSON.write(PolicyListing.shown(inForce.policy, source: inForce.source))
      } else {
        print(PolicyListing.showText(inForce.policy, source: inForce.source), terminator: "")
      }
    }
  }
}
