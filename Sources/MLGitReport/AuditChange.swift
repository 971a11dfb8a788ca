import MLPolicy
import MLSpec

/// One commit's change to one spec file.
public struct AuditChange: Sendable {
  public enum Status: String, Sendable { case added, modified, deleted }

  public var commit: String
  public var author: String
  public var email: String
  /// Author time, seconds since 1970.
  public var time: Int64
  public var summary: String
  public var path: String
  public var status: Status
  /// The spec's blob after the change (nil: deleted); approvals are attached to it.
  public var blob: String?
  public var owner: String
  public var version: (old: String?, new: String?)
  /// The model's previous name, when this change renamed it.
  public var renamedFrom: String?
  public var featuresAdded: [String] = []
  public var featuresRemoved: [String] = []
  /// Leaf by leaf (`optimizer.lr`): `HyperparameterChange.diff(_:_:by: .leaf)`.
  public var hyperparameters: [HyperparameterChange] = []
  /// Why the hyperparameters could not be read (a `from:` file missing, say).
  public var hyperparametersError: String?
  public var data: [DataChange] = []
  /// The validation bounds after the change (thresholds for the charts).
  public var bounds: [MetricBound] = []
  /// The approval records on the new blob, each judged as the review rule judges it.
  public var approvals: [AuditApproval] = []
  /// `hyperparameters/review` asks for approval of this change (the policy in its parent,
  /// going to the audited branch): as the rule decides, not re-derived here.
  public var reviewNeeded = false
  /// The change has the approvals the rule asks for (`approvals: N` distinct reviewers
  /// that count); false when nothing in it can be approved.
  public var reviewApproved = false
  /// How many approvals the rule asks for (0 when the change has nothing to approve).
  public var reviewRequired = 0
  /// The reviewers whose approvals count, in the order recorded.
  public var approvedBy: [String] = []
  /// Runs made while this version of the spec was in force: on its commit, and on later
  /// commits up to the model's next change along first parents.
  public var runs: [RunRecord] = []
  public var findings: [Finding] = []

  public init(
    commit: String, author: String, email: String, time: Int64, summary: String, path: String,
    status: Status, blob: String?, owner: String, version: (old: String?, new: String?)
  ) {
    self.commit = commit
    self.author = author
    self.email = email
    self.time = time
    self.summary = summary
    self.path = path
    self.status = status
    self.blob = blob
    self.owner = owner
    self.version = version
  }

  /// Needs approval and does not have it: the review rule refuses it.
  public var unapproved: Bool { reviewNeeded && !reviewApproved }
  /// The change itself has error findings: the hooks would have refused it.
  public var bypass: Bool { findings.contains { $0.severity == .error } }
  public var bypassRules: [String] { Array(Set(findings.filter { $0.severity == .error }.map(\.rule))).sorted() }
}
