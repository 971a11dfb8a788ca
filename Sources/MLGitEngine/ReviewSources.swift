import FoundationEssentials
import MLGitErrors
import GitKit
import MLPolicy
import MLSpec

/// Gives the review rules what they need from git: the records of
/// `refs/notes/mlgit/reviews`, read once in one pass, and a signature verifier per
/// `.mlgit/allowed_signers` of the base commit. The pre-push hook reads the local notes
/// ref; a server's pre-receive reads the server's, so reviewers push their notes
/// (`git push origin refs/notes/mlgit/reviews`, or `mlgit sync`).
final class ReviewSources {
  let repository: Repository
  private var records: [String: [ReviewRecord]]?
  private var verifiers: [OID: SSHReviewVerifier] = [:]

  init(repository: Repository) { self.repository = repository }

  /// What these sources have read, to hand to sources on another thread.
  struct Shared: Sendable {
    fileprivate var records: [String: [ReviewRecord]]?
    fileprivate var verifiers: [OID: SSHReviewVerifier]
  }

  var shared: Shared { Shared(records: records, verifiers: verifiers) }

  /// Sources reading through `repository` that start with what other sources have read
  /// already (for another thread, with its own repository handle).
  init(repository: Repository, sharing other: Shared) {
    self.repository = repository
    records = other.records
    verifiers = other.verifiers  // thread-safe: each verifier locks its results
  }

  /// True when a change holds anything the review rules look at.
  static func mayNeedReviews(_ change: ChangeSet) -> Bool { change.touchesReviewedFiles }

  /// Every review record, by the object its note is on.
  func allRecords() throws -> [String: [ReviewRecord]] {
    if let records { return records }
    let lines = try NotesLedger(repository: repository, ref: NotesLedger.reviewsRef).allLines()
    var byObject: [String: [String]] = [:]
    for (object, text) in lines { byObject[object.hex] = text }
    let loaded = ReviewLookup(noteLines: byObject).records
    records = loaded
    return loaded
  }

  /// The reviews for a change judged by `policy`, whose base commit has `baseTree`
  /// (nil: a root commit or an unborn branch). Signatures are checked only when the
  /// policy requires them, against the base tree's `.mlgit/allowed_signers`; so is the
  /// signature of the change's commit (the staged change has none yet: see `stagedSigner`).
  func lookup(for change: ChangeSet, policy: EffectivePolicy, baseTree: OID?) throws -> ReviewLookup {
    guard ReviewSources.mayNeedReviews(change) else { return ReviewLookup() }
    var lookup = ReviewLookup(records: try allRecords())
    if policy.requireSignedReviews, let baseTree {
      lookup.verifier = try verifier(baseTree: baseTree)
    }
    if policy.checksCommitSignatures, let hex = change.origin.commit, let commit = OID(hex: hex) {
      lookup.commitSigner = try commitSigner(commit, baseTree: baseTree)
    }
    return lookup
  }

  /// Who signed `commit`, verified against `baseTree`'s `.mlgit/allowed_signers`. Only SSH
  /// signatures are verified: a GPG or X.509 signature would need each machine's own
  /// keyring (and its trust settings) to check, so two machines could disagree.
  func commitSigner(_ commit: OID, baseTree: OID?) throws -> CommitSigner {
    guard let (signatureData, signedData) = try repository.commitSignature(commit) else { return .unsigned }
    let signature = String(decoding: signatureData, as: UTF8.self).trimmingWhitespaceAndNewlines()
    if signature.hasPrefix("-----BEGIN PGP SIGNATURE-----") {
      return .unverified(
        reason: "it is signed with GPG (OpenPGP); mlgit verifies only SSH signatures (gpg.format=ssh) "
          + "against .mlgit/allowed_signers")
    }
    if signature.hasPrefix("-----BEGIN SIGNED MESSAGE-----") {
      return .unverified(
        reason: "it is signed with X.509 (gpg.format=x509); mlgit verifies only SSH signatures "
          + "(gpg.format=ssh) against .mlgit/allowed_signers")
    }
    guard signature.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
      return .unverified(
        reason: "its signature is in a format mlgit does not know; only SSH signatures (gpg.format=ssh) are verified")
    }
    guard let baseTree, let verifier = try verifier(baseTree: baseTree) else {
      return .unverified(reason: "the base commit has no .mlgit/allowed_signers to verify its SSH signature against")
    }
    let time = try repository.commit(commit).committer.time
    return verifier.commitSigner(id: commit.hex, signature: signature, signedData: signedData, time: time)
  }

  /// Whether git will sign the staged change's commit with an SSH key, from git's config
  /// (and `git -c` settings, which git passes to hooks in `GIT_CONFIG_PARAMETERS`) and
  /// the `git commit` command line when the hook knows it (`-S`, `--no-gpg-sign`). Only
  /// the set-up can be judged here: the push and the server verify the signature itself.
  static func stagedSigner(repository: Repository, environment: [String: String], invocation: GitInvocation?)
    -> CommitSigner
  {
    let overrides = GitInvocation.configParameters(environment["GIT_CONFIG_PARAMETERS"] ?? "")
    let config = try? repository.config()
    func value(_ key: String) -> String? { overrides[key] ?? (try? config?.string(key)) ?? nil }
    func truth(_ text: String?) -> Bool? {
      guard let text else { return nil }
      switch text.lowercased() {
      case "true", "yes", "on", "1", "": return true
      case "false", "no", "off", "0": return false
      default: return nil
      }
    }
    let signs = invocation?.signFlag ?? truth(value("commit.gpgsign")) ?? false
    guard signs else {
      return .pending(problem: "commit.gpgsign is not set and git commit was not given -S")
    }
    guard value("gpg.format")?.lowercased() == "ssh" else {
      return .pending(problem: "gpg.format is not ssh; mlgit verifies only SSH signatures")
    }
    guard let key = value("user.signingkey") ?? value("gpg.ssh.defaultkeycommand"), !key.isEmpty else {
      return .pending(problem: "user.signingKey is not set")
    }
    return .pending(problem: nil)
  }

  /// The verifier for signatures judged against `baseTree`'s `.mlgit/allowed_signers`,
  /// whatever the policy requires (an audit reports every signature's validity); nil
  /// when there is no base commit or it lists no signers, so no signature verifies.
  func signatureVerifier(baseTree: OID?) throws -> (any ReviewSignatureVerifier)? {
    guard let baseTree else { return nil }
    return try verifier(baseTree: baseTree)
  }

  private func verifier(baseTree: OID) throws -> SSHReviewVerifier? {
    // A link is followed inside the tree like a config's; one that leads nowhere usable lists no signers.
    guard
      let entry = try? repository.policyEntry(
        at: ReviewSignatures.allowedSignersPath, inTree: baseTree,
        reportedAs: ReviewSignatures.allowedSignersPath)
    else { return nil }
    if let known = verifiers[entry.id] { return known }
    let made = SSHReviewVerifier(allowedSigners: try repository.blob(entry.id, limit: Document.sizeLimit))
    verifiers[entry.id] = made
    return made
  }

  /// The email git records for the person running mlgit: `GIT_COMMITTER_EMAIL` or
  /// `GIT_AUTHOR_EMAIL` (as git's own commands honour them), else `user.email`.
  static func identity(of repository: Repository, environment: [String: String], variable: String) -> String? {
    if let email = environment[variable], !email.isEmpty { return email }
    if let email = try? repository.config().string("user.email"), !email.isEmpty { return email }
    return nil
  }
}
