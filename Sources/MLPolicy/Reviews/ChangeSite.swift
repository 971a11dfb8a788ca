import MLSpec
import MLGitErrors

/// Where a hyperparameter change is, so that its finding points at it. A finding stays on
/// the spec (approvals, pushes and the audit are per spec): at the changed key when the
/// spec holds its hyperparameters, at the `from:` value when a parameters file does, with
/// the key's place in that file named in the message.
struct ChangeSite {
  var location: SourceLocation
  /// `params.yaml:3:3` for a change in a `from:` parameters file.
  var parametersFile: String?

  /// The first of `changes` in `snapshot` (the new version). A key that is gone points at
  /// the key that held it (or `hyperparameters` at the top); a change of the whole value
  /// points at `hyperparameters`.
  init(_ changes: [HyperparameterChange], in snapshot: SpecSnapshot) {
    let start = snapshot.spec?.hyperparametersLocation ?? .start
    location = start
    parametersFile = nil
    guard let key = changes.first?.key else { return }
    switch snapshot.spec?.hyperparameters {
    case .inline(let node)?:
      location = ChangeSite.locate(key, in: node) ?? start
    case .file(let file, _, let from)?:
      location = from
      if let node = snapshot.parametersNode, let place = ChangeSite.locate(key, in: node) {
        parametersFile = "\(file):\(place.line):\(place.column)"
      }
    case nil:
      return
    }
  }

  /// The location of the key `a.b.c` (as `HyperparameterChange` joins keys) under `root`:
  /// the deepest key found on the way; nil when not even the first part is there.
  static func locate(_ dotted: String, in root: Node) -> SourceLocation? {
    let parts = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    var node = root
    var found: SourceLocation?
    var index = 0
    while index < parts.count {
      // A key may hold dots itself: the longest run of parts that names a key here wins.
      var matched = false
      for end in stride(from: parts.count, to: index, by: -1) {
        let name = Array(parts[index..<end]).joinedText(separator: ".")
        if let key = node.keyNode(name), let value = node[name] {
          found = key.location
          node = value
          index = end
          matched = true
          break
        }
      }
      if !matched { break }
    }
    return found
  }
}
