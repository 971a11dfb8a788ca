import CLibGit2
import CMLGitSupport
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// A fast, read-only reader of git's index file (versions 2, 3 and 4) that keeps
/// only the entries under given folder prefixes.
///
/// libgit2 1.5 parses every entry into its own structures and hashes them, which
/// costs tens of milliseconds on a 100,000-file index; a hook needs only the few
/// entries under `models/`, `data/` and `.mlgit/`. Formats this reader does not
/// handle (split index, sparse index, unknown required extensions) throw
/// `IndexUnreadable`, and callers ask git instead.
public struct IndexFile {
  /// Stage-0 entries under the prefixes, by path.
  public let entries: [String: TreeEntry]
  /// Folders at, under or above the prefixes whose tree id the index caches
  /// (its cache-tree extension): the tree a commit would record for them.
  public let cachedTrees: [String: OID]

  /// Reads the index at `path`, keeping regular entries whose path is under one of
  /// `prefixes` ("" keeps everything). Intent-to-add entries are not committed, so skipped.
  public init(path: String, prefixes: [String]) throws {
    // Mapped with mmap(2) itself: Foundation's Data(contentsOf:) costs a pre-commit hook
    // with nothing staged more than the rest of its reading of the repository.
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw IndexUnreadable(path: path, reason: "cannot read the file") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      throw IndexUnreadable(path: path, reason: "cannot read the file")
    }
    let size = Int(info.st_size)
    guard size > 0 else { throw IndexUnreadable(path: path, reason: "empty file") }
    guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
      throw IndexUnreadable(path: path, reason: "cannot read the file")
    }
    defer { munmap(map, size) }
    let collector = try IndexFile.parse(UnsafeRawBufferPointer(start: map, count: size), path: path, prefixes: prefixes)
    entries = collector.entries
    cachedTrees = collector.trees
  }

  /// The tree a commit of the index at `path` would record, as its cache-tree extension
  /// holds it (what `git write-tree` reuses); nil when the cache does not hold the root
  /// (an entry changed since the cache was written) or this reader cannot read the index.
  /// Reads no entry: no prefixes.
  public static func cachedRootTree(path: String) -> OID? {
    (try? IndexFile(path: path, prefixes: []))?.cachedTrees[""]
  }

  static func parse(_ raw: UnsafeRawBufferPointer, path: String, prefixes: [String]) throws -> EntryCollector {
    guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      throw IndexUnreadable(path: path, reason: "empty file")
    }
    let cStrings = prefixes.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    let lengths = prefixes.map { $0.utf8.count }
    let collector = EntryCollector()
    let status = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { names in
      lengths.withUnsafeBufferPointer { counts in
        mlgit_index_scan(
          base, raw.count, names.baseAddress, counts.baseAddress, prefixes.count,
          { entry, payload in
            guard let entry, let payload else { return }
            let collector = Unmanaged<EntryCollector>.fromOpaque(payload).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: entry.pointee.path, count: entry.pointee.path_length)
            let path = String(decoding: bytes, as: UTF8.self)
            var oid = git_oid()
            withUnsafeMutableBytes(of: &oid.id) {
              $0.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.oid, count: 20))
            }
            collector.entries[path] = TreeEntry(path: path, id: OID(oid), mode: entry.pointee.mode)
          },
          { path, length, oid, payload in
            guard let path, let oid, let payload else { return }
            let collector = Unmanaged<EntryCollector>.fromOpaque(payload).takeUnretainedValue()
            var id = git_oid()
            withUnsafeMutableBytes(of: &id.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: oid, count: 20)) }
            collector.trees[String(decoding: UnsafeRawBufferPointer(start: path, count: length), as: UTF8.self)] = OID(
              id)
          }, Unmanaged.passUnretained(collector).toOpaque())
      }
    }
    guard Int(status) == MLGIT_INDEX_OK else {
      let reason: String
      switch Int(status) {
      case MLGIT_INDEX_NOT_AN_INDEX: reason = "not an index file"
      case MLGIT_INDEX_BAD_VERSION: reason = "an index version other than 2, 3 or 4"
      case MLGIT_INDEX_TRUNCATED: reason = "truncated or corrupt"
      case MLGIT_INDEX_SPARSE: reason = "sparse index"
      case MLGIT_INDEX_SPLIT: reason = "split index"
      case MLGIT_INDEX_REQUIRED_EXTENSION: reason = "an index extension mlgit does not know"
      default: reason = "out of memory"
      }
      throw IndexUnreadable(path: path, reason: reason)
    }
    return collector
  }
}

/// Receives the entries and cached trees the C scanner keeps.
final class EntryCollector {
  var entries: [String: TreeEntry] = [:]
  var trees: [String: OID] = [:]
}

