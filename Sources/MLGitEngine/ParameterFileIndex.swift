import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec
import Synchronization

/// What the specs of a tree read besides their own entries, which only the spec
/// folders decide: the parameters files named by `from:` (file -> the specs that read
/// it) and the symlinks under the spec folders that stand for specs or may hide them.
struct SpecDependents: Equatable {
  var parameterFiles: [String: [String]] = [:]
  var links: [String] = []

  /// These dependents without the specs and links at `paths` (entries a change touched,
  /// to be recorded again as the change left them).
  func removing(_ paths: Set<String>) -> SpecDependents {
    SpecDependents(
      parameterFiles: parameterFiles.mapValues { $0.filter { !paths.contains($0) } }.filter { !$0.value.isEmpty },
      links: links.filter { !paths.contains($0) })
  }

  /// Each list in path order, however it was built.
  func normalized() -> SpecDependents {
    SpecDependents(parameterFiles: parameterFiles.mapValues { $0.sorted() }, links: links.sorted())
  }
}

/// `SpecDependents` of trees, remembered by the ids of the spec folders. A commit's
/// answer is its parent's, updated with the entries the commit changed; only a tree
/// whose parent was not seen lists its specs.
final class ParameterFileIndex: Sendable {
  /// What decides a tree's dependents: the spec globs (by number) and the ids of the
  /// folders they can match in. Ids, not text: each tree's key written out as text and
  /// hashed was a fifth of this index's cost.
  private struct Key: Hashable {
    var globs: Int
    /// Per folder of `globPrefixes`, its id (the tree itself for ""; nil: no such folder).
    var folders: [OID?]
  }

  private struct State {
    var entries: [Key: SpecDependents] = [:]
    var keys: [OID: Key] = [:]
    var globs: [Glob]?
    var globNumbers: [[Glob]: Int] = [:]
    var globNumber = 0
    var globPrefixes: [String] = []
  }
  private let state = Mutex(State())

  func dependents(in tree: OID, parent: OID?, deltas: [FileDelta], changes: [ModelChange], reader: ChangeReader) throws
    -> SpecDependents
  {
    let treeKey = try key(tree, reader)
    if let known = state.withLock({ $0.entries[treeKey] }) { return known }
    var found: SpecDependents
    let parentKey = try parent.map { try key($0, reader) }
    if let parentKey, let base = state.withLock({ $0.entries[parentKey] }) {
      found = base.removing(Set(deltas.map(\.path)))
      let changed = Dictionary(changes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
      for delta in deltas where delta.newID != nil && ParameterFileIndex.underSpecFolders(delta.path, reader) {
        if delta.newMode == TreeEntry.symlinkMode {
          if reader.linkMayLeadToSpecs(delta.path) {
            found.links.append(delta.path)
          }
        } else if delta.newIsRegularFile, reader.policy.specGlobs.matches(delta.path),
          case .file(let file, _, _)? = changed[delta.path]?.new?.spec?.hyperparameters
        {
          found.parameterFiles[reader.relative(file, to: delta.path), default: []].append(delta.path)
        }
      }
    } else {
      found = try ParameterFileIndex.list(in: tree, reader: reader)
    }
    state.withLock { [found] in $0.entries[treeKey] = found }
    return found
  }

  /// Lists the dependents of every spec in `tree`.
  static func list(in tree: OID, reader: ChangeReader) throws -> SpecDependents {
    var found = SpecDependents()
    for delta in try reader.repository.diff(from: nil, to: tree, prefixes: reader.policy.specGlobs.prefixes) {
      try record(delta, into: &found, reader: reader)
    }
    return found.normalized()
  }

  /// `base`, the dependents of tree `old`, brought to tree `new`: only the entries the two
  /// trees differ in under the spec folders are read. The same answer as `list(in: new)`.
  static func update(_ base: SpecDependents, from old: OID, to new: OID, reader: ChangeReader) throws
    -> SpecDependents
  {
    let deltas = try reader.repository.diff(from: old, to: new, prefixes: reader.policy.specGlobs.prefixes)
    var found = base.removing(Set(deltas.map(\.path)))
    for delta in deltas { try record(delta, into: &found, reader: reader) }
    return found.normalized()
  }

  /// What the entry a delta leads to (`newID`; none: nothing) adds to a tree's dependents.
  /// Without a snapshot cache (a hook), a spec whose bytes hold neither `from` nor a
  /// backslash (an escape could spell it) cannot name a parameters file and is not parsed.
  private static func record(_ delta: FileDelta, into found: inout SpecDependents, reader: ChangeReader) throws {
    guard let id = delta.newID else { return }
    if delta.newMode == TreeEntry.symlinkMode {
      if reader.linkMayLeadToSpecs(delta.path) {
        found.links.append(delta.path)
      }
      return
    }
    guard delta.newIsRegularFile, reader.policy.specGlobs.matches(delta.path) else { return }
    let spec: SpecSnapshot
    if reader.snapshots == nil {
      let data: Data
      do {
        data = try reader.repository.blob(id, limit: Document.sizeLimit)
      } catch is BlobTooLarge {
        return  // refused as a spec where it changes; it names no file mlgit reads
      }
      guard data.containsBytes("from") || data.containsBytes("\\") else { return }
      spec = SpecSnapshot(path: delta.path, blob: id.hex, data: data)
    } else {
      spec = try reader.cachedSnapshot(path: delta.path, blob: id)
    }
    guard case .file(let file, _, _)? = spec.spec?.hyperparameters else { return }
    found.parameterFiles[reader.relative(file, to: delta.path), default: []].append(delta.path)
  }

  /// True when `path` lies in a folder the spec globs look into.
  static func underSpecFolders(_ path: String, _ reader: ChangeReader) -> Bool {
    reader.policy.specGlobs.prefixes.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
  }

  /// The spec globs and the ids of the folders they can match in (the whole tree for "").
  private func key(_ tree: OID, _ reader: ChangeReader) throws -> Key {
    try state.withLock { state in
      // The globs' part is the same for every commit under one policy: work it out once
      // per glob list (it was an eighth of `check --range` when built for every commit).
      let globs = reader.policy.specGlobs.globs
      if globs != state.globs {
        state.globs = globs
        state.globNumber = state.globNumbers[globs] ?? state.globNumbers.count
        state.globNumbers[globs] = state.globNumber
        state.globPrefixes = Set(reader.policy.specGlobs.prefixes).sorted()
        state.keys.removeAll()
      }
      // A commit's tree is the next commit's parent tree: each key is asked for twice.
      if let known = state.keys[tree] { return known }
      if state.keys.count >= 4096 { state.keys.removeAll(keepingCapacity: true) }
      var key = Key(globs: state.globNumber, folders: [])
      key.folders.reserveCapacity(state.globPrefixes.count)
      for prefix in state.globPrefixes {
        key.folders.append(prefix.isEmpty ? tree : try reader.repository.entry(at: prefix, inTree: tree)?.id)
      }
      state.keys[tree] = key
      return key
    }
  }
}
