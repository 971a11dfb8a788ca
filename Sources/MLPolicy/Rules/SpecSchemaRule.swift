import MLGitErrors
import MLSpec

/// `spec/schema`: a model spec is a well-formed `mlgit/v1` document.
public struct SpecSchemaRule: PolicyRule {
  public static let description = RuleDescription(
    id: "spec/schema",
    summary:
      "Model specs follow the mlgit/v1 schema: required fields, types, semantic version, name slug, features, validation bounds",
    rationale:
      "A spec that cannot be read cannot be reviewed, reproduced or audited; catching it at commit keeps the history usable.",
    defaultSeverity: .error,
    examples: [
      RuleExample(Examples.validSpec, triggers: false),
      RuleExample(Examples.validSpec.replacingEvery("version: 1.4.0", with: "version: 1.4"), triggers: true),
      RuleExample(
        Examples.validSpec.replacingEvery("name: credit-risk", with: "name: Credit Risk"), triggers: true),
      RuleExample(
        "apiVersion: mlgit/v1\nname: credit-risk\nversion: 1.0.0\nowner: risk-team\nfeatures: [income]\n",
        triggers: true),
      RuleExample("apiVersion: mlgit/v1\nname: [unclosed\n", triggers: true),
      RuleExample(
        path: "models/example.json",
        #"{"apiVersion": "mlgit/v1", "name": "churn", "version": "2.0.0", "owner": "growth", "features": ["tenure"], "hyperparameters": {"depth": 4}}"#,
        triggers: false),
    ],
    dependsOn: .newSpec)

  public init() {}

  public func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding] {
    guard let new = change.new else { return [] }
    if let error = new.documentError {
      return [
        finding(
          error.message, path: change.path, at: error.location, in: context,
          hint: error.hint ?? "fix the syntax; `mlgit check --staged` re-checks without committing")
      ]
    }
    // A top-level field a team's rule checks (`license`) is part of that team's schema.
    let teamFields = Set(
      context.policy.teamRules.compactMap { rule -> String? in
        if case .field(let path, _) = rule.check { return path.first }
        return nil
      })
    var findings = new.problems.filter { $0.unknownField.map { !teamFields.contains($0) } ?? true }.map {
      finding($0.message, path: change.path, at: $0.location, in: context, hint: $0.hint)
    }
    if let error = new.hyperparametersError, case .file(_, _, let location)? = new.spec?.hyperparameters {
      findings.append(
        finding(
          "hyperparameters cannot be read: \(error)", path: change.path, at: location, in: context,
          hint: "commit the parameters file beside the spec, or fix 'from' and 'key'"))
    }
    return findings
  }
}

/// Specs used by rule examples.
enum Examples {
  static let validSpec = """
    apiVersion: mlgit/v1
    name: credit-risk
    version: 1.4.0
    owner: risk-team
    task: binary-classification
    target: defaulted
    features:
      - income
      - debt_ratio
      - {name: tenure_months, cost: low}
    hyperparameters:
      learning_rate: 0.05
      max_depth: 6
      seed: 42
    validation:
      metrics:
        auc: {min: 0.78}

    """
}