extension Repository {
  /// Blob entries of a tree under folder `prefixes` ("" keeps everything), walking
  /// only the subtrees that can hold them.
  public func treeEntries(_ treeID: OID?, prefixes: [String]) throws -> [String: TreeEntry] {
    var unchanged = Set<String>()
    return try treeEntries(treeID, prefixes: prefixes, skipping: [:], skipped: &unchanged)
  }

  /// As `treeEntries(_:prefixes:)`, but folders whose tree id equals `skipping[folder]`
  /// are not read; they are added to `skipped`.
  func treeEntries(_ treeID: OID?, prefixes: [String], skipping: [String: OID], skipped: inout Set<String>) throws
    -> [String: TreeEntry]
  {
    guard let treeID else { return [:] }
    var result: [String: TreeEntry] = [:]
    if skipping[""] == treeID {
      skipped.insert("")
      return result
    }
    for prefix in Repository.minimalPrefixes(prefixes) {
      if prefix.isEmpty {
        try collect(tree: treeID, base: "", skipping: skipping, skipped: &skipped, into: &result)
      } else if let entry = try entry(at: prefix, inTree: treeID) {
        if entry.mode == 0o040000 {
          if skipping[prefix] == entry.id {
            skipped.insert(prefix)
            continue
          }
          try collect(tree: entry.id, base: prefix + "/", skipping: skipping, skipped: &skipped, into: &result)
        } else {
          result[prefix] = entry
        }
      }
    }
    return result
  }

  private func collect(
    tree id: OID, base: String, skipping: [String: OID], skipped: inout Set<String>,
    into result: inout [String: TreeEntry]
  ) throws {
    let tree = try lookupTree(id)
    defer { withExtendedLifetime(tree) {} }
    for index in 0..<tree.entryCount {
      guard let entry = tree.entry(at: index), let name = git_tree_entry_name(entry) else { continue }
      let path = base + String(cString: name)
      let mode = git_tree_entry_filemode(entry).rawValue
      let oid = OID(git_tree_entry_id(entry))
      if mode == 0o040000 {
        if !skipping.isEmpty, skipping[path] == oid {
          skipped.insert(path)
          continue
        }
        try collect(tree: oid, base: path + "/", skipping: skipping, skipped: &skipped, into: &result)
      } else {
        result[path] = TreeEntry(path: path, id: oid, mode: mode)
      }
    }
  }

  /// The staged change: index entries under `prefixes` against a tree's, compared by
  /// id and mode, read with `IndexFile` (throws `IndexUnreadable` for formats it
  /// does not read). Submodule entries are left out, as `git diff --ignore-submodules` does.
  public func stagedDeltas(indexPath: String, tree: OID?, prefixes: [String]) throws -> [FileDelta] {
    let scopes = Repository.minimalPrefixes(prefixes)
    let index = try IndexFile(path: indexPath, prefixes: scopes)
    // Folders whose cached tree matches the committed one hold no staged change
    // (git's own diff relies on the same cache); read neither side of them.
    var unchanged = Set<String>()
    let committed = try treeEntries(tree, prefixes: scopes, skipping: index.cachedTrees, skipped: &unchanged)
    let staged = unchanged.isEmpty ? index.entries : Repository.removingEntries(of: index.entries, inside: unchanged)
    var deltas: [FileDelta] = []
    for path in Set(staged.keys).union(committed.keys) {
      let old = committed[path]
      let new = staged[path]
      if old?.isSubmodule == true || new?.isSubmodule == true { continue }
      if let old, let new, old.id == new.id, old.mode == new.mode { continue }
      let status: DeltaStatus
      switch (old, new) {
      case (nil, _): status = .added
      case (_, nil): status = .deleted
      case (let old?, let new?): status = (old.mode & 0o170000) == (new.mode & 0o170000) ? .modified : .typeChanged
      }
      deltas.append(
        FileDelta(
          status: status, path: path, oldID: old?.id, newID: new?.id,
          oldMode: old?.mode ?? 0, newMode: new?.mode ?? 0))
    }
    return deltas.sorted { $0.path < $1.path }
  }

  /// The entries not under any of the folders ("" is the root). Compares UTF-8
  /// bytes with memcmp: Character-wise string work costs more than the whole scan.
  static func removingEntries(of entries: [String: TreeEntry], inside folders: Set<String>) -> [String: TreeEntry] {
    if folders.contains("") { return [:] }
    let prefixes: [[UInt8]] = folders.map { Array($0.utf8) + [UInt8(ascii: "/")] }
    return entries.filter { path, _ in
      var path = path
      return !path.withUTF8 { bytes in
        prefixes.contains { prefix in
          bytes.count > prefix.count && memcmp(bytes.baseAddress!, prefix, prefix.count) == 0
        }
      }
    }
  }
}
