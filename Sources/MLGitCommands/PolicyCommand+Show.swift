import ArgumentParser
import Foundation
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

extension PolicyCommand {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the policy in force: packs, globs, branches, reviewers, rules.")

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    func run() throws {
      let inForce = try PolicyInForce.current()
      let (policy, source) = (inForce.policy, inForce.source)
      if format == .json {
        try ListingJSON.write(PolicyListing.shown(policy, source: source))
        return
      }
      print("policy in force: \(source)")
      print(TerminalText.escape("specs: \(policy.specGlobs.globs.map(\.pattern).joined(separator: ", "))"))
      print(TerminalText.escape("data: \(policy.dataGlobs.globs.map(\.pattern).joined(separator: ", "))"))
      print(TerminalText.escape("protected branches: \(policy.protectedBranches.joined(separator: ", "))"))
      print(
        TerminalText.escape(
          "reviewers: \(policy.reviewers.isEmpty ? "anyone but the author" : policy.reviewers.joined(separator: ", "))")
      )
      print("signed reviews required: \(policy.requireSignedReviews ? "yes" : "no")")
      print("rules:")
      for id in RuleRegistry.builtInRules.map(\.id) + policy.teamRules.map(\.id) {
        var line = "  \(id): \(policy.severity(of: id).rawValue)"
        let options = policy.settings[id]?.options ?? [:]
        if !options.isEmpty {
          line +=
            " {" + options.keys.sorted().map { "\($0): \(JSONValue(options[$0]!).canonical)" }.joined(separator: ", ")
            + "}"
        }
        print(TerminalText.escape(line))
      }
      for allowance in policy.allowances {
        print(
          TerminalText.escape(
            "exception: feature '\(allowance.feature)' allowed for model '\(allowance.model)': \(allowance.justification)"
          ))
      }
    }
  }
}
