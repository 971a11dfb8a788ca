import MLGitEngine
import MLPolicy
import MLSpec

/// `mlgit review status --format json`: the `mlgit.review-status/1` document
/// (docs/reviews.md lists every field). It holds what the text shows: the commits with a
/// change that needs approval or has some, each change with who approved it and what is missing.
enum ReviewStatusJSON {
  struct Document: Encodable {
    var schema = "mlgit.review-status/1"
    /// The commits looked at, as the text's last line names them: `origin/main..HEAD (…)`, `A..B`, a commit.
    var range: String
    var commitsChecked: Int
    /// Changes that need approval and have it, and those still waiting.
    var approved: Int
    var waiting: Int
    var commits: [Commit]
  }

  struct Commit: Encodable {
    var commit: String
    var summary: String
    var author: String
    var changes: [Change]
  }

  struct Change: Encodable {
    var path: String
    /// `hyperparameters` or `policy` (a file under .mlgit/, or one the policy reads).
    var kind: String
    /// The rule that asks for approval: `hyperparameters/review` or `policy/review`.
    var rule: String
    /// `learning_rate 0.05 -> 0.1`, `new spec`, `changed`, `deleted`.
    var summary: String
    /// Whether the policy in force asks for approval of this change.
    var needed: Bool
    /// Approvals asked for, and whether those that count reach it.
    var required: Int
    var approved: Bool
    var approvedBy: [String]
    /// Approvals still missing (0 when none is needed).
    var missing: Int
    var signedRequired: Bool
    var whoMayApprove: String
    var notCounted: [NotCounted]
  }

  struct NotCounted: Encodable {
    var reviewer: String
    var reason: String
  }

  static func document(_ summary: ReviewStatusScan.Summary, commits: [Commit]) -> Document {
    Document(
      range: summary.range, commitsChecked: summary.commitsChecked, approved: summary.approved,
      waiting: summary.waiting, commits: commits)
  }

  static func commit(_ plan: ReviewPlanner.Plan, items: [ReviewItem]) -> Commit {
    Commit(
      commit: plan.commit.id.hex, summary: plan.commit.summary, author: plan.commit.author.email,
      changes: items.map { item in
        Change(
          path: item.path, kind: item.kind.rawValue, rule: item.rule, summary: item.summary, needed: item.isRequired,
          required: item.required, approved: item.isRequired && item.isSatisfied, approvedBy: item.approvals,
          missing: item.isRequired ? max(0, item.required - item.approvals.count) : 0,
          signedRequired: item.requireSigned,
          whoMayApprove: item.whoMayApprove,
          notCounted: item.ignored.map { NotCounted(reviewer: $0.reviewer, reason: $0.reason) })
      })
  }
}

extension ReviewStatusJSON {
  /// `mlgit review diff REV --format json`: the `mlgit.review-diff/1` document (docs/reviews.md
  /// lists its fields). Written by the canonical JSON writer, as the ledger's lines are:
  /// hyperparameters compare as typed values (`6` and `6.0` differ), and JSONEncoder would
  /// write both `6`, showing a change between two equal-looking numbers.
  static func diff(_ plan: ReviewPlanner.Plan) -> JSONValue {
    let changes: [JSONValue] = plan.items.map { item in
      let keys: [JSONValue] = item.changes.map { change in
        let kind = change.old == nil ? "added" : change.new == nil ? "removed" : "changed"
        return .object([
          "key": .string(change.key), "change": .string(kind), "old": change.old ?? .null, "new": change.new ?? .null,
          "text": .string(change.summary),
        ])
      }
      return .object([
        "path": .string(item.path), "kind": .string(item.kind.rawValue), "rule": .string(item.rule),
        "summary": .string(item.summary), "blob": item.object.map(JSONValue.string) ?? .null,
        "hyperparameters": .array(keys),
      ])
    }
    return .object([
      "schema": .string("mlgit.review-diff/1"), "commit": .string(plan.commit.id.hex),
      "summary": .string(plan.commit.summary),
      "author": .string(plan.commit.author.email), "changes": .array(changes),
    ])
  }
}
