import MLSpec

/// `runs/clean-tree`: runs come from committed code. `mlgit run` refuses to start in a
/// dirty working tree when the rule is an error; at push, a dirty run recorded on a
/// pushed commit that changes a spec is reported.
public struct RunsCleanTreeRule: PolicyRule {
  public static let description = RuleDescription(
    id: "runs/clean-tree",
    summary: "Training runs are made from a clean working tree",
    rationale:
      "A run made with uncommitted changes is recorded against a commit that does not contain the code that produced it, so it cannot be reproduced.",
    defaultSeverity: .off,
    examples: [
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81], dirty: true)],
        triggers: true),
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81])], triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard context.stage.isPushLike else { return [] }
    let dirty = context.runs(for: changeSet.origin).filter(\.dirty)
    var findings: [Finding] = []
    for change in changeSet.specs {
      guard let spec = change.new?.spec else { continue }
      for run in dirty where run.model == spec.name {
        findings.append(
          finding(
            "run \(run.id) of '\(spec.name)' was made from a dirty working tree", path: change.path,
            at: spec.root.keyNode("name")?.location ?? .start, in: context,
            hint: "commit your changes, train again with `mlgit run -- CMD…`, and sync"))
      }
    }
    return findings
  }
}
