import MLGitErrors
import MLSpec

/// `spec/version-bump`: a changed spec carries a new version.
public struct SpecVersionBumpRule: PolicyRule {
  public static let description = RuleDescription(
    id: "spec/version-bump",
    summary: "A spec whose content changed also changes its version",
    rationale:
      "Runs, approvals and audits refer to a model by name and version; two different models under one version cannot be told apart.",
    defaultSeverity: .warning,
    examples: [
      RuleExample(
        Examples.validSpec.replacingEvery("max_depth: 6", with: "max_depth: 8"),
        parent: Examples.validSpec, triggers: true),
      RuleExample(
        Examples.validSpec.replacingEvery("max_depth: 6", with: "max_depth: 8")
          .replacingEvery("version: 1.4.0", with: "version: 1.5.0"),
        parent: Examples.validSpec, triggers: false),
      RuleExample(Examples.validSpec + "# a comment only\n", parent: Examples.validSpec, triggers: false),
      RuleExample(Examples.validSpec, triggers: false),
    ],
    dependsOn: .specChange)

  public init() {}

  public func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding] {
    guard let old = change.old?.spec, let new = change.new?.spec, let oldDoc = change.old?.document,
      let newDoc = change.new?.document, let newVersion = new.version, let oldVersion = old.version
    else { return [] }
    // A version that went up is all this rule asks for, whatever else changed: the
    // documents are compared (a whole spec, value by value) only when it did not.
    guard newVersion <= oldVersion else { return [] }
    // Formatting and comments are not changes: compare the documents as values.
    guard !JSONValue.sameValue(oldDoc, newDoc) else { return [] }
    if newVersion == oldVersion {
      return [
        finding(
          "spec changed but its version is still \(newVersion)", path: change.path,
          at: new.versionLocation, in: context,
          hint:
            "bump the version (e.g. \(newVersion.major).\(newVersion.minor).\(newVersion.patch + 1)) so runs and reviews can tell the two apart"
        )
      ]
    }
    if newVersion < oldVersion {
      return [
        finding(
          "version went down from \(oldVersion) to \(newVersion)", path: change.path,
          at: new.versionLocation, in: context,
          hint:
            "versions only move forward; use \(oldVersion.major).\(oldVersion.minor).\(oldVersion.patch + 1) or higher")
      ]
    }
    return []
  }
}
