import FoundationEssentials
import MLSpec

/// `runs/reproduced`: a changed model's version has at least one successful
/// reproduction (`mlgit reproduce`) of one of its runs before it reaches a protected branch.
public struct RunsReproducedRule: PolicyRule {
  public static let description = RuleDescription(
    id: "runs/reproduced",
    summary: "A changed model's version has a run that `mlgit reproduce` reproduced, recorded in the ledger",
    rationale:
      "A result that cannot be trained again from its commit cannot be debugged, audited or rolled forward; one recorded reproduction shows the training is deterministic enough to trust (The ML Test Score, infrastructure: training is reproducible).",
    defaultSeverity: .off,
    options: [.releaseBranches],
    examples: [
      RuleExample(
        Examples.validSpec, runs: [Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81])], triggers: true),
      RuleExample(
        Examples.validSpec,
        runs: [
          Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81]),
          Examples.reproductionLine(reproduced: true),
        ], triggers: false),
      RuleExample(
        Examples.validSpec,
        runs: [
          Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81]),
          Examples.reproductionLine(reproduced: false),
        ], triggers: true),
      // A reproduction of another model's run vouches for nothing here.
      RuleExample(
        Examples.validSpec,
        runs: [
          Examples.runLine(model: "credit-risk", metrics: ["auc": 0.81]),
          Examples.runLine(model: "other-model", metrics: ["auc": 0.81], id: "run0000000d1"),
          Examples.reproductionLine(reproduced: true, run: "run0000000d1"),
        ], triggers: true),
      // No run at all is runs/required's business.
      RuleExample(Examples.validSpec, triggers: false),
      RuleExample(nil, parent: Examples.validSpec, triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard context.releaseGateApplies(id) else { return [] }
    var findings: [Finding] = []
    for change in changeSet.specs {
      guard let spec = change.new?.spec, !spec.name.isEmpty else { continue }
      let runs = RunsStaleRule.runsOfVersion(spec, at: change.path, on: changeSet.origin, in: context)
      // No run at all is runs/required's business.
      if runs.isEmpty { continue }
      let ids = Set(runs.map(\.id))
      let verdicts = Set(runs.map(\.commit)).flatMap { context.reproductions[$0] ?? [] }.filter { ids.contains($0.run) }
      if verdicts.contains(where: \.reproduced) { continue }
      let label = "'\(spec.name)'\(spec.version.map { " \($0)" } ?? "")"
      let message: String
      if let failed = verdicts.sorted(by: { $0.at > $1.at }).first {
        message =
          "no run of \(label) was reproduced: the latest attempt, \(failed.id) of run \(failed.run), did not reproduce"
          + (failed.problem.map { " (\($0))" } ?? " (metrics beyond tolerance \(Examples.number(failed.tolerance)))")
      } else {
        message =
          "no run of \(label) was reproduced (\(runs.count) recorded run\(runs.count == 1 ? "" : "s"), no reproduction)"
      }
      let newest = runs.max { ($0.finished, $0.id) < ($1.finished, $1.id) }
      findings.append(
        finding(
          message, path: change.path, at: spec.root.keyNode("name")?.location ?? .start, in: context,
          hint:
            "reproduce a run from its commit: `mlgit reproduce \(newest?.id ?? "RUN") --yes` records the verdict; then `mlgit sync`"
        ))
    }
    return findings
  }
}

extension Examples {
  /// A reproduction verdict for the example run `0123456789ab`, for rule examples.
  static func reproductionLine(reproduced: Bool, run: String = "0123456789ab") -> String {
    ReproductionRecord(
      id: "repr00000001", run: run, commit: RuleExample.exampleCommit, model: "credit-risk",
      reproduced: reproduced, tolerance: 0.001, user: "bob@example.com", host: "ci", at: "2026-01-02T09:00:00Z",
      exit: 0,
      metrics: ["auc": ReproductionRecord.MetricComparison(recorded: 0.81, reproduced: reproduced ? 0.8104 : 0.77)]
    ).line
  }
}
