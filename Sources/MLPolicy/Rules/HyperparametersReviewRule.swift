import MLGitErrors
import MLSpec

/// `hyperparameters/review`: a change of a spec's hyperparameters is approved by
/// someone other than its author, bound to the exact content approved.
public struct HyperparametersReviewRule: PolicyRule {
  static let changed = Examples.validSpec.replacingEvery("max_depth: 6", with: "max_depth: 8")

  public static let description = RuleDescription(
    id: ReviewRequirement.hyperparametersRule,
    summary:
      "A change of hyperparameters needs `approvals` approvals from `reviewers` (empty: anyone but the author); options: approvals, enforce (commit|push), new_specs",
    rationale:
      "Specs are reviewed before they are used, and the review is bound to the exact values approved: an approval is a git note on the spec's blob (refs/notes/mlgit/reviews), so it follows rebases, amends and cherry-picks, and any edit needs a new one.",
    defaultSeverity: .error,
    options: [.approvals, .enforce, .newSpecs],
    examples: [
      RuleExample(changed, parent: Examples.validSpec, triggers: true),
      RuleExample(changed, parent: Examples.validSpec, approvedBy: ["reviewer@example.com"], triggers: false),
      RuleExample(changed, parent: Examples.validSpec, approvedBy: ["author@example.com"], triggers: true),
      // Formatting, key order, comments and 0.05 vs 0.050 are not changes.
      RuleExample(
        Examples.validSpec
          .replacingEvery(
            "  learning_rate: 0.05\n  max_depth: 6\n",
            with: "  max_depth: 6   # deeper overfits\n  learning_rate: 0.050\n"),
        parent: Examples.validSpec, triggers: false),
      // Types are: 6 and "6" differ.
      RuleExample(
        Examples.validSpec.replacingEvery("max_depth: 6", with: "max_depth: \"6\""),
        parent: Examples.validSpec, triggers: true),
      RuleExample(
        changed, parent: Examples.validSpec, config: "apiVersion: mlgit/v1\nreviewers: [carol@example.com]\n",
        approvedBy: ["reviewer@example.com"], triggers: true),
      // New specs need review only where `new_specs: true` (the strict pack).
      RuleExample(Examples.validSpec, triggers: false),
      RuleExample(Examples.validSpec, config: "apiVersion: mlgit/v1\nextends: [strict]\n", triggers: true),
      RuleExample(
        changed, parent: Examples.validSpec, config: "apiVersion: mlgit/v1\nextends: [regulated]\n",
        approvedBy: ["reviewer@example.com"], triggers: true),
    ],
    dependsOn: .wholeChange)

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    ReviewRequirement.hyperparameterItems(in: changeSet, context: context)
      .compactMap { ReviewRequirement.finding(for: $0, origin: changeSet.origin, context: context) }
  }

  public func details(for policy: EffectivePolicy) -> String? {
    let rule = ReviewRequirement.hyperparametersRule
    let approvals = policy.approvals(rule)
    let reviewers = policy.reviewers.isEmpty ? "anyone but the author" : policy.reviewers.joined(separator: ", ")
    return "in force: \(approvals) approval(s) from \(reviewers); enforce: \(policy.enforcement(rule)); "
      + "new specs: \((policy.option(rule, "new_specs")?.bool ?? false) ? "reviewed" : "not reviewed"); "
      + "signed reviews: \(policy.requireSignedReviews ? "required" : "not required")"
  }
}

/// `policy/review`: a change under `.mlgit/` is approved like a hyperparameter change,
/// judged by the policy before it, so no commit lowers its own bar.
public struct PolicyReviewRule: PolicyRule {
  static let config = "apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: off\n"

  public static let description = RuleDescription(
    id: ReviewRequirement.policyRule,
    summary:
      "A change under .mlgit/ (policy, reviewers, allowed signers, exceptions) needs approval like a hyperparameter change; options: approvals, enforce (commit|push)",
    rationale:
      "The policy is judged by the policy before it: otherwise one commit could turn the reviews off and slip its own change through. A repository's root commit establishes the policy and needs no approval.",
    defaultSeverity: .error,
    options: [.approvals, .enforce],
    examples: [
      RuleExample(path: ".mlgit/config.yml", config, parent: "apiVersion: mlgit/v1\n", triggers: true),
      RuleExample(
        path: ".mlgit/config.yml", config, parent: "apiVersion: mlgit/v1\n", approvedBy: ["reviewer@example.com"],
        triggers: false),
      RuleExample(
        path: ".mlgit/config.yml", config, parent: "apiVersion: mlgit/v1\n", approvedBy: ["author@example.com"],
        triggers: true),
      RuleExample(path: ".mlgit/allowed_signers", nil, parent: "bob@example.com ssh-ed25519 AAAA\n", triggers: true),
      RuleExample(path: "docs/readme.md", "notes\n", parent: "old notes\n", triggers: false),
    ],
    dependsOn: .wholeChange)

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    ReviewRequirement.items(in: changeSet, context: context, only: .policy)
      .filter { $0.kind == .policy }
      .compactMap { ReviewRequirement.finding(for: $0, origin: changeSet.origin, context: context) }
  }
}
