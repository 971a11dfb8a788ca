import CLibGit2

/// A git index file, opened read-only from a path (`GIT_INDEX_FILE` for hooks).
public final class Index {
  let pointer: OpaquePointer
  public let path: String

  init(pointer: OpaquePointer, path: String) {
    self.pointer = pointer
    self.path = path
  }
  deinit { git_index_free(pointer) }

  /// Opens and reads an index file. Throws `IndexUnreadable` for the formats
  /// libgit2 1.5 cannot read (split index, sparse index, newer extensions).
  public static func open(path: String) throws -> Index {
    LibGit2.ensure()
    var out: OpaquePointer?
    let code = git_index_open(&out, path)
    if code < 0 {
      let error = GitError.fromLast(code, "cannot read index \(path)")
      throw IndexUnreadable(path: path, reason: error.message)
    }
    guard let index = out else { throw IndexUnreadable(path: path, reason: "no index") }
    return Index(pointer: index, path: path)
  }

  public var count: Int { git_index_entrycount(pointer) }

  /// The staged entry at `path` (stage 0), or nil.
  public func entry(at path: String) -> TreeEntry? {
    guard let entry = git_index_get_bypath(pointer, path, 0) else { return nil }
    return TreeEntry(path: path, id: OID(entry.pointee.id), mode: entry.pointee.mode)
  }

  /// True for an entry staged with `git add -N`: a placeholder git leaves out of commits.
  public func isIntentToAdd(_ path: String) -> Bool {
    guard let entry = git_index_get_bypath(pointer, path, 0) else { return false }
    return UInt32(entry.pointee.flags_extended) & GIT_INDEX_ENTRY_INTENT_TO_ADD.rawValue != 0
  }

  /// True when the index holds unresolved conflicts.
  public var hasConflicts: Bool { git_index_has_conflicts(pointer) == 1 }
}

/// The index is in a format libgit2 1.5 cannot read; callers fall back on git.
public struct IndexUnreadable: Error, CustomStringConvertible {
  public let path: String
  public let reason: String
  public var description: String { "libgit2 cannot read the index \(path): \(reason)" }
}
