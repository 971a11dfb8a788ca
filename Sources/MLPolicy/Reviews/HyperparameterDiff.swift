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

  /// The changes from `old` to `new`, compared as values: nested mappings are walked
  /// key by key; any other value (lists included) is compared whole. Key order,
  /// comments and number formatting make no difference; types do (`1` vs `"1"`).
  public static func diff(_ old: JSONValue?, _ new: JSONValue?) -> [HyperparameterChange] {
    var out: [HyperparameterChange] = []
    walk(old, new, key: "", into: &out)
    return out
  }

  private static func walk(_ old: JSONValue?, _ new: JSONValue?, key: String, into out: inout [HyperparameterChange]) {
    if old == new { return }
    if let oldObject = old?.objectValue, let newObject = new?.objectValue {
      for name in Set(oldObject.keys).union(newObject.keys).sorted() {
        walk(oldObject[name], newObject[name], key: key.isEmpty ? name : "\(key).\(name)", into: &out)
      }
      return
    }
    out.append(HyperparameterChange(key: key.isEmpty ? "(all)" : key, old: old, new: new))
  }

  /// A one-line summary of a list of changes, at most `limit` named.
  public static func summary(_ changes: [HyperparameterChange], limit: Int = 3) -> String {
    let shown = changes.prefix(limit).map(\.summary).joined(separator: ", ")
    return changes.count > limit ? "\(shown) and \(changes.count - limit) more" : shown
  }
}
