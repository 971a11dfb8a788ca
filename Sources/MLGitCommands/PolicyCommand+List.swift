import ArgumentParser
import Foundation
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

extension PolicyCommand {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule with its severity in force.")

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    @OptionGroup var colour: ColourOption

    func run() throws {
      let inForce = try PolicyInForce.current()
      let (policy, source) = (inForce.policy, inForce.source)
      if format == .json {
        try ListingJSON.write(PolicyListing.document(policy, source: source))
        return
      }
      let style = colour.style()
      print("policy in force: \(source)")
      let width = (RuleRegistry.builtInRules.map(\.id) + policy.teamRules.map(\.id)).map(\.count).max() ?? 20
      // Padded, then painted: the escape sequences take no column.
      func columns(_ id: String, _ severity: Severity) -> String {
        let padded = severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
        let painted =
          style.paint(severity.rawValue, PolicyListing.style(of: severity)) + padded.dropFirst(severity.rawValue.count)
        return "\(id.padding(toLength: width, withPad: " ", startingAt: 0))  \(painted)"
      }
      for rule in RuleRegistry.builtInRules {
        let d = type(of: rule).description
        print("\(columns(d.id, policy.severity(of: d.id)))  \(d.summary)")
      }
      for rule in policy.teamRules {
        let summary =
          "\(policy.option(rule.id, "message")?.string.map { "\($0): " } ?? "")\(rule.check.summary) (team rule, \(rule.source))"
        print("\(columns(TerminalText.escape(rule.id), policy.severity(of: rule.id)))  \(TerminalText.escape(summary))")
      }
    }
  }
}
