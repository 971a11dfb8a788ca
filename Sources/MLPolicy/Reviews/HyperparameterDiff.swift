import MLGitErrors
import MLSpec

/// One hyperparameter that differs between two versions, by dotted key.
public struct HyperparameterChange: Sendable, Equatable {
  public var key: String
  /// nil: added.
  public var old: JSONValue?
  /// nil: removed.
  public var new: JSONValue?

  public init(key: String, old: JSONValue?, new: JSONValue?) {
    self.key = key
    self.old = old
    self.new = new
  }

  /// `max_depth 6 -> 8`, `+n_estimators 200`, `-subsample 0.8`.
  public var summary: String {
    switch (old, new) {
    case (nil, let new?): return "+\(key) \(new.typedCanonical)"
    case (let old?, nil): return "-\(key) \(old.typedCanonical)"
    case (let old?, let new?): return "\(key) \(old.typedCanonical) -> \(new.typedCanonical)"
    case (nil, nil): return key
    }
  }

  /// How finely `diff` breaks a change down.
  public enum Granularity: Sendable {
    /// What a review approves (`hyperparameters/review`, `mlgit review diff`): mappings on
    /// both sides are walked key by key; anything else (a list, a scalar, a mapping that
    /// appears, disappears or becomes a scalar) is one change of the whole value. The
    /// top-level value, when it is not a mapping on both sides, is keyed `(all)`.
    case value
    /// What the audit lists (`mlgit.audit/1`): every leaf on either side on its own, a leaf
    /// being anything but a non-empty mapping (an empty mapping is one), ordered by
    /// dotted key. A top-level leaf is keyed `(value)`.
    case leaf
  }

  /// The changes from `old` to `new`, compared as values: key order, comments and number
  /// formatting make no difference; types do (`1` vs `"1"`).
  public static func diff(_ old: JSONValue?, _ new: JSONValue?, by granularity: Granularity = .value)
    -> [HyperparameterChange]
  {
    var out: [HyperparameterChange] = []
    walk(old, new, key: "", granularity, into: &out)
    // A leaf diff is listed in the order of its dotted keys (`a-b` before `a.b`), a value
    // diff in the order of the walk (`a.b` before `a-b`).
    if granularity == .leaf { out.sort { $0.key < $1.key } }
    return out
  }

  /// One walk for both granularities: at each key, each side splits into the value that
  /// compares whole there (nil when the side is walked further) and the members walked
  /// further; the granularity only decides which values are walked.
  private static func walk(
    _ old: JSONValue?, _ new: JSONValue?, key: String, _ granularity: Granularity,
    into out: inout [HyperparameterChange]
  ) {
    if old == new { return }
    let (oldWhole, oldMembers) = split(old, beside: new, granularity)
    let (newWhole, newMembers) = split(new, beside: old, granularity)
    if oldWhole != newWhole {
      let root = granularity == .value ? "(all)" : "(value)"
      out.append(HyperparameterChange(key: key.isEmpty ? root : key, old: oldWhole, new: newWhole))
    }
    if oldMembers.isEmpty && newMembers.isEmpty { return }
    for name in Set(oldMembers.keys).union(newMembers.keys).sorted() {
      walk(oldMembers[name], newMembers[name], key: key.isEmpty ? name : "\(key).\(name)", granularity, into: &out)
    }
  }

  private static func split(_ value: JSONValue?, beside other: JSONValue?, _ granularity: Granularity)
    -> (whole: JSONValue?, members: [String: JSONValue])
  {
    guard let members = value?.objectValue else { return (value, [:]) }
    switch granularity {
    case .value: return other?.objectValue == nil ? (value, [:]) : (nil, members)
    case .leaf: return members.isEmpty ? (value, [:]) : (nil, members)
    }
  }

  /// A one-line summary of a list of changes, at most `limit` named.
  public static func summary(_ changes: [HyperparameterChange], limit: Int = 3) -> String {
    let shown = changes.prefix(limit).map(\.summary).joinedText(separator: ", ")
    return changes.count > limit ? "\(shown) and \(changes.count - limit) more" : shown
  }
}
