import MLGitErrors
import MLSpec

/// A change that needs (or could take) approvals: a spec's hyperparameters, or a file
/// under `.mlgit/`, with the approvals that count for it under the policy in force.
public struct ReviewItem: Sendable {
  public enum Kind: String, Sendable {
    case hyperparameters, policy
  }

  public var kind: Kind
  /// The rule that asks for it: `hyperparameters/review` or `policy/review`.
  public var rule: String
  public var path: String
  /// The object whose note holds its approvals (the new blob; a deleted file: the old
  /// blob); nil when the content has no blob id (a rule example).
  public var object: String?
  /// The `blob` an approval names (the new blob; a deletion: the zero id).
  public var approvedBlob: String?
  /// The `hyperparameters` an approval names (sha256 of the canonical value; nil for `.mlgit/` files).
  public var hash: String?
  /// What changed, key by key (hyperparameters only).
  public var changes: [HyperparameterChange]
  /// `learning_rate 0.05 -> 0.1`, `new spec`, `changed`, `deleted`.
  public var summary: String
  /// The first changed key in the spec; for a `from:` parameters file, the `from:` value.
  public var location: SourceLocation
  /// Where the first change is in a `from:` parameters file (`params.yaml:3:3`).
  public var parametersSite: String? = nil
  /// Whether the policy in force asks for approval of this change.
  public var isRequired: Bool
  /// How many distinct approvers are needed.
  public var required: Int
  /// Who may approve (empty: anyone but the author).
  public var reviewers: [String]
  public var requireSigned: Bool
  /// The `enforce` option: `commit` or `push`.
  public var enforce: String
  public var author: String
  /// Who signed the change's commit, when the policy checks it: a verified signer may
  /// not approve the change (nor may any principal listed for the signing key).
  public var signer: CommitSigner?
  /// Reviewers whose approvals count, in the order recorded.
  public var approvals: [String]
  /// Approvals on this content that do not count, and why.
  public var ignored: [(reviewer: String, reason: String)]
  /// For a policy file outside `.mlgit/`: the policy entry that reads it.
  public var readBy: String? = nil

  public var isSatisfied: Bool { approvals.count >= required }

  /// `anyone but alice@example.com`, `one of bob@example.com, carol@example.com (not alice@example.com)`.
  public var whoMayApprove: String {
    var excluded: [String] = author.isEmpty ? [] : [author]
    for principal in signer?.principals ?? []
    where !excluded.contains(where: { $0.lowercased() == principal.lowercased() }) {
      excluded.append(principal)
    }
    let notAuthor = excluded.isEmpty ? "the author" : excluded.joinedText(separator: ", ")
    if reviewers.isEmpty { return "anyone but \(notAuthor)" }
    let others = reviewers.filter { reviewer in !excluded.contains { $0.lowercased() == reviewer.lowercased() } }
    return "\(others.count == 1 ? "" : "one of ")\(others.joinedText(separator: ", "))"
  }
}

/// Works out which changes need approvals and which approvals count. Pure: the
/// records and the signature verifier come in through `PolicyContext.reviews`.
public enum ReviewRequirement {
  public static let hyperparametersRule = "hyperparameters/review"
  public static let policyRule = "policy/review"

  /// Every change in `changeSet` an approval can cover: specs whose hyperparameters
  /// differ from the parent's (and new specs), and files under `.mlgit/` or read by the
  /// parent's policy (pack files it extends, command checks' scripts) (except in a
  /// root commit, which establishes the policy). `isRequired` says whether the policy
  /// in force asks for each.
  ///
  /// `only` limits the answer to one kind of item (each review rule reads one kind; the
  /// other kind's items, hashes and diffs were built and thrown away on every commit).
  public static func items(in changeSet: ChangeSet, context: PolicyContext, only: ReviewItem.Kind? = nil)
    -> [ReviewItem]
  {
    var items: [ReviewItem] = []
    let author = changeSet.origin.authorEmail
    for change in changeSet.specs where only == nil || only == .hyperparameters {
      guard let new = change.new, new.spec != nil else { continue }
      let rule = hyperparametersRule
      var item: ReviewItem
      if let old = change.old {
        guard old.spec != nil, old.hyperparameters != new.hyperparameters else { continue }
        let changes = HyperparameterChange.diff(old.hyperparameters, new.hyperparameters)
        item = makeItem(.hyperparameters, rule: rule, path: change.path, context: context, author: author)
        item.changes = changes
        item.summary = HyperparameterChange.summary(changes)
      } else {
        item = makeItem(.hyperparameters, rule: rule, path: change.path, context: context, author: author)
        item.changes = HyperparameterChange.diff(nil, new.hyperparameters)
        item.summary = "new spec"
        item.isRequired = item.isRequired && (context.policy.option(rule, "new_specs")?.bool ?? false)
      }
      item.object = new.blob
      item.approvedBlob = new.blob
      item.hash = (new.hyperparameters ?? .null).typedSHA256
      let site = ChangeSite(item.changes, in: new)
      item.location = site.location
      item.parametersSite = site.parametersFile
      items.append(item)
    }
    if !changeSet.isRoot && (only == nil || only == .policy) {
      for file in changeSet.files where file.isPolicyChange {
        var item = makeItem(.policy, rule: policyRule, path: file.path, context: context, author: author)
        item.readBy = file.readByPolicy
        switch (file.oldBlob, file.newBlob) {
        case (_, let new?):
          item.object = new
          item.approvedBlob = new
          item.summary = file.oldBlob == nil ? "added" : "changed"
        case (let old?, nil):
          item.object = old
          item.approvedBlob = ReviewRecord.deletedBlob
          item.summary = "deleted"
        case (nil, nil):
          continue
        }
        items.append(item)
      }
    }
    return items.map { count($0, in: context) }
  }

