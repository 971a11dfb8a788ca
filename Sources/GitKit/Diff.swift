import CLibGit2
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// How a file changed between two snapshots.
public enum DeltaStatus: String, Sendable {
  case added, deleted, modified
  case typeChanged = "typechange"
}

/// One changed file, with the blob ids and modes on both sides.
public struct FileDelta: Sendable, Equatable {
  public var status: DeltaStatus
  public var path: String
  public var oldID: OID?
  public var newID: OID?
  public var oldMode: UInt32
  public var newMode: UInt32

  public init(status: DeltaStatus, path: String, oldID: OID?, newID: OID?, oldMode: UInt32, newMode: UInt32) {
    self.status = status
    self.path = path
    self.oldID = oldID
    self.newID = newID
    self.oldMode = oldMode
    self.newMode = newMode
  }

  /// True when the new side is a regular file (not a symlink or a submodule).
  public var newIsRegularFile: Bool { newMode == 0o100644 || newMode == 0o100755 }
  public var oldIsRegularFile: Bool { oldMode == 0o100644 || oldMode == 0o100755 }
}

extension Repository {
  /// Files that differ between a tree (nil: the empty tree) and an index, limited
  /// to `prefixes` (folder prefixes; empty: everything). One diff per prefix lets
  /// libgit2 skip the rest of the tree.
  /// Entries staged with `git add -N` (intent to add) are left out: git does not commit them.
  public func diff(tree: OID?, index: Index, prefixes: [String]) throws -> [FileDelta] {
    let deltas = try runDiffs(prefixes: prefixes) { out, options in
      let root = try tree.map(lookupTree)
      return withExtendedLifetime(root) {
        git_diff_tree_to_index(&out, pointer, root?.pointer, index.pointer, &options)
      }
    }
    return deltas.filter { $0.newID == nil || !index.isIntentToAdd($0.path) }
  }

  /// Files that differ between two trees (nil: the empty tree), limited to `prefixes`
  /// (folder prefixes, whole path components; empty: everything).
  ///
  /// The same deltas as `git_diff_tree_to_tree` with typechanges on and submodules
  /// ignored (`libgit2Diff`, which the tests compare it with), found the way git's own
  /// tree diff finds them: subtrees with the same id on both sides are never opened.
  /// libgit2's diff iterates every entry under a prefix and reads the configuration
  /// for each diff; over a long history that was a quarter of `mlgit check --range`.
  public func diff(from old: OID?, to new: OID?, prefixes: [String]) throws -> [FileDelta] {
    if old == new { return [] }
    let scopes = diffScopes(prefixes)
    var walker = TreeDiffer(repository: self)
    if scopes == [""] {
      try walker.compareTrees(try old.map(lookupTree), try new.map(lookupTree), prefix: "")
    } else {
      let a = try old.map { try scopeEntries($0, scopes) }
      let b = try new.map { try scopeEntries($0, scopes) }
      for (index, scope) in scopes.enumerated() {
        try walker.compare(a?[index] ?? nil, b?[index] ?? nil, path: scope)
      }
    }
    return walker.deltas.sorted { $0.path < $1.path }
  }

  /// What each of `scopes` (folders, not "") holds in `tree`. A history diffs each commit
  /// against its parent, so one commit's new side is the next one's old side: the last
  /// answer is kept.
  private func scopeEntries(_ tree: OID, _ scopes: [String]) throws -> [TreeDiffer.Item?] {
    if let last = lastScopeEntries, last.tree == tree, last.scopes == scopes { return last.entries }
    let root = try lookupTree(tree)
    let entries = try scopes.map { try TreeDiffer.Item(at: $0, in: root) }
    lastScopeEntries = (tree, scopes, entries)
    return entries
  }

  /// `diff(from:to:prefixes:)` as libgit2 computes it (kept as the reference the tests
  /// compare the tree walk with).
  func libgit2Diff(from old: OID?, to new: OID?, prefixes: [String]) throws -> [FileDelta] {
    if old == new { return [] }
    // Most commits leave the folders of interest alone: when a prefix names the same
    // object (or nothing) on both sides, there is nothing to diff under it.
    var scopes = Repository.minimalPrefixes(prefixes)
    if let old, let new, !scopes.isEmpty, !scopes.contains("") {
      scopes = try scopes.filter { prefix in
        try entry(at: prefix, inTree: old)?.id != entry(at: prefix, inTree: new)?.id
      }
      if scopes.isEmpty { return [] }
    }
    return try runDiffs(prefixes: scopes) { out, options in
      let oldTree = try old.map(lookupTree)
      let newTree = try new.map(lookupTree)
      return withExtendedLifetime((oldTree, newTree)) {
        git_diff_tree_to_tree(&out, pointer, oldTree?.pointer, newTree?.pointer, &options)
      }
    }
  }

