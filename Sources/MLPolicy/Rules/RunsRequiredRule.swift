import MLSpec

/// `runs/required`: a commit that changes a spec, pushed to a protected branch, has a
/// recorded run of that model.
public struct RunsRequiredRule: PolicyRule {
  public static let description = RuleDescription(
    id: "runs/required",
    summary: "A commit that changes a model's spec has a recorded training run of that model",
    rationale:
      "A model released without a run recorded against the exact commit cannot be traced to the metrics that justified it (The ML Test Score: replicable training, quality validated before production).",
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(Examples.validSpec, triggers: true),
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81])], triggers: false),
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "other-model", metrics: ["auc": 0.81])], triggers: true),
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: [:], exit: 1)], triggers: true),
      RuleExample(nil, parent: Examples.validSpec, triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard context.releaseGateApplies(id) else { return [] }
    let runs = context.runs(for: changeSet.origin)
    var findings: [Finding] = []
    for change in changeSet.specs {
      guard let spec = change.new?.spec, !spec.name.isEmpty else { continue }
      let ofModel = runs.filter { $0.model == spec.name }
      if ofModel.contains(where: \.succeeded) { continue }
      let at = spec.root.keyNode("name")?.location ?? .start
      let message =
        ofModel.isEmpty
        ? "no training run of '\(spec.name)' is recorded on this commit"
        : "every recorded run of '\(spec.name)' on this commit failed (exit \(ofModel.map { String($0.exit) }.joined(separator: ", ")))"
      findings.append(
        finding(
          message, path: change.path, at: at, in: context,
          hint:
            "train from this commit with `mlgit run -- CMD…` (or `mlgit run record --metrics FILE --commit REV`), then `mlgit sync`"
        ))
    }
    return findings
  }
}

extension Examples {
  /// A run record line for rule examples.
  static func runLine(
    model: String, metrics: [String: Double], exit: Int = 0, dirty: Bool = false,
    id: String = "0123456789ab"
  ) -> String {
    RunRecord(
      id: id, commit: RuleExample.exampleCommit, model: model, started: "2026-01-01T10:00:00Z",
      finished: "2026-01-01T11:00:00Z", user: "alice@example.com", host: "trainer", command: "python train.py",
      exit: exit, params: .object(["max_depth": .int(6)]), metrics: metrics, dirty: dirty
    ).line
  }
}
