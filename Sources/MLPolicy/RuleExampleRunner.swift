import Foundation
import MLSpec

/// Runs a rule on one of its documented examples (used by the tests and by
/// `mlgit policy explain`, so the printed examples are known to behave as printed).
public enum RuleExampleRunner {
  public static func run(_ example: RuleExample, rule: any PolicyRule, stage: CheckStage = .push,
                         branch: String = "main") throws -> [Finding] {
    var policy = try EffectivePolicy.load(config: example.config.map { Data($0.utf8) })
    // Examples show the rule at work whatever its default severity.
    if policy.severity(of: rule.id) == .off {
      policy.settings[rule.id, default: RuleSetting(severity: nil)].severity = type(of: rule).description.defaultSeverity == .off
        ? .warning : type(of: rule).description.defaultSeverity
    }
    var context = PolicyContext(policy: policy, stage: stage, branch: branch)
    let isSpec = policy.specGlobs.matches(example.path)
    var changeSet = ChangeSet(origin: ChangeOrigin(commit: nil, authorEmail: "author@example.com"), specs: [])
    if !example.runs.isEmpty {
      changeSet.origin.commit = RuleExample.exampleCommit
      context.runs[RuleExample.exampleCommit] = try example.runs.map(RunRecord.parse)
    }
    if isSpec {
      let old = example.parent.map { SpecSnapshot(path: example.path, blob: nil, data: Data($0.utf8)) }
      let new = example.content.map { SpecSnapshot(path: example.path, blob: nil, data: Data($0.utf8)) }
      changeSet.specs = [ModelChange(path: example.path, old: old, new: new)]
    } else {
      changeSet.files = [FileChange(path: example.path, oldBlob: example.parent == nil ? nil : "old",
        newBlob: example.content == nil ? nil : "new", newPrefix: example.content.map { Data($0.utf8) })]
    }
    return PolicyEngine(rules: [rule]).evaluate(changeSet, in: context)
  }
}