  func lookupTree(_ id: OID) throws -> Tree {
    var oid = id.raw
    var tree: OpaquePointer?
    try check(git_tree_lookup(&tree, pointer, &oid), "cannot read tree \(id.short)")
    guard let tree else { throw GitError(message: "cannot read tree \(id.short)") }
    return Tree(tree, in: self)
  }

  private func runDiffs(
    prefixes: [String],
    _ body: (inout OpaquePointer?, inout git_diff_options) throws -> Int32
  ) throws -> [FileDelta] {
    let scopes: [String?] = Repository.minimalPrefixes(prefixes).map { $0.isEmpty ? nil : $0 }
    var seen = Set<String>()
    var deltas: [FileDelta] = []
    for scope in (scopes.isEmpty ? [nil] : scopes) {
      var options = mlgit_diff_options_init()
      options.flags =
        GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_IGNORE_SUBMODULES.rawValue
        | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
      var diff: OpaquePointer?
      var code: Int32
      if let scope {
        var cString: UnsafeMutablePointer<CChar>? = strdup(scope)
        defer { free(cString) }
        code = try withUnsafeMutablePointer(to: &cString) { strings in
          options.pathspec = git_strarray(strings: strings, count: 1)
          return try body(&diff, &options)
        }
      } else {
        code = try body(&diff, &options)
      }
      try check(code, "cannot compute the change")
      guard let diff else { throw GitError(message: "cannot compute the change") }
      let owner = DiffList(diff, in: self)
      defer { withExtendedLifetime(owner) {} }
      for index in 0..<git_diff_num_deltas(owner.pointer) {
        guard let delta = git_diff_get_delta(owner.pointer, index)?.pointee else { continue }
        let status: DeltaStatus
        switch delta.status {
        case GIT_DELTA_ADDED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: status = .modified
        }
        guard let pathPointer = delta.new_file.path ?? delta.old_file.path else { continue }
        let path = String(cString: pathPointer)
        guard seen.insert(path).inserted else { continue }
        let oldID = OID(delta.old_file.id)
        let newID = OID(delta.new_file.id)
        deltas.append(
          FileDelta(
            status: status, path: path,
            oldID: oldID.isZero ? nil : oldID, newID: newID.isZero ? nil : newID,
            oldMode: UInt32(delta.old_file.mode), newMode: UInt32(delta.new_file.mode)))
      }
    }
    return deltas.sorted { $0.path < $1.path }
  }

  /// Drops prefixes covered by a shorter one ("" covers everything).
  /// The folders to compare for `prefixes` ("": everything); a history check asks with
  /// the same prefixes for every commit, so the last answer is kept.
  private func diffScopes(_ prefixes: [String]) -> [String] {
    if let last = lastDiffScopes, last.prefixes == prefixes { return last.scopes }
    var scopes = Repository.minimalPrefixes(prefixes)
    if scopes.isEmpty || scopes.contains("") { scopes = [""] }
    lastDiffScopes = (prefixes, scopes)
    return scopes
  }

  static func minimalPrefixes(_ prefixes: [String]) -> [String] {
    // Shorter first, so that a covering prefix is kept before what it covers; duplicates
    // fall out below. (No Set: history checks call this for every commit.)
    let sorted = prefixes.sorted { $0.utf8.count < $1.utf8.count }
    var kept: [String] = []
    // Whole path components: "models" covers "models/x" but not "models2".
    for prefix in sorted where !kept.contains(where: { $0.isEmpty || prefix == $0 || prefix.hasPrefix($0 + "/") }) {
      kept.append(prefix)
    }
    return kept
  }
}

/// Compares two trees entry by entry, opening only subtrees whose ids differ.
struct TreeDiffer {
  let repository: Repository
  var deltas: [FileDelta] = []

  init(repository: Repository) { self.repository = repository }

  /// One tree entry: its id and mode (a tree: `0o040000`).
  struct Item {
    var id: git_oid
    var mode: UInt32
    var isTree: Bool { mode & 0o170000 == 0o040000 }
    var isSubmodule: Bool { mode & 0o170000 == 0o160000 }

    init(_ entry: OpaquePointer) {
      id = git_tree_entry_id(entry).pointee
      mode = git_tree_entry_filemode(entry).rawValue
    }

    /// The entry at `path` under `tree`, or nil when there is none.
    init?(at path: String, in tree: Tree) throws {
      var entry: OpaquePointer?
      let code = git_tree_entry_bypath(&entry, tree.pointer, path)
      if code == GIT_ENOTFOUND.rawValue {
        git_error_clear()
        return nil
      }
      try check(code, "cannot look up \(path)")
      guard let entry else { return nil }
      let owned = OwnedTreeEntry(entry)
      self = withExtendedLifetime(owned) { Item(owned.pointer) }
    }
  }

