import Foundation
import GitKit
import MLPolicy
import MLSpec

/// Turns git's view of a change (staged index or commit) into the policy engine's
/// `ChangeSet`: the GitKit -> policy adapter.
struct ChangeReader {
  let repository: Repository
  let policy: EffectivePolicy
  /// Parsed spec blobs shared across the commits of a history check (nil: parse each time).
  var snapshots: SnapshotCache? = nil
  /// Which parameters files the specs name, shared across the commits of a history check.
  var parameterFiles: ParameterFileIndex? = nil
  /// Bytes of a data file read for its header row.
  static let headerBytes = 64 * 1024

  /// The folder prefixes that can hold anything the policy looks at.
  var prefixes: [String] {
    policy.specGlobs.prefixes + policy.dataGlobs.prefixes + [".mlgit"] + parameterPrefixes
  }

  /// Parameter files named by `from:` can live anywhere; they are few, so list them.
  var parameterPrefixes: [String] { [] }

  /// Where the new side of a change lives, to resolve `hyperparameters: {from: …}`.
  enum NewSide {
    case index(path: String)
    case gitIndex(GitCommandLine, indexFile: String)
    case tree(OID?)
  }

  /// The staged change: the index git will commit, against `head`'s tree (the commit the
  /// new one will sit on: HEAD, or HEAD's parent for `git commit --amend`; nil: none).
  func stagedChange(indexPath: String, head: OID?) throws -> ChangeSet {
    let headTree = try head.map { try repository.treeOf(commit: $0) }
    var deltas: [FileDelta] = []
    var side: NewSide
    if FileManager.default.fileExists(atPath: indexPath) {
      do {
        deltas = try repository.stagedDeltas(indexPath: indexPath, tree: headTree, prefixes: prefixes)
        side = .index(path: indexPath)
      } catch is IndexUnreadable {
        // Split or sparse indexes: git reads them for us (and fails loudly if it cannot).
        let git = GitCommandLine(directory: repository.workingDirectory ?? repository.gitDirectory)
        deltas = try git.stagedDeltas(against: headTree, prefixes: prefixes, indexFile: indexPath,
          gitDirectory: repository.gitDirectory)
        side = .gitIndex(git, indexFile: indexPath)
      }
    } else {
      // git reads a missing index as an empty one: the commit would delete every file.
      deltas = try repository.diff(from: headTree, to: nil, prefixes: prefixes)
      side = .tree(nil)
    }
    let origin = ChangeOrigin(commit: nil)
    return try changeSet(deltas: deltas, origin: origin, oldTree: headTree, newSide: side, isRoot: head == nil)
  }

  /// The change a commit made against its first parent (a root commit: against the empty tree).
  /// `parentTree` and `deltas` may be passed in when the caller already has them.
  func commitChange(_ commit: CommitInfo, parentTree known: OID?? = nil, deltas knownDeltas: [FileDelta]? = nil) throws -> ChangeSet {
    let parentTree = try known ?? commit.parents.first.map { try repository.treeOf(commit: $0) }
    let deltas = try knownDeltas ?? repository.diff(from: parentTree, to: commit.tree, prefixes: prefixes)
    let origin = ChangeOrigin(commit: commit.id.hex, authorName: commit.author.name, authorEmail: commit.author.email,
      time: commit.author.time, summary: commit.summary)
    var change = try changeSet(deltas: deltas, origin: origin, oldTree: parentTree, newSide: .tree(commit.tree),
      isRoot: commit.parents.isEmpty)
    change.specs += try parameterFileChanges(oldTree: parentTree, newTree: commit.tree, changes: change.specs)
    return change
  }

  /// Specs that take their hyperparameters `from:` a parameters file the commit changed
  /// while the spec itself stayed the same: the file's change is a change of their
  /// hyperparameters (old: the spec with the old file, new: with the new one).
  ///
  /// Which files the specs name is worked out once per state of the spec folders
  /// (`ParameterFileIndex`); when no spec uses `from:`, this costs a lookup per commit.
  func parameterFileChanges(oldTree: OID?, newTree: OID, changes: [ModelChange]) throws -> [ModelChange] {
    guard let oldTree else { return [] }  // a root commit: every spec is new
    let known = Set(changes.map(\.path))
    let index = parameterFiles ?? ParameterFileIndex()
    let references = try index.references(in: newTree, parent: oldTree, changes: changes, reader: self)
    guard !references.isEmpty else { return [] }
    let changed = Set(try repository.diff(from: oldTree, to: newTree, prefixes: references.keys.sorted()).map(\.path))
    var result: [ModelChange] = []
    for (parameters, specPaths) in references.sorted(by: { $0.key < $1.key }) where changed.contains(parameters) {
      for path in specPaths where !known.contains(path) {
        guard let entry = try repository.entry(at: path, inTree: newTree), entry.isBlob,
          let spec = try snapshot(path: path, blob: entry.id)
        else { continue }
        var old = spec, new = spec
        old.resolveHyperparameters(with: try readTreeFile(parameters, tree: oldTree))
        new.resolveHyperparameters(with: try readTreeFile(parameters, tree: newTree))
        result.append(ModelChange(path: path, old: old, new: new))
      }
    }
    return result
  }

