import MLPolicy
import MLSpec

/// `mlgit policy explain RULE` as text: what the rule checks, its severity and options in
/// force, and for mlgit's rules the rationale and the examples that pass and fail (the run
/// gates' with the runs they are judged on and what the rule reports).
public enum RuleExplanation {
  /// One of mlgit's rules.
  public static func text(_ rule: any PolicyRule, policy: EffectivePolicy, source: String) -> String {
    let d = type(of: rule).description
    var lines = ["\(d.id): \(d.summary)"]
    lines.append(
      "default severity: \(d.defaultSeverity.rawValue); in force: \(policy.severity(of: d.id).rawValue) (\(source))")
    lines += ["", d.rationale, "", "options (besides severity):"]
    for option in d.allOptions {
      let set =
        policy.option(d.id, option.name).map { "in force: \($0.scalarText ?? JSONValue($0).canonical)" }
        ?? "unset: \(option.whenUnset)"
      lines.append("  \(option.name): \(option.expected) (\(set))")
      lines.append("    \(option.summary)")
    }
    if let details = rule.details(for: policy) {
      lines += ["", details]
    }
    for (i, example) in d.examples.enumerated() {
      lines.append("")
      lines.append("example \(i + 1): \(example.triggers ? "reported" : "passes")  (\(example.path))")
      if let config = example.config {
        lines.append("  with .mlgit/config.yml: \(config.split(separator: "\n").joined(separator: "; "))")
      }
      if !example.approvedBy.isEmpty {
        lines.append("  approved by: \(example.approvedBy.joined(separator: ", ")) (author: author@example.com)")
      }
      if let parent = example.parent {
        lines.append("  before:")
        lines.append(indented(parent))
        lines.append("  after:")
      }
      lines.append(indented(example.content ?? "(deleted)"))
      // The run gates' examples depend on the runs: show them, and what the rule says.
      for (title, runLines) in [
        ("runs on its commit", example.runs), ("runs earlier in its history", example.earlierRuns),
      ] where !runLines.isEmpty {
        lines.append("  \(title):")
        for run in runLines.compactMap({ try? RunRecord.parse($0) }) {
          let metrics = run.metrics.keys.sorted().map { "\($0)=\(run.metrics[$0].map { String($0) } ?? "")" }.joined(
            separator: ", ")
          let measured = run.resources.map { "; \($0.summary)" } ?? ""
          lines.append(
            "    run \(run.id) of '\(run.model)', exit \(run.exit), finished \(run.finished)\(measured): \(metrics.isEmpty ? "no metrics" : metrics)"
          )
        }
        for verdict in runLines.filter(ReproductionRecord.claims).compactMap({ try? ReproductionRecord.parse($0) }) {
          lines.append(
            "    reproduction \(verdict.id) of run \(verdict.run): \(verdict.reproduced ? "reproduced" : "not reproduced") (tolerance \(verdict.tolerance))"
          )
        }
      }
      if !example.runs.isEmpty || !example.earlierRuns.isEmpty {
        lines.append("  judged at a push to main, clock \(UTCTimestamp.string(RuleExample.exampleNow))")
        if let findings = try? RuleExampleRunner.run(example, rule: rule) {
          for finding in findings { lines.append("  => \(finding.line):\(finding.column): \(finding.message)") }
        }
      }
      for (path, text) in example.files.sorted(by: { $0.key < $1.key }) {
        lines.append("  with \(path):")
        lines.append(
          text.split(separator: "\n", omittingEmptySubsequences: false).map {
            "    \(TerminalText.escape(String($0)))"
          }
          .joined(separator: "\n"))
      }
    }
    return lines.map { $0 + "\n" }.joined()
  }

  /// A team's rule: where it is declared, what it checks, its options in force.
  public static func text(_ team: TeamRule, policy: EffectivePolicy, source: String) -> String {
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
    return lines.map { TerminalText.escape($0) + "\n" }.joined()
  }

  /// Each line of `text` indented by four spaces, as the examples' files are shown.
  static func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n")
  }
}