  /// Compares what `path` holds on each side (nil: nothing).
  mutating func compare(_ old: Item?, _ new: Item?, path: String) throws {
    switch (old, new) {
    case (nil, nil):
      return
    case (let a?, let b?) where a.isTree && b.isTree:
      var x = a.id
      var y = b.id
      if git_oid_equal(&x, &y) != 0 { return }
      try compareTrees(try repository.lookupTree(OID(a.id)), try repository.lookupTree(OID(b.id)), prefix: path + "/")
    case (let a?, let b?) where !a.isTree && !b.isTree:
      var x = a.id
      var y = b.id
      let sameID = git_oid_equal(&x, &y) != 0
      if a.mode & 0o170000 != b.mode & 0o170000 {
        add(.typeChanged, path, old: a, new: b)
      } else if a.isSubmodule {
        return  // a submodule that moved counts as unmodified (GIT_DIFF_IGNORE_SUBMODULES)
      } else if !sameID || a.mode != b.mode {
        add(.modified, path, old: a, new: b)
      }
    default:
      // A tree on one side only (or a tree against a file): every file under it goes or comes.
      if let a = old { try one(a, path: path, deleted: true) }
      if let b = new { try one(b, path: path, deleted: false) }
    }
  }

  /// Everything under trees `old` and `new` (nil: empty), by name, as git orders entries.
  /// The entries are borrowed from the trees, which the caller keeps alive for the call.
  mutating func compareTrees(_ old: Tree?, _ new: Tree?, prefix: String) throws {
    let oldCount = old?.entryCount ?? 0
    let newCount = new?.entryCount ?? 0
    var i = 0
    var j = 0
    while i < oldCount || j < newCount {
      let a = i < oldCount ? old?.entry(at: i) : nil
      let b = j < newCount ? new?.entry(at: j) : nil
      var order: Int32
      if let a, let b { order = TreeDiffer.compareNames(a, b) } else { order = a == nil ? 1 : -1 }
      if order == 0, let a, let b {
        let (x, y) = (Item(a), Item(b))
        var xid = x.id
        var yid = y.id
        if x.mode != y.mode || git_oid_equal(&xid, &yid) == 0 {
          try compare(x, y, path: prefix + String(cString: git_tree_entry_name(a)))
        }
        i += 1
        j += 1
      } else if order < 0, let a {
        try compare(Item(a), nil, path: prefix + String(cString: git_tree_entry_name(a)))
        i += 1
      } else if let b {
        try compare(nil, Item(b), path: prefix + String(cString: git_tree_entry_name(b)))
        j += 1
      } else {
        break
      }
    }
  }

  /// git's tree order: names compared bytewise, a tree's name as if it ended in '/'.
  /// Entries that compare equal have the same name and are both trees or both not.
  static func compareNames(_ a: OpaquePointer, _ b: OpaquePointer) -> Int32 {
    guard let p = git_tree_entry_name(a), let q = git_tree_entry_name(b) else { return 0 }
    let (aLength, bLength) = (strlen(p), strlen(q))
    let aTree = git_tree_entry_filemode(a).rawValue & 0o170000 == 0o040000
    let bTree = git_tree_entry_filemode(b).rawValue & 0o170000 == 0o040000
    // The k-th byte of a name as git compares it: a tree's name goes on with '/'.
    func byte(_ name: UnsafePointer<CChar>, _ k: Int, _ length: Int, _ tree: Bool) -> Int32 {
      if k < length { return Int32(UInt8(bitPattern: name[k])) }
      return k == length && tree ? 0x2F : 0
    }
    var k = 0
    while true {
      let x = byte(p, k, aLength, aTree)
      let y = byte(q, k, bLength, bTree)
      if x != y { return x < y ? -1 : 1 }
      if x == 0 { return 0 }
      k += 1
    }
  }

  /// An entry present on one side only: a file (or submodule: libgit2 reports those coming
  /// and going even when it ignores their changes) added or deleted, or every file of a tree.
  mutating func one(_ item: Item, path: String, deleted: Bool) throws {
    if !item.isTree {
      deleted ? add(.deleted, path, old: item, new: nil) : add(.added, path, old: nil, new: item)
      return
    }
    let tree = try repository.lookupTree(OID(item.id))
    deleted ? try compareTrees(tree, nil, prefix: path + "/") : try compareTrees(nil, tree, prefix: path + "/")
  }

  mutating func add(_ status: DeltaStatus, _ path: String, old: Item?, new: Item?) {
    deltas.append(
      FileDelta(
        status: status, path: path, oldID: old.map { OID($0.id) }, newID: new.map { OID($0.id) },
        oldMode: old?.mode ?? 0, newMode: new?.mode ?? 0))
  }
}
