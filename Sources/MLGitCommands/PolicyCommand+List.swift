import ArgumentParser
import MLGitEngine
import MLGitReport

extension PolicyCommand {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List every rule with its severity in force.")

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    @OptionGroup var colour: ColourOption

    func run() throws {
      let inForce = try PolicyInForce.current()
      if format == .json {
        try ListingJSON.write(PolicyListing.document(inForce.policy, source: inForce.source))
      } else {
        print(PolicyListing.listText(inForce.policy, source: inForce.source, style: colour.style()), terminator: "")
      }
    }
  }
}
