import ArgumentParser
import MLGitEngine
import MLPolicy
import MLSpec

extension PolicyCommand {
  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule, with examples that pass and fail.")

    @Argument(help: "The rule id, e.g. spec/schema.")
    var rule: String

    func run() throws {
      switch try RuleLookup.find(rule, policy: PolicyInForce.current) {
      case .ledgerCheck(let explanation): print(explanation)
      case .team(let team, let inForce): explain(team, policy: inForce.policy, source: inForce.source)
      case .builtIn(let found, let inForce): explain(found, policy: inForce.policy, source: inForce.source)
      }
    }

    /// One of mlgit's rules: its rationale, options, details and examples (with the runs
    /// they are judged on and what the rule reports).
    func explain(_ found: any PolicyRule, policy: EffectivePolicy, source: String) {
      let d = type(of: found).description
      print("\(d.id): \(d.summary)")
      print(
        "default severity: \(d.defaultSeverity.rawValue); in force: \(policy.severity(of: d.id).rawValue) (\(source))")
      print("")
      print(d.rationale)
      print("")
      print("options (besides severity):")
      for option in d.allOptions {
        let set =
          policy.option(d.id, option.name).map { "in force: \($0.scalarText ?? JSONValue($0).canonical)" }
          ?? "unset: \(option.whenUnset)"
        print("  \(option.name): \(option.expected) (\(set))")
        print("    \(option.summary)")
      }
      if let details = found.details(for: policy) {
        print("")
        print(details)
      }
      for (i, example) in d.examples.enumerated() {
        print("")
        print("example \(i + 1): \(example.triggers ? "reported" : "passes")  (\(example.path))")
        if let config = example.config {
          print("  with .mlgit/config.yml: \(config.split(separator: "\n").joined(separator: "; "))")
        }
        if !example.approvedBy.isEmpty {
          print("  approved by: \(example.approvedBy.joined(separator: ", ")) (author: author@example.com)")
        }
        if let parent = example.parent {
          print("  before:")
          print(
            parent.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n"))
          print("  after:")
        }
        let content = example.content ?? "(deleted)"
        print(
          content.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n"))
        // The run gates' examples depend on the runs: show them, and what the rule says.
        for (title, lines) in [
          ("runs on its commit", example.runs), ("runs earlier in its history", example.earlierRuns),
        ] where !lines.isEmpty {
          print("  \(title):")
          for run in lines.compactMap({ try? RunRecord.parse($0) }) {
            let metrics = run.metrics.keys.sorted().map { "\($0)=\(run.metrics[$0].map { String($0) } ?? "")" }.joined(
              separator: ", ")
            let measured = run.resources.map { "; \($0.summary)" } ?? ""
            print(
              "    run \(run.id) of '\(run.model)', exit \(run.exit), finished \(run.finished)\(measured): \(metrics.isEmpty ? "no metrics" : metrics)"
            )
          }
          for verdict in lines.filter(ReproductionRecord.claims).compactMap({ try? ReproductionRecord.parse($0) }) {
            print(
              "    reproduction \(verdict.id) of run \(verdict.run): \(verdict.reproduced ? "reproduced" : "not reproduced") (tolerance \(verdict.tolerance))"
            )
          }
        }
        if !example.runs.isEmpty || !example.earlierRuns.isEmpty {
          print("  judged at a push to main, clock \(UTCTimestamp.string(RuleExample.exampleNow))")
        }
        if !example.runs.isEmpty || !example.earlierRuns.isEmpty,
          let findings = try? RuleExampleRunner.run(example, rule: found)
        {
          for finding in findings { print("  => \(finding.line):\(finding.column): \(finding.message)") }
        }
        for (path, text) in example.files.sorted(by: { $0.key < $1.key }) {
          print("  with \(path):")
          print(
            text.split(separator: "\n", omittingEmptySubsequences: false).map {
              "    \(TerminalText.escape(String($0)))"
            }
            .joined(separator: "\n"))
        }
      }
    }

    /// A team's rule: where it is declared, what it checks, its options in force.
    func explain(_ team: TeamRule, policy: EffectivePolicy, source: String) {
      var lines = ["\(team.id): \(team.check.summary)"]
      lines.append(
        "team rule declared in \(team.source):\(team.location.line); default severity: error; in force: \(policy.severity(of: team.id).rawValue) (\(source))"
      )
      lines.append("")
      lines.append("options (besides severity):")
      for option in EffectivePolicy.teamRuleOptions {
        let set =
          policy.option(team.id, option.name).map { "in force: \($0.scalarText ?? JSONValue($0).canonical)" }
          ?? "unset: \(option.whenUnset)"
        lines.append("  \(option.name): \(option.expected) (\(set))")
        lines.append("    \(option.summary)")
      }
      if case .command = team.check {
        lines.append("")
        lines.append(
          "runs from the policy's commit with the spec as JSON on standard input and its path in MLGIT_SPEC_PATH;")
        lines.append(
          "files written for it: \(team.files.isEmpty ? "none" : team.files.map(\.path).joined(separator: ", "))")
      }
      for line in lines { print(TerminalText.escape(line)) }
    }
  }
}
