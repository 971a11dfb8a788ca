import CLibGit2
import Foundation

/// How a file changed between two snapshots.
public enum DeltaStatus: String, Sendable {
  case added, deleted, modified, typeChanged = "typechange"
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
  public func diff(tree: OID?, index: Index, prefixes: [String]) throws -> [FileDelta] {
    try runDiffs(prefixes: prefixes) { out, options in
      let treePointer = try tree.map(lookupTree)
      defer { if let treePointer { git_tree_free(treePointer) } }
      return git_diff_tree_to_index(&out, pointer, treePointer, index.pointer, &options)
    }
  }

  /// Files that differ between two trees (nil: the empty tree), limited to `prefixes`.
  public func diff(from old: OID?, to new: OID?, prefixes: [String]) throws -> [FileDelta] {
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
      defer { if let oldTree { git_tree_free(oldTree) } }
      let newTree = try new.map(lookupTree)
      defer { if let newTree { git_tree_free(newTree) } }
      return git_diff_tree_to_tree(&out, pointer, oldTree, newTree, &options)
    }
  }

  func lookupTree(_ id: OID) throws -> OpaquePointer {
    var oid = id.raw
    var tree: OpaquePointer?
    try check(git_tree_lookup(&tree, pointer, &oid), "cannot read tree \(id.short)")
    guard let tree else { throw GitError(message: "cannot read tree \(id.short)") }
    return tree
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
      options.flags = GIT_DIFF_INCLUDE_TYPECHANGE.rawValue | GIT_DIFF_IGNORE_SUBMODULES.rawValue
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
      defer { git_diff_free(diff) }
      for index in 0..<git_diff_num_deltas(diff) {
        guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
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
  static func minimalPrefixes(_ prefixes: [String]) -> [String] {
    let sorted = Set(prefixes).sorted { $0.count < $1.count }
    var kept: [String] = []
    for prefix in sorted where !kept.contains(where: { prefix.hasPrefix($0) }) {
      kept.append(prefix)
    }
    return kept
  }
}
