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
  public var location: SourceLocation
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
  /// Reviewers whose approvals count, in the order recorded.
  public var approvals: [String]
  /// Approvals on this content that do not count, and why.
  public var ignored: [(reviewer: String, reason: String)]

  public var isSatisfied: Bool { approvals.count >= required }

  /// `anyone but alice@example.com`, `one of bob@example.com, carol@example.com (not alice@example.com)`.
  public var whoMayApprove: String {
    let notAuthor = author.isEmpty ? "the author" : author
    if reviewers.isEmpty { return "anyone but \(notAuthor)" }
    let others = reviewers.filter { $0.lowercased() != author.lowercased() }
    return "\(others.count == 1 ? "" : "one of ")\(others.joined(separator: ", "))"
  }
}

/// Works out which changes need approvals and which approvals count. Pure: the
/// records and the signature verifier come in through `PolicyContext.reviews`.
public enum ReviewRequirement {
  public static let hyperparametersRule = "hyperparameters/review"
  public static let policyRule = "policy/review"

  /// Every change in `changeSet` an approval can cover: specs whose hyperparameters
  /// differ from the parent's (and new specs), and files under `.mlgit/` (except in a
  /// root commit, which establishes the policy). `isRequired` says whether the policy
  /// in force asks for each.
  public static func items(in changeSet: ChangeSet, context: PolicyContext) -> [ReviewItem] {
    var items: [ReviewItem] = []
    let author = changeSet.origin.authorEmail
    for change in changeSet.specs {
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
      item.hash = (new.hyperparameters ?? .null).sha256
      item.location = new.spec?.hyperparametersLocation ?? .start
      items.append(item)
    }
    if !changeSet.isRoot {
      for file in changeSet.files where EffectivePolicy.isPolicyPath(file.path) {
        var item = makeItem(.policy, rule: policyRule, path: file.path, context: context, author: author)
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

  private static func makeItem(_ kind: ReviewItem.Kind, rule: String, path: String, context: PolicyContext,
                               author: String) -> ReviewItem {
    let policy = context.policy
    let approvals = policy.option(rule, "approvals")?.number.map { max(0, Int($0)) } ?? 1
    let enforce = policy.option(rule, "enforce")?.string ?? "push"
    let isRequired = context.severity(of: rule) != .off && context.applies(rule) && approvals > 0
    return ReviewItem(kind: kind, rule: rule, path: path, object: nil, approvedBlob: nil, hash: nil, changes: [],
      summary: "", location: .start, isRequired: isRequired, required: approvals, reviewers: policy.reviewers,
      requireSigned: policy.requireSignedReviews, enforce: enforce, author: author, approvals: [], ignored: [])
  }

  /// Fills in which approvals count: distinct reviewers, none of them the author, from
  /// `reviewers` when the list is set, with a verified signature when signatures are required.
  static func count(_ item: ReviewItem, in context: PolicyContext) -> ReviewItem {
    var item = item
    guard let object = item.object, let approvedBlob = item.approvedBlob else { return item }
    let allowed = Set(item.reviewers.map { $0.lowercased() })
    var counted = Set<String>()
    var ignored: [String: String] = [:]
    for record in context.reviews.records(on: object) {
      guard record.isApproval, record.path == item.path, record.blob == approvedBlob else { continue }
      let who = record.reviewer.lowercased()
      if counted.contains(who) { continue }
      let reason: String?
      if record.hyperparameters != item.hash {
        reason = "approved other hyperparameters (the parameters file changed since)"
      } else if !item.author.isEmpty && who == item.author.lowercased() {
        reason = "the author"
      } else if !allowed.isEmpty && !allowed.contains(who) {
        reason = "not in reviewers"
      } else if item.requireSigned && record.signature == nil {
        reason = "unsigned; signed reviews are required"
      } else if item.requireSigned && !(context.reviews.verifier?.verifies(record) ?? false) {
        reason = "signature does not verify against .mlgit/allowed_signers"
      } else {
        reason = nil
      }
      if let reason {
        if ignored[who] == nil { ignored[who] = reason; item.ignored.append((record.reviewer, reason)) }
      } else {
        counted.insert(who)
        item.approvals.append(record.reviewer)
        if ignored.removeValue(forKey: who) != nil { item.ignored.removeAll { $0.reviewer.lowercased() == who } }
      }
    }
    return item
  }

  /// The finding for an item that lacks approvals, or nil. With `enforce: push`, a
  /// pre-commit check only warns; pushes, the server and `check --range` refuse.
  public static func finding(for item: ReviewItem, origin: ChangeOrigin, context: PolicyContext) -> Finding? {
    guard item.isRequired, !item.isSatisfied else { return nil }
    var severity = context.severity(of: item.rule)
    if item.enforce != "commit" && !context.stage.isPushLike && severity == .error { severity = .warning }
    let what = item.kind == .hyperparameters
      ? "hyperparameters changed (\(item.summary))"
      : "policy file \(item.summary)"
    let have = item.approvals.isEmpty ? "none yet" : "approved by \(item.approvals.joined(separator: ", "))"
    var message = "\(what): needs \(item.required) approval\(item.required == 1 ? "" : "s")"
      + "\(item.requireSigned ? " (signed)" : "") from \(item.whoMayApprove); \(have)"
    if !item.ignored.isEmpty {
      message += "; not counted: " + item.ignored.map { "\($0.reviewer) (\($0.reason))" }.joined(separator: ", ")
    }
    let hint: String
    if let commit = origin.commit {
      let short = String(commit.prefix(8))
      hint = "a reviewer runs `mlgit review approve \(short)\(item.requireSigned ? " --sign" : "")` and pushes "
        + "refs/notes/mlgit/reviews (git push origin refs/notes/mlgit/reviews); `mlgit review diff \(short)` shows the change"
    } else {
      hint = "after committing, a reviewer runs `mlgit review approve <commit>\(item.requireSigned ? " --sign" : "")`; "
        + "the push is refused until then"
    }
    return Finding(rule: item.rule, severity: severity, message: message, path: item.path, location: item.location,
      commit: origin.commit, hint: hint)
  }
}
