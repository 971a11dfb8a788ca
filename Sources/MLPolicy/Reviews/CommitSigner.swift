/// Who made a change, as the signature on its commit establishes it. Under a policy
/// that checks commit signatures (`commits/signed`, `require_signed_reviews`) this,
/// not the author email (which anyone can set), decides who may not approve the change.
public enum CommitSigner: Sendable, Equatable {
  /// Signed with SSH (`gpg.format=ssh`) by a key that `.mlgit/allowed_signers` of the
  /// base commit lists for the namespace `git`: the principals (emails) it lists the
  /// key for, and the key's fingerprint (`SHA256:…`).
  case verified(principals: [String], key: String)
  /// The commit carries no signature.
  case unsigned
  /// The commit is signed, but the signature does not establish a listed signer: a key
  /// not listed for `git`, a signature that does not verify, or a GPG or X.509 signature.
  case unverified(reason: String)
  /// The staged change: there is no commit yet. `problem` says why git will not sign it
  /// with an SSH key (nil: it is set up to).
  case pending(problem: String?)

  /// The principals a verified signature names (empty otherwise).
  public var principals: [String] {
    if case .verified(let principals, _) = self { return principals }
    return []
  }

  /// The key fingerprint of a verified signature.
  public var key: String? {
    if case .verified(_, let key) = self { return key }
    return nil
  }
}

extension ChangeSet {
  /// True when the change holds anything the review rules look at: a spec (or the
  /// parameters file behind one), a file under `.mlgit/`, or a file the policy reads.
  public var touchesReviewedFiles: Bool {
    !specs.isEmpty || files.contains(where: \.isPolicyChange)
  }

  /// The first file of the change the review rules look at, for findings about the whole commit.
  public var firstReviewedPath: String? {
    specs.map(\.path).min() ?? files.filter(\.isPolicyChange).map(\.path).min()
  }
}

extension EffectivePolicy {
  /// True when checks must establish who signed a change's commit: `commits/signed` is
  /// on, or approvals must be signed (an approval then has to come from another signer).
  public var checksCommitSignatures: Bool {
    requireSignedReviews || severity(of: CommitsSignedRule.description.id) != .off
  }
}