  /// The items of `changeSet`'s specs whose hyperparameters changed (or that are new),
  /// from `context.reviewItemsMemo` when it has them.
  public static func hyperparameterItems(in changeSet: ChangeSet, context: PolicyContext) -> [ReviewItem] {
    // Closures written in place: one kept in a constant would copy the context into a box.
    guard let memo = context.reviewItemsMemo else {
      return items(in: changeSet, context: context, only: .hyperparameters).filter { $0.kind == .hyperparameters }
    }
    return memo.items {
      items(in: changeSet, context: context, only: .hyperparameters).filter { $0.kind == .hyperparameters }
    }
  }

  private static func makeItem(
    _ kind: ReviewItem.Kind, rule: String, path: String, context: PolicyContext,
    author: String
  ) -> ReviewItem {
    let policy = context.policy
    let approvals = policy.approvals(rule)
    let enforce = policy.enforcement(rule)
    let isRequired = context.severity(of: rule) != .off && context.applies(rule) && approvals > 0
    return ReviewItem(
      kind: kind, rule: rule, path: path, object: nil, approvedBlob: nil, hash: nil, changes: [],
      summary: "", location: .start, isRequired: isRequired, required: approvals, reviewers: policy.reviewers,
      requireSigned: policy.requireSignedReviews, enforce: enforce, author: author,
      signer: context.reviews.commitSigner,
      approvals: [], ignored: [])
  }

  /// Fills in which approvals count: distinct reviewers, none of them the author, from
  /// `reviewers` when the list is set, with a verified signature when signatures are required.
  static func count(_ item: ReviewItem, in context: PolicyContext) -> ReviewItem {
    var item = item
    guard let object = item.object, item.approvedBlob != nil else { return item }
    var counted = Set<String>()
    var ignored: [String: String] = [:]
    for record in context.reviews.records(on: object) {
      let rejection = rejection(of: record, for: item, verifier: context.reviews.verifier)
      // Records about other content (another path, blob or decision) are not this change's.
      if let rejection, rejection.isAboutOtherContent { continue }
      let who = record.reviewer.lowercased()
      if counted.contains(who) { continue }
      if let rejection {
        let reason = rejection.description
        if ignored[who] == nil {
          ignored[who] = reason
          item.ignored.append((record.reviewer, reason))
        }
      } else {
        counted.insert(who)
        item.approvals.append(record.reviewer)
        if ignored.removeValue(forKey: who) != nil { item.ignored.removeAll { $0.reviewer.lowercased() == who } }
      }
    }
    return item
  }

  /// Why one record in the note on `item.object` does not count for `item`, or nil when
  /// it counts (before duplicates: a reviewer counts once however many records they
  /// wrote). `verifier` checks signatures when `item.requireSigned`; the rules pass the
  /// one in `PolicyContext.reviews`, so this is the whole of their judgement of a record.
  public static func rejection(
    of record: ReviewRecord, for item: ReviewItem,
    verifier: (any ReviewSignatureVerifier)?
  ) -> ApprovalRejection? {
    guard let approvedBlob = item.approvedBlob else { return .otherContent }
    let who = record.reviewer.lowercased()
    if !record.isApproval { return .notAnApproval }
    if record.path != item.path { return .otherPath }
    if record.blob != approvedBlob { return .otherContent }
    if record.hyperparameters != item.hash { return .otherHyperparameters }
    if !item.author.isEmpty && who == item.author.lowercased() { return .selfApproval }
    // The commit's signer made the change, whatever author email the commit claims.
    if item.signer?.principals.contains(where: { $0.lowercased() == who }) ?? false { return .commitSigner }
    let allowed = Set(item.reviewers.map { $0.lowercased() })
    if !allowed.isEmpty && !allowed.contains(who) { return .notInReviewers }
    if item.requireSigned {
      if record.signature == nil { return .unsigned }
      guard let key = verifier?.verifiedKey(record) else { return .signatureDoesNotVerify }
      // One key listed under two emails is still one person.
      if let signerKey = item.signer?.key, signerKey == key { return .commitSigner }
    }
    return nil
  }

