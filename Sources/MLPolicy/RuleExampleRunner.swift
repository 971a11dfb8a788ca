import FoundationEssentials
import MLSpec

/// Runs a rule on one of its documented examples (used by the tests and by
/// `mlgit policy explain`, so the printed examples are known to behave as printed).
public enum RuleExampleRunner {
  public static func run(
    _ example: RuleExample, rule: any PolicyRule, stage: CheckStage = .push,
    branch: String = "main"
  ) throws -> [Finding] {
    var policy = try EffectivePolicy.load(config: example.config.map { Data($0.utf8) })
    // Examples show the rule at work whatever its default severity.
    if policy.severity(of: rule.id) == .off {
      policy.settings[rule.id, default: RuleSetting(severity: nil)].severity =
        type(of: rule).description.defaultSeverity == .off
        ? .warning : type(of: rule).description.defaultSeverity
    }
    var context = PolicyContext(policy: policy, stage: stage, branch: branch)
    // Examples judge ages against a fixed day, so they read the same every day.
    context.now = RuleExample.exampleNow
    let isSpec = policy.specGlobs.matches(example.path)
    var changeSet = ChangeSet(origin: ChangeOrigin(commit: nil, authorEmail: "author@example.com"), specs: [])
    if !example.runs.isEmpty {
      changeSet.origin.commit = RuleExample.exampleCommit
      // Reproductions' verdicts share the runs ledger, as in a repository.
      context.runs[RuleExample.exampleCommit] = try example.runs.filter { !ReproductionRecord.claims($0) }.map(
        RunRecord.parse)
      context.reproductions[RuleExample.exampleCommit] = try example.runs.filter(ReproductionRecord.claims).map(
        ReproductionRecord.parse)
    }
    if !example.earlierRuns.isEmpty {
      // Earlier runs are on the parent's version when the example has one, else simply reachable.
      let earlier = try example.earlierRuns.map(RunRecord.parse)
      let parentSpec = example.parent.flatMap { SpecSnapshot(path: example.path, blob: nil, data: Data($0.utf8)).spec }
      context.history = RecordedRunHistory(
        earlierRuns: earlier,
        previous: parentSpec.flatMap { spec in
          spec.version.map { PreviousVersion(version: $0, spec: spec, runs: earlier) }
        })
    }
    if isSpec {
      let old = example.parent.map { SpecSnapshot(path: example.path, blob: nil, data: Data($0.utf8)) }
      // Approved examples need a blob id for the approvals to be attached to.
      let blob = example.approvedBy.isEmpty ? nil : "example-new"
      let new = example.content.map { SpecSnapshot(path: example.path, blob: blob, data: Data($0.utf8)) }
      changeSet.specs = [ModelChange(path: example.path, old: old, new: new)]
      changeSet.dataSamples = DataSchemaSample.collect(
        specs: changeSet.specs, files: [], unchanged: { [] },
        read: { path in example.files[path].map { .prefix(Data($0.utf8), complete: true) } })
      if let blob {
        let hash = (new?.hyperparameters ?? .null).typedSHA256
        context.reviews = ReviewLookup(records: [
          blob: example.approvedBy.map {
            ReviewRecord(
              path: example.path, blob: blob, hyperparameters: hash, reviewer: $0, at: "2026-01-01T00:00:00Z")
          }
        ])
      }
    } else {
      changeSet.files = [
        FileChange(
          path: example.path, oldBlob: example.parent == nil ? nil : "old",
          newBlob: example.content == nil ? nil : "new", newPrefix: example.content.map { Data($0.utf8) })
      ]
      if example.content != nil, !example.approvedBy.isEmpty {
        context.reviews = ReviewLookup(records: [
          "new": example.approvedBy.map {
            ReviewRecord(
              path: example.path, blob: "new", hyperparameters: nil, reviewer: $0, at: "2026-01-01T00:00:00Z")
          }
        ])
      }
    }
    context.reviews.commitSigner = example.signer
    return PolicyEngine(rules: [rule]).evaluate(changeSet, in: context)
  }
}
