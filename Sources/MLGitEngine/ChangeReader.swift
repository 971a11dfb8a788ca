import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec
import Synchronization

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
      // The folders of files the policy reads from outside `.mlgit/` (a change to one is a policy change).
      + policy.referencedFiles.keys.sorted().map { $0.split(separator: "/").dropLast().joined(separator: "/") }
  }

  /// Parameter files named by `from:` can live anywhere; they are few, so list them.
  var parameterPrefixes: [String] { [] }

  /// The staged change: the index git will commit, against `head`'s tree (the commit the
  /// new one will sit on: HEAD, or HEAD's parent for `git commit --amend`; nil: none).
  func stagedChange(indexPath: String, head: OID?) throws -> ChangeSet {
    let headTree = try head.map { try repository.treeOf(commit: $0) }
    var deltas: [FileDelta] = []
    let side: any PathLookup
    if FileManager.default.fileExists(atPath: indexPath) {
      do {
        deltas = try repository.stagedDeltas(indexPath: indexPath, tree: headTree, prefixes: prefixes)
        side = IndexLookup(repository: repository, indexPath: indexPath)
      } catch is IndexUnreadable {
        // Split or sparse indexes: git reads them for us (and fails loudly if it cannot).
        let git = GitCommandLine(directory: repository.workingDirectory ?? repository.gitDirectory)
        deltas = try git.stagedDeltas(
          against: headTree, prefixes: prefixes, indexFile: indexPath,
          gitDirectory: repository.gitDirectory)
        side = IndexLookup(repository: repository, indexPath: indexPath, git: git)
      }
    } else {
      // git reads a missing index as an empty one: the commit would delete every file.
      deltas = try repository.diff(from: headTree, to: nil, prefixes: prefixes)
      side = TreeLookup(repository: repository, tree: nil)
    }
    let origin = ChangeOrigin(commit: nil)
    let old = TreeLookup(repository: repository, tree: headTree)
    var change = try changeSet(deltas: deltas, origin: origin, oldSide: old, newSide: side, isRoot: head == nil)
    if let headTree {
      // What the specs read besides themselves, as HEAD has them: the staged specs that
      // changed are judged above, the others are the same in HEAD and in the index.
      let dependents = try headDependents(headTree)
      change.specs += try dependencyChanges(dependents, old: old, new: side, known: Set(deltas.map(\.path)))
    }
    return change
  }

  /// The dependents of `tree`, the one a staged change is judged against: kept from an
  /// earlier run for the same tree, brought forward from the tree kept otherwise, or listed
  /// (`SpecDependentsCache`).
  func headDependents(_ tree: OID) throws -> SpecDependents {
    let cache = SpecDependentsCache(repository: repository)
    let key = SpecDependentsCache.key(policy)
    var found: SpecDependents?
    if let kept = cache.load(key: key) {
      if kept.tree == tree { return kept.dependents }
      // The kept tree may be gone (pruned, or the file copied from another repository);
      // then, and on any other failure, the tree is listed whole.
      found = try? ParameterFileIndex.update(kept.dependents, from: kept.tree, to: tree, reader: self)
    }
    let dependents = try found ?? ParameterFileIndex.list(in: tree, reader: self)
    cache.store(dependents, tree: tree, key: key)
    return dependents
  }

  /// The change a commit made against its first parent (a root commit: against the empty tree).
  /// `parentTree` and `deltas` may be passed in when the caller already has them.
  func commitChange(_ commit: CommitInfo, parentTree known: OID?? = nil, deltas knownDeltas: [FileDelta]? = nil) throws
    -> ChangeSet
  {
    let parentTree = try known ?? commit.parents.first.map { try repository.treeOf(commit: $0) }
    let deltas = try knownDeltas ?? repository.diff(from: parentTree, to: commit.tree, prefixes: prefixes)
    let origin = ChangeOrigin(
      commit: commit.id.hex, authorName: commit.author.name, authorEmail: commit.author.email,
      time: commit.author.time, summary: commit.summary)
    let old = TreeLookup(repository: repository, tree: parentTree)
    let new = TreeLookup(repository: repository, tree: commit.tree)
    var change = try changeSet(
      deltas: deltas, origin: origin, oldSide: old, newSide: new, isRoot: commit.parents.isEmpty)
    if let parentTree {  // a root commit: every spec is new
      let index = parameterFiles ?? ParameterFileIndex()
      let dependents = try index.dependents(
        in: commit.tree, parent: parentTree, deltas: deltas, changes: change.specs,
        reader: self)
      change.specs += try dependencyChanges(dependents, old: old, new: new, known: Set(deltas.map(\.path)))
    }
    return change
  }

  /// Specs whose own entry stayed the same while what they read changed: a parameters file
  /// named by `from:`, or (for a spec that is a symlink) a link on the way or the file it
  /// points to. Such a change is a change of the spec (old: as the old side resolves it,
  /// new: as the new side does). Symlinks under the spec folders that now lead to a
  /// folder are refused like a spec that cannot be read.
  ///
  /// `known`: paths the change already holds (judged on their own entries).
  func dependencyChanges(_ dependents: SpecDependents, old: any PathLookup, new: any PathLookup, known: Set<String>)
    throws
    -> [ModelChange]
  {
    var result: [ModelChange] = []
    var judged = known
    for (parameters, specPaths) in dependents.parameterFiles.sorted(by: { $0.key < $1.key }) {
      let unjudged = specPaths.filter { !judged.contains($0) }
      guard !unjudged.isEmpty, try fingerprint(parameters, in: old) != fingerprint(parameters, in: new) else {
        continue
      }
      for path in unjudged {
        judged.insert(path)
        guard case .entry(let entry) = try new.item(at: path), entry.isBlob,
          let oldSpec = try spec(at: path, id: entry.id, mode: entry.mode, side: old),
          let newSpec = try spec(at: path, id: entry.id, mode: entry.mode, side: new),
          ChangeReader.differs(oldSpec, newSpec)
        else { continue }
        result.append(ModelChange(path: path, old: oldSpec, new: newSpec))
      }
    }
    for link in dependents.links where !judged.contains(link) {
      judged.insert(link)
      guard case .entry(let entry) = try new.item(at: link), entry.isSymlink else { continue }
      if policy.specGlobs.matches(link) {
        guard try specSignature(link, in: old) != specSignature(link, in: new) else { continue }
        let oldSpec = try spec(at: link, id: entry.id, mode: entry.mode, side: old)
        let newSpec = try spec(at: link, id: entry.id, mode: entry.mode, side: new)
        if let oldSpec, let newSpec, !ChangeReader.differs(oldSpec, newSpec) { continue }
        result.append(ModelChange(path: link, old: oldSpec, new: newSpec))
      } else if try fingerprint(link, in: old) != fingerprint(link, in: new),
        let refusal = try folderLinkRefusal(link, side: new)
      {
        result.append(refusal)
      }
    }
    return result
  }

  /// True when two readings of a spec differ in what the rules judge. A parameters file
  /// shared by several specs under different keys changes only the specs whose key's
  /// values changed (or whose reading of it now fails, or recovers).
  static func differs(_ old: SpecSnapshot, _ new: SpecSnapshot) -> Bool {
    old.blob != new.blob || old.documentError?.message != new.documentError?.message
      || old.hyperparameters != new.hyperparameters || old.hyperparametersError != new.hyperparametersError
  }

  /// What a path resolves to on one side, as text that differs when anything on the way
  /// differs (each link's blob, the final file's blob, or why it does not resolve).
  func fingerprint(_ path: String, in side: any PathLookup) throws -> String {
    switch try PathResolver.resolve(path, in: side) {
    case .success(let file):
      return (file.links.map { "\($0.path)=\($0.id.hex)" } + ["\(file.path)=\(file.entry.id.hex)"]).joined(
        separator: "\n")
    case .failure(let why):
      return "!" + why.description
    }
  }

  /// A symlinked spec's fingerprint, with its parameters file's when it names one.
  func specSignature(_ path: String, in side: any PathLookup) throws -> String {
    var signature = try fingerprint(path, in: side)
    if case .success(let file) = try PathResolver.resolve(path, in: side),
      case .file(let name, _, _)? = try cachedSnapshot(path: path, blob: file.entry.id).spec?.hyperparameters
    {
      signature += "\n" + (try fingerprint(relative(name, to: path), in: side))
    }
    return signature
  }

  func changeSet(
    deltas: [FileDelta], origin: ChangeOrigin, oldSide: any PathLookup, newSide: any PathLookup,
    isRoot: Bool
  ) throws -> ChangeSet {
    var specs: [ModelChange] = []
    var files: [FileChange] = []
    for delta in deltas {
      let path = delta.path
      if policy.specGlobs.matches(path) {
        // A symlink is judged by the file it leads to; submodules are never specs.
        let old = try spec(at: path, id: delta.oldID, mode: delta.oldMode, side: oldSide)
        let new = try spec(at: path, id: delta.newID, mode: delta.newMode, side: newSide)
        guard old != nil || new != nil else { continue }
        specs.append(ModelChange(path: path, old: old, new: new))
        // A spec the policy reads (a pack file named like one) is also a policy change.
        if let reader = policy.policyEntryReading(path) {
          files.append(
            FileChange(path: path, oldBlob: delta.oldID?.hex, newBlob: delta.newID?.hex, readByPolicy: reader))
        }
      } else if policy.dataGlobs.matches(path) || EffectivePolicy.isPolicyPath(path)
        || policy.policyEntryReading(path) != nil
      {
        var prefix: Data?
        var problem: String?
        if let id = delta.newID, policy.dataGlobs.matches(path) {
          if delta.newIsRegularFile {
            prefix = try repository.blobPrefix(id, count: ChangeReader.headerBytes)
          } else if delta.newMode == TreeEntry.symlinkMode {
            switch try PathResolver.resolve(path, in: newSide) {
            case .success(let file): prefix = try repository.blobPrefix(file.entry.id, count: ChangeReader.headerBytes)
            case .failure(let why): problem = why.description
            }
          }
        }
        files.append(
          FileChange(
            path: path, oldBlob: delta.oldID?.hex, newBlob: delta.newID?.hex, newPrefix: prefix,
            newProblem: problem, readByPolicy: policy.policyEntryReading(path)))
      } else if delta.newMode == TreeEntry.symlinkMode, mayHideSpecs(path),
        let refusal = try folderLinkRefusal(path, side: newSide)
      {
        specs.append(refusal)
      }
    }
    var change = ChangeSet(origin: origin, specs: specs, files: files, isRoot: isRoot)
    if policy.severity(of: DataSchemaRule.description.id) != .off {
      change.dataSamples = try dataSchemaSamples(change, oldSide: oldSide, newSide: newSide)
    }
    return change
  }

  /// The spec at `path` on one side (`id` and `mode`: its entry there), with a symlink
  /// followed and `from:` resolved; nil when nothing is there or a submodule is.
  func spec(at path: String, id: OID?, mode: UInt32, side: any PathLookup) throws -> SpecSnapshot? {
    guard let id else { return nil }
    var snapshot: SpecSnapshot
    switch mode & 0o170000 {
    case 0o100000:
      snapshot = try cachedSnapshot(path: path, blob: id)
    case TreeEntry.symlinkMode:
      switch try PathResolver.resolve(path, in: side) {
      case .success(let file):
        snapshot = try cachedSnapshot(path: path, blob: file.entry.id)
      case .failure(let why):
        // No blob: the reason depends on the rest of the tree, so it is never cached by blob.
        return SpecSnapshot(
          path: path, blob: nil,
          unreadable: DocumentError(
            "spec cannot be read: \(why)",
            hint:
              "a symlinked spec is judged by the file it leads to inside the repository; point it at one, or commit the spec itself"
          ))
      }
    default:
      return nil
    }
    if case .file(let file, _, _)? = snapshot.spec?.hyperparameters {
      snapshot.resolveHyperparameters(with: try parametersFile(relative(file, to: path), named: file, side: side))
    }
    return snapshot
  }

  /// A `from:` parameters file's content on one side, symlinks followed, or why it cannot be read.
  func parametersFile(_ path: String, named name: String, side: any PathLookup) throws -> SpecSnapshot.ParametersFile {
    switch try PathResolver.resolve(path, in: side) {
    case .success(let file):
      do {
        return .content(try repository.blob(file.entry.id, limit: Document.sizeLimit))
      } catch let error as BlobTooLarge {
        return .unreadable(
          "parameters file '\(name)' is \(error.size) bytes, over mlgit's \(error.limit)-byte limit for parameters files"
        )
      }
    case .failure(let why):
      if case .missing = why.reason, why.links.isEmpty {
        return .unreadable("parameters file '\(name)' does not exist in this commit")
      }
      return .unreadable("parameters file \(why)")
    }
  }

  /// A symlink under the spec folders that leads to a folder (or out of the repository)
  /// would show programs specs that mlgit never sees: refused like an unreadable spec.
  func folderLinkRefusal(_ path: String, side: any PathLookup) throws -> ModelChange? {
    guard case .failure(let why) = try PathResolver.resolve(path, in: side) else { return nil }
    switch why.reason {
    case .folder, .outside, .submodule:
      let snapshot = SpecSnapshot(
        path: path, blob: nil,
        unreadable: DocumentError(
          "symlink under the spec folders cannot be judged: \(why)",
          hint: "mlgit does not follow symlinked folders to find specs; keep specs in real folders"))
      return ModelChange(path: path, old: nil, new: snapshot)
    default:
      // Nothing behind it now; it is followed again when what it points at changes.
      return nil
    }
  }

  /// True when a link at `path` can lead to specs: it is named as a spec, or a spec glob
  /// could match a path under it taken as a folder.
  func linkMayLeadToSpecs(_ path: String) -> Bool {
    policy.specGlobs.matches(path) || mayHideSpecs(path)
  }

  /// True when a spec glob could match a path under `path` taken as a folder
  /// (`models/shared` for `models/**/*.yaml`).
  func mayHideSpecs(_ path: String) -> Bool {
    policy.specGlobs.globs.contains { glob in
      let parts = glob.pattern.split(separator: "/", omittingEmptySubsequences: true)
      guard parts.count > 1 else { return false }
      return (1..<parts.count).contains { Glob(parts[0..<$0].joined(separator: "/")).matches(path) }
    }
  }

  func snapshot(path: String, blob: OID?) throws -> SpecSnapshot? {
    guard let blob else { return nil }
    return try cachedSnapshot(path: path, blob: blob)
  }

  func cachedSnapshot(path: String, blob: OID) throws -> SpecSnapshot {
    if let snapshots { return try snapshots.snapshot(path: path, blob: blob) { try read(path: path, blob: blob) } }
    return try read(path: path, blob: blob)
  }

  private func read(path: String, blob: OID) throws -> SpecSnapshot {
    do {
      let data = try repository.blob(blob, limit: Document.sizeLimit)
      return SpecSnapshot(path: path, blob: blob.hex, data: data)
    } catch let error as BlobTooLarge {
      return SpecSnapshot(
        path: path, blob: blob.hex,
        unreadable: DocumentError(
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
}
