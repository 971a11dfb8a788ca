import MLGitErrors
import MLSpec

/// `commits/signed`: a commit that changes specs or `.mlgit/` is signed with an SSH key
/// that `.mlgit/allowed_signers` (of the base commit) lists for the namespace `git`, so
/// who made the change is established by a key, not by the author email anyone can type.
public struct CommitsSignedRule: PolicyRule {
  static let changed = Examples.validSpec.replacingEvery("max_depth: 6", with: "max_depth: 8")
  static let hint =
    "sign with an SSH key listed in .mlgit/allowed_signers for namespace git: git config gpg.format ssh; "
    + "git config user.signingKey ~/.ssh/id_ed25519; git config commit.gpgsign true; then re-sign the commit "
    + "(git commit --amend --no-edit -S, or git rebase --exec 'git commit --amend --no-edit -S' for several)"

  public static let description = RuleDescription(
    id: "commits/signed",
    summary:
      "A commit that changes specs or .mlgit/ is signed with an SSH key listed in .mlgit/allowed_signers for namespace git (the regulated pack)",
    rationale:
      "An author email is whatever the committer typed. Where approvals must come from someone else, who made the change has to be established by a key: the commit's SSH signature (git's gpg.format=ssh), verified with ssh-keygen -Y verify -n git against .mlgit/allowed_signers of the base commit. Only SSH signatures are verified; GPG and X.509 signatures are refused, because checking them would depend on each machine's keyring. At pre-commit the commit does not exist yet, so the rule only warns when git is not set up to sign it.",
    defaultSeverity: .off,
    examples: [
      RuleExample(changed, parent: Examples.validSpec, signer: .unsigned, triggers: true),
      RuleExample(
        changed, parent: Examples.validSpec,
        signer: .unverified(
          reason: "signed by key SHA256:abc, which .mlgit/allowed_signers does not list for namespace git"),
        triggers: true),
      RuleExample(
        changed, parent: Examples.validSpec,
        signer: .verified(principals: ["author@example.com"], key: "SHA256:abc"), triggers: false),
      RuleExample(
        path: ".mlgit/config.yml", "apiVersion: mlgit/v1\n", parent: "apiVersion: mlgit/v1\nextends: [strict]\n",
        signer: .unsigned, triggers: true),
      // Files the review rules do not look at need no signature.
      RuleExample(path: "docs/readme.md", "notes\n", parent: "old notes\n", signer: .unsigned, triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    guard changeSet.touchesReviewedFiles, let path = changeSet.firstReviewedPath else { return [] }
    let others = changeSet.specs.count + changeSet.files.filter(\.isPolicyChange).count - 1
    let scope = others > 0 ? " (and \(others) other file\(others == 1 ? "" : "s") under review)" : ""
    let message: String
    switch context.reviews.commitSigner ?? .unsigned {
    case .verified:
      return []
    case .pending(nil):
      return []
    case .pending(let problem?):
      // The commit does not exist yet; the push and the server judge its signature.
      var found = finding(
        "this commit will not be signed with an SSH key (\(problem)); a push to a protected branch "
          + "refuses unsigned changes to specs and .mlgit/", path: path, at: .start, in: context,
        hint: CommitsSignedRule.hint)
      if found.severity == .error { found.severity = .warning }
      return [found]
    case .unsigned:
      message =
        "commit is not signed\(scope); changes to specs and .mlgit/ must be signed with an SSH key listed in "
        + ".mlgit/allowed_signers, because the author email alone can be set to anyone"
    case .unverified(let reason):
      message = "commit's signature does not establish who made it\(scope): \(reason)"
    }
    return [finding(message, path: path, at: .start, in: context, hint: CommitsSignedRule.hint)]
  }
}