  /// The finding for an item that lacks approvals, or nil. With `enforce: push`, a
  /// pre-commit check only warns; pushes, the server and `check --range` refuse.
  public static func finding(for item: ReviewItem, origin: ChangeOrigin, context: PolicyContext) -> Finding? {
    guard item.isRequired, !item.isSatisfied else { return nil }
    var severity = context.severity(of: item.rule)
    if item.enforce != "commit" && !context.stage.isPushLike && severity == .error { severity = .warning }
    let what =
      item.kind == .hyperparameters
      ? "hyperparameters changed (\(item.summary)\(item.parametersSite.map { ", in \($0)" } ?? ""))"
      : item.readBy.map { "file read by the policy (\($0)) \(item.summary)" } ?? "policy file \(item.summary)"
    let have = item.approvals.isEmpty ? "none yet" : "approved by \(item.approvals.joined(separator: ", "))"
    var message =
      "\(what): needs \(item.required) approval\(item.required == 1 ? "" : "s")"
      + "\(item.requireSigned ? " (signed)" : "") from \(item.whoMayApprove); \(have)"
    if !item.ignored.isEmpty {
      message += "; not counted: " + item.ignored.map { "\($0.reviewer) (\($0.reason))" }.joined(separator: ", ")
    }
    let hint: String
    if let commit = origin.commit {
      let short = String(commit.prefix(8))
      hint =
        "a reviewer runs `mlgit review approve \(short)\(item.requireSigned ? " --sign" : "")` and pushes "
        + "refs/notes/mlgit/reviews (git push origin refs/notes/mlgit/reviews); `mlgit review diff \(short)` shows the change"
    } else {
      hint =
        "after committing, a reviewer runs `mlgit review approve <commit>\(item.requireSigned ? " --sign" : "")`; "
        + "the push is refused until then"
    }
    return Finding(
      rule: item.rule, severity: severity, message: message, path: item.path, location: item.location,
      commit: origin.commit, hint: hint)
  }
}

/// Why an approval record does not count for a change. The raw values are stable (the
/// audit's JSON reports them); `description` is the text the review findings print.
public enum ApprovalRejection: String, Sendable, CustomStringConvertible {
  /// `decision` is not `approve`.
  case notAnApproval = "not-an-approval"
  /// The record approves another path.
  case otherPath = "other-path"
  /// The record's `blob` is not the content changed (it names another object).
  case otherContent = "other-content"
  /// Same blob, other `hyperparameters` (a parameters file changed since the approval).
  case otherHyperparameters = "other-hyperparameters"
  /// The change's author approved their own change.
  case selfApproval = "self-approval"
  /// The approval is by the key (or a principal of the key) that signed the change's commit.
  case commitSigner = "commit-signer"
  /// `reviewers` is set and does not list the reviewer.
  case notInReviewers = "not-in-reviewers"
  /// Signed reviews are required and the record has no signature.
  case unsigned = "unsigned"
  /// Signed reviews are required and the signature does not verify.
  case signatureDoesNotVerify = "signature-does-not-verify"
  /// The reviewer already counts through an earlier record.
  case duplicate = "duplicate"
  /// Nothing in the change needs or takes an approval (its hyperparameters did not change).
  case nothingToApprove = "nothing-to-approve"

  /// Records about other content are not listed among a change's ignored approvals.
  public var isAboutOtherContent: Bool {
    self == .notAnApproval || self == .otherPath || self == .otherContent
  }

  public var description: String {
    switch self {
    case .notAnApproval: return "not an approval"
    case .otherPath: return "approved another path"
    case .otherContent: return "approved other content (another blob)"
    case .otherHyperparameters: return "approved other hyperparameters (the parameters file changed since)"
    case .selfApproval: return "the author"
    case .commitSigner: return "signed the commit: the author's own key"
    case .notInReviewers: return "not in reviewers"
    case .unsigned: return "unsigned; signed reviews are required"
    case .signatureDoesNotVerify: return "signature does not verify against .mlgit/allowed_signers"
    case .duplicate: return "the reviewer already counts"
    case .nothingToApprove: return "nothing to approve: the hyperparameters did not change"
    }
  }
}
