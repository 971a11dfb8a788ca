import MLPolicy

/// One approval record in the note on a change's new spec blob
/// (`refs/notes/mlgit/reviews`, `mlgit.review/1`), judged the way the review rule
/// judges it for that change: whether it counts and, when it does not, why; and, for a
/// signed record, whether the signature verifies against the base commit's
/// `.mlgit/allowed_signers`.
public struct AuditApproval: Equatable, Sendable {
  public var record: ReviewRecord
  /// The record carries a signature.
  public var signed: Bool
  /// The signature verifies against `.mlgit/allowed_signers` of the change's base commit
  /// (false when that commit lists no signers, or for a root commit); nil: unsigned.
  public var valid: Bool?
  /// Why the record does not count for the change; nil: it counts.
  public var rejection: ApprovalRejection?

  public init(record: ReviewRecord, signed: Bool, valid: Bool?, rejection: ApprovalRejection?) {
    self.record = record
    self.signed = signed
    self.valid = valid
    self.rejection = rejection
  }

  public var counted: Bool { rejection == nil }
  public var reviewer: String { record.reviewer }
  public var at: String { record.at }
  public var decision: String { record.decision }

  /// The records on a spec change's new blob, judged as `hyperparameters/review` judges
  /// them for `item` (nil: the change has nothing to approve). `ruleVerifier` is the one
  /// the rule used (set only when the policy requires signatures), so `counted` agrees
  /// with the rule; `signatures` checks every signature for `valid`, whatever the policy.
  public static func judge(
    _ records: [ReviewRecord], for item: ReviewItem?, ruleVerifier: (any ReviewSignatureVerifier)?,
    signatures: (any ReviewSignatureVerifier)?
  ) -> [AuditApproval] {
    var counted = Set<String>()
    var judged: [AuditApproval] = []
    for record in records {
      let signed = !(record.signature ?? "").isEmpty
      var rejection: ApprovalRejection? = .nothingToApprove
      if let item {
        rejection = ReviewRequirement.rejection(of: record, for: item, verifier: ruleVerifier)
        // The rule counts a reviewer once, at their first record that counts.
        if rejection == nil && !counted.insert(record.reviewer.lowercased()).inserted { rejection = .duplicate }
      }
      judged.append(
        AuditApproval(
          record: record, signed: signed,
          valid: signed ? (signatures?.verifies(record) ?? false) : nil, rejection: rejection))
    }
    return judged
  }
}