  func changeSet(deltas: [FileDelta], origin: ChangeOrigin, oldTree: OID?, newSide: NewSide, isRoot: Bool) throws -> ChangeSet {
    var specs: [ModelChange] = []
    var files: [FileChange] = []
    for delta in deltas {
      let path = delta.path
      let oldRegular = delta.oldID != nil && delta.oldIsRegularFile
      let newRegular = delta.newID != nil && delta.newIsRegularFile
      if policy.specGlobs.matches(path) {
        // Symlinks and submodules are never specs.
        guard oldRegular || newRegular else { continue }
        var old = oldRegular ? try snapshot(path: path, blob: delta.oldID) : nil
        var new = newRegular ? try snapshot(path: path, blob: delta.newID) : nil
        if let spec = old?.spec, case .file(let file, _, _)? = spec.hyperparameters {
          old?.resolveHyperparameters(with: try readTreeFile(relative(file, to: path), tree: oldTree))
        }
        if let spec = new?.spec, case .file(let file, _, _)? = spec.hyperparameters {
          new?.resolveHyperparameters(with: try readNewFile(relative(file, to: path), side: newSide))
        }
        specs.append(ModelChange(path: path, old: old, new: new))
      } else if policy.dataGlobs.matches(path) || EffectivePolicy.isPolicyPath(path) {
        var prefix: Data?
        if newRegular, let id = delta.newID, policy.dataGlobs.matches(path) {
          prefix = try repository.blobPrefix(id, count: ChangeReader.headerBytes)
        }
        files.append(FileChange(path: path, oldBlob: delta.oldID?.hex, newBlob: delta.newID?.hex, newPrefix: prefix))
      }
    }
    return ChangeSet(origin: origin, specs: specs, files: files, isRoot: isRoot)
  }

  func snapshot(path: String, blob: OID?) throws -> SpecSnapshot? {
    guard let blob else { return nil }
    if let snapshots { return try snapshots.snapshot(path: path, blob: blob) { try read(path: path, blob: blob) } }
    return try read(path: path, blob: blob)
  }

  private func read(path: String, blob: OID) throws -> SpecSnapshot {
    do {
      let data = try repository.blob(blob, limit: Document.sizeLimit)
      return SpecSnapshot(path: path, blob: blob.hex, data: data)
    } catch let error as BlobTooLarge {
      return SpecSnapshot(path: path, blob: blob.hex, unreadable: DocumentError(
        "file is \(error.size) bytes, over mlgit's \(error.limit)-byte limit for specs",
        hint: "a spec describes a model; keep weights and data in files it points at"))
    }
  }

  /// A `from:` path is relative to the repository root, or to the spec's folder when it starts with ./ or ../.
  func relative(_ file: String, to specPath: String) -> String {
    guard file.hasPrefix("./") || file.hasPrefix("../") else { return file }
    var parts = specPath.split(separator: "/").dropLast().map(String.init)
    for part in file.split(separator: "/") {
      if part == "." { continue }
      if part == ".." { _ = parts.popLast() } else { parts.append(String(part)) }
    }
    return parts.joined(separator: "/")
  }

  func readTreeFile(_ path: String, tree: OID?) throws -> Data? {
    guard let tree, let entry = try repository.entry(at: path, inTree: tree), entry.isBlob else { return nil }
    return try? repository.blob(entry.id, limit: Document.sizeLimit)
  }

