import ArgumentParser
import MLGitEngine
import MLGitReport

extension PolicyCommand {
  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "explain", abstract: "Explain a rule, with examples that pass and fail.")

    @Argument(help: "The rule id, e.g. spec/schema.")
    var rule: String

    func run() throws {
      switch try RuleLookup.find(rule, policy: PolicyInForce.current) {
      case .ledgerCheck(let explanation):
        print(explanation)
      case .team(let team, let inForce):
        print(RuleExplanation.text(team, policy: inForce.policy, source: inForce.source), terminator: "")
      case .builtIn(let found, let inForce):
        print(RuleExplanation.text(found, policy: inForce.policy, source: inForce.source), terminator: "")
      }
    }
  }
}
