import Foundation
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

  /// Sources reading through `repository` that start with what `other` has read already
  /// (for another thread, with its own repository handle).
  init(repository: Repository, sharing other: ReviewSources) {
    self.repository = repository
    records = other.records
    verifiers = other.verifiers  // thread-safe: each verifier locks its results
  }

  /// True when a change holds anything the review rules look at.
  static func mayNeedReviews(_ change: ChangeSet) -> Bool {
    !change.specs.isEmpty || change.files.contains { EffectivePolicy.isPolicyPath($0.path) }
  }

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
  /// policy requires them, against the base tree's `.mlgit/allowed_signers`.
  func lookup(for change: ChangeSet, policy: EffectivePolicy, baseTree: OID?) throws -> ReviewLookup {
    guard ReviewSources.mayNeedReviews(change) else { return ReviewLookup() }
    var lookup = ReviewLookup(records: try allRecords())
    if policy.requireSignedReviews, let baseTree {
      lookup.verifier = try verifier(baseTree: baseTree)
    }
    return lookup
  }

  /// The verifier for signatures judged against `baseTree`'s `.mlgit/allowed_signers`,
  /// whatever the policy requires (an audit reports every signature's validity); nil
  /// when there is no base commit or it lists no signers, so no signature verifies.
  func signatureVerifier(baseTree: OID?) throws -> (any ReviewSignatureVerifier)? {
    guard let baseTree else { return nil }
    return try verifier(baseTree: baseTree)
  }

  private func verifier(baseTree: OID) throws -> SSHReviewVerifier? {
    guard let entry = try repository.entry(at: ReviewSignatures.allowedSignersPath, inTree: baseTree), entry.isBlob else {
      return nil
    }
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
