import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// What `mlgit review approve` does: checks that the reviewer may approve the commits
/// (not their author, not their signer), writes one review record per change that needs
/// one (signed when asked or when the policy requires it) and appends them to
/// refs/notes/mlgit/reviews in one notes commit.
public struct ReviewApproval {
  let planner: ReviewPlanner
  /// The email git records for the reviewer: GIT_COMMITTER_EMAIL, else user.email.
  public let reviewer: String
  /// The notes ref the approvals are recorded in, to be shared from.
  public let ref = NotesLedger.reviewsRef

  public init(planner: ReviewPlanner) throws {
    self.planner = planner
    guard
      let reviewer = ReviewSources.identity(
        of: planner.workspace.repository, environment: planner.workspace.environment,
        variable: "GIT_COMMITTER_EMAIL")
    else {
      throw CommandFailure.usage("mlgit: who is approving? set your email: git config user.email you@example.com")
    }
    self.reviewer = reviewer
  }

  /// Said while the approvals are prepared, before anything is recorded.
  public enum Progress: Equatable {
    /// The commit (short id) changes no hyperparameter or policy file.
    case nothingToApprove(commit: String)
    /// The reviewer's approval of this change is there already: `path (summary) in short`.
    case alreadyApproved(String)
  }

  /// The approvals made ready, not yet recorded.
  public struct Approvals {
    /// Each change approved, as `path (summary) in short`, in order.
    public var approved: [String]
    /// Whether the records carry the reviewer's signature.
    public var signed: Bool
    /// The `reviewers:` lists (joined with `, `) of changes the reviewer is not listed in,
    /// sorted: those approvals do not count until the reviewer is.
    public var notListed: [String]
    /// The review records, by the blob they are noted on.
    let records: [OID: [String]]
    /// The approved commits' short ids, for the notes commit's message.
    let commits: [String]
  }

  /// Prepares approvals of every change that needs one in `revisions`, signing them with
  /// `key` (see `ReviewSigningKey`) when `sign` is set or a commit's policy requires it.
  /// Throws, before anything is signed, when the reviewer authored or signed a commit.
  public func prepare(
    _ revisions: [String], sign: Bool, key: String?, message: String?, progress: (Progress) -> Void
  ) throws -> Approvals {
    let me = reviewer.lowercased()
    var plans: [ReviewPlanner.Plan] = []
    for revision in revisions {
      let plan = try planner.plan(try planner.resolve(revision))
      if plan.commit.author.email.lowercased() == me {
        let who = plan.items.first?.whoMayApprove ?? "anyone but \(reviewer)"
        throw CommandFailure(
          status: .findings,
          message: """
            mlgit: you (\(reviewer)) authored \(plan.commit.id.short) "\(plan.commit.summary)"; an approval must come from someone else
              hint: ask \(who) to run `mlgit review approve \(plan.commit.id.short)`
            """)
      }
      if let signer = plan.lookup.commitSigner, signer.principals.contains(where: { $0.lowercased() == me }) {
        let who = plan.items.first?.whoMayApprove ?? "someone else"
        throw CommandFailure(
          status: .findings,
          message: """
            mlgit: you (\(reviewer)) signed \(plan.commit.id.short) "\(plan.commit.summary)" with your key (\(signer.key ?? "")); \
            the signer made the change, whatever its author email says, and an approval must come from someone else
              hint: ask \(who) to run `mlgit review approve \(plan.commit.id.short) --sign`
            """)
      }
      plans.append(plan)
    }
    let signing = sign || plans.contains { $0.policy.requireSignedReviews }
    let signingKey = signing ? try ReviewSigningKey.resolve(key: key, repository: planner.workspace.repository) : nil
    defer { signingKey?.remove() }
    let at = UTCTimestamp.now()
    var records: [OID: [String]] = [:]
    var approved: [String] = []
    var notListed = Set<String>()
    for plan in plans {
      if plan.items.isEmpty { progress(.nothingToApprove(commit: plan.commit.id.short)) }
      for item in plan.items {
        guard let objectHex = item.object, let object = OID(hex: objectHex), let approvedBlob = item.approvedBlob
        else { continue }
        if !item.reviewers.isEmpty && !item.reviewers.contains(where: { $0.lowercased() == me }) {
          notListed.insert(item.reviewers.joined(separator: ", "))
        }
        // Already there: an approval of yours that counts, or (unsigned) the same record.
        let existing =
          item.approvals.contains { $0.lowercased() == me }
          || (!signing
            && plan.lookup.records(on: objectHex).contains {
              $0.isApproval && $0.path == item.path && $0.blob == approvedBlob && $0.hyperparameters == item.hash
                && $0.reviewer.lowercased() == me
            })
        let what = "\(item.path) (\(item.summary)) in \(plan.commit.id.short)"
        if existing {
          progress(.alreadyApproved(what))
          continue
        }
        var record = ReviewRecord(
          path: item.path, blob: approvedBlob, hyperparameters: item.hash, reviewer: reviewer,
          at: at, message: message)
        if let signingKey { record.signature = try ReviewSignatures.sign(record.payload, keyPath: signingKey.path) }
        records[object, default: []].append(record.line)
        approved.append(what)
      }
    }
    return Approvals(
      approved: approved, signed: signingKey != nil, notListed: notListed.sorted(), records: records,
      commits: plans.map(\.commit.id.short))
  }

  /// Appends the approvals to refs/notes/mlgit/reviews in one notes commit; none: nothing.
  public func record(_ approvals: Approvals) throws {
    guard !approvals.records.isEmpty else { return }
    let ledger = NotesLedger(repository: planner.workspace.repository, ref: NotesLedger.reviewsRef)
    try ledger.append(
      approvals.records,
      message: "mlgit review approve \(approvals.commits.joined(separator: ", ")) by \(reviewer)")
  }
}