  func readNewFile(_ path: String, side: NewSide) throws -> Data? {
    switch side {
    case .tree(let tree): return try readTreeFile(path, tree: tree)
    case .index(let indexPath):
      guard let entry = try IndexFile(path: indexPath, prefixes: [path]).entries[path], entry.isBlob else { return nil }
      return try? repository.blob(entry.id, limit: Document.sizeLimit)
    case .gitIndex(let git, let indexFile):
      let output = try git.run(["rev-parse", "--verify", "--quiet", ":\(path)"],
        environment: ["GIT_INDEX_FILE": indexFile, "GIT_DIR": repository.gitDirectory])
      guard output.status == 0, let id = OID(hex: output.text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
      return try? repository.blob(id, limit: Document.sizeLimit)
    }
  }
}

/// Spec blobs already read and parsed, by path and blob id: a history check meets the
/// same blob as the new side of one commit and the old side of the next. Holds the
/// `limit` most recently added, so that memory stays flat over long histories (findings
/// are remembered separately, by `FindingCache`).
final class SnapshotCache {
  private struct Key: Hashable {
    var path: String
    var blob: OID
  }
  private var entries: [Key: SpecSnapshot] = [:]
  private var order: [Key] = []
  private var oldest = 0
  let limit: Int

  init(limit: Int = 2048) { self.limit = max(1, limit) }

  func snapshot(path: String, blob: OID, read: () throws -> SpecSnapshot) rethrows -> SpecSnapshot {
    let key = Key(path: path, blob: blob)
    if let known = entries[key] { return known }
    let snapshot = try read()
    if order.count < limit {
      order.append(key)
    } else {
      entries[order[oldest]] = nil
      order[oldest] = key
      oldest = (oldest + 1) % limit
    }
    entries[key] = snapshot
    return snapshot
  }
}

/// The parameters files named by `hyperparameters: {from: …}` in a tree's specs
/// (file -> the specs that read it), remembered by the ids of the spec folders. A
/// commit's answer is its parent's, updated with the specs the commit changed; only
/// a tree whose parent was not seen lists its specs.
final class ParameterFileIndex {
  private var entries: [String: [String: [String]]] = [:]

  func references(in tree: OID, parent: OID?, changes: [ModelChange], reader: ChangeReader) throws -> [String: [String]] {
    let treeKey = try key(tree, reader)
    if let known = entries[treeKey] { return known }
    var found: [String: [String]]
    if let parent, let base = entries[try key(parent, reader)] {
      let changed = Set(changes.map(\.path))
      found = base.mapValues { $0.filter { !changed.contains($0) } }.filter { !$0.value.isEmpty }
      for change in changes {
        guard let new = change.new, case .file(let file, _, _)? = new.spec?.hyperparameters else { continue }
        found[reader.relative(file, to: change.path), default: []].append(change.path)
      }
    } else {
      found = [:]
      for delta in try reader.repository.diff(from: nil, to: tree, prefixes: reader.policy.specGlobs.prefixes)
      where delta.newIsRegularFile && reader.policy.specGlobs.matches(delta.path) {
        guard let spec = try reader.snapshot(path: delta.path, blob: delta.newID),
          case .file(let file, _, _)? = spec.spec?.hyperparameters
        else { continue }
        found[reader.relative(file, to: delta.path), default: []].append(delta.path)
      }
    }
    entries[treeKey] = found
    return found
  }

  /// The spec globs and the ids of the folders they can match in (the whole tree for "").
  private func key(_ tree: OID, _ reader: ChangeReader) throws -> String {
    // The globs' part is the same for every commit under one policy: build it once per
    // glob list (it was an eighth of `check --range` when built for every commit).
    let patterns = reader.policy.specGlobs.globs.map(\.pattern)
    if patterns != globPatterns {
      globPatterns = patterns
      globHeader = patterns.joined(separator: ",") + "\n"
      globPrefixes = Set(reader.policy.specGlobs.prefixes).sorted()
      keys.removeAll()
    }
    // A commit's tree is the next commit's parent tree: each key is asked for twice.
    if let known = keys[tree] { return known }
    if keys.count >= 4096 { keys.removeAll(keepingCapacity: true) }
    var key = globHeader
    for (index, prefix) in globPrefixes.enumerated() {
      if index > 0 { key += "\n" }
      if prefix.isEmpty {
        key += tree.hex
      } else {
        key += prefix
        key += "="
        key += try reader.repository.entry(at: prefix, inTree: tree)?.id.hex ?? "-"
      }
    }
    keys[tree] = key
    return key
  }

  private var keys: [OID: String] = [:]
  private var globPatterns: [String]?
  private var globHeader = ""
  private var globPrefixes: [String] = []
}
