import MLPolicy

/// One model: every change of its spec, oldest first. A model is its spec's `name`:
/// moving the spec file keeps the model; changing `name:` starts another.
public struct AuditModel: Sendable {
  public var name: String
  /// Every path its spec had, in order of appearance.
  public var paths: [String] = []
  public var changes: [AuditChange] = []
  /// No path holds the model's spec at the end of the walk: it was deleted.
  public var deleted = false

  public init(name: String) {
    self.name = name
  }

  /// The last change that left a spec (not a deletion).
  public var latest: AuditChange? { changes.last(where: { $0.status != .deleted }) }
  public var owner: String { latest?.owner ?? "" }
  public var latestVersion: String? { latest?.version.new }
  public var runs: [RunRecord] { changes.flatMap(\.runs) }
  public var findings: [Finding] { changes.flatMap(\.findings) }
}
