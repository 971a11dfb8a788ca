import CLibGit2
import CMLGitSupport
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

// Owner types for the libgit2 objects GitKit uses, as git2-rs wraps each in a type whose
// `Drop` frees it: a `final class` per kind whose `deinit` calls the matching
// `git_*_free`, so no code path (an early return, a thrown error) can leak one or free
// one twice. An object that belongs to a repository keeps it alive. The pointers stay
// internal to GitKit; pointers borrowed from an owner (a tree's entries, an object's
// bytes) are valid while the owner lives, so code that uses them takes the owner as a
// parameter or holds it in `withExtendedLifetime`.

/// A `git_tree`.
final class Tree {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_tree_free(pointer) }

  var entryCount: Int { git_tree_entrycount(pointer) }
  /// The entry at `index`, borrowed from the tree.
  func entry(at index: Int) -> OpaquePointer? { git_tree_entry_byindex(pointer, index) }
  /// The entry named `name` directly in this tree, borrowed from the tree.
  func entry(named name: String) -> OpaquePointer? { git_tree_entry_byname(pointer, name) }
}

/// A `git_tree_entry` of its own (from `git_tree_entry_bypath`), not borrowed from a tree.
final class OwnedTreeEntry {
  let pointer: OpaquePointer
  init(_ pointer: OpaquePointer) { self.pointer = pointer }
  deinit { git_tree_entry_free(pointer) }
}

/// A `git_commit`.
final class Commit {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_commit_free(pointer) }
}

/// A `git_object` of any kind (from a revision or a peel).
final class GitObject {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_object_free(pointer) }
}

/// A `git_blob`.
final class Blob {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_blob_free(pointer) }
}

/// A `git_odb`: the repository's object database (and its alternates).
final class ObjectDatabase {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_odb_free(pointer) }

  /// Reads the object `id` (the id as libgit2 keeps it, in a tree entry say).
  func read(_ id: UnsafePointer<git_oid>, _ what: @autoclosure () -> String) throws -> DatabaseObject {
    var object: OpaquePointer?
    try check(git_odb_read(&object, pointer, id), what())
    guard let object else { throw GitError(message: what()) }
    return DatabaseObject(object, in: self)
  }

  func read(_ id: OID, _ what: @autoclosure () -> String) throws -> DatabaseObject {
    var oid = id.raw
    return try read(&oid, what())
  }

  /// True when the object is here (or in an alternate).
  func contains(_ id: UnsafePointer<git_oid>) -> Bool { git_odb_exists(pointer, id) == 1 }
}

/// A `git_odb_object`: an object's bytes read straight from the object database.
final class DatabaseObject {
  let pointer: OpaquePointer
  let database: ObjectDatabase
  init(_ pointer: OpaquePointer, in database: ObjectDatabase) {
    self.pointer = pointer
    self.database = database
  }
  deinit { git_odb_object_free(pointer) }

  /// The object's bytes, borrowed from it.
  var bytes: UnsafeRawBufferPointer {
    let size = git_odb_object_size(pointer)
    guard size > 0, let data = git_odb_object_data(pointer) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: data, count: size)
  }
}

/// A `git_odb_stream` reading one object.
final class DatabaseReadStream {
  let pointer: UnsafeMutablePointer<git_odb_stream>
  let database: ObjectDatabase
  init(_ pointer: UnsafeMutablePointer<git_odb_stream>, in database: ObjectDatabase) {
    self.pointer = pointer
    self.database = database
  }
  deinit { git_odb_stream_free(pointer) }
}

/// A `git_reference`.
final class Reference {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_reference_free(pointer) }
}

/// A `git_reference_iterator`.
final class ReferenceIterator {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_reference_iterator_free(pointer) }
}

/// A `git_reflog`.
final class Reflog {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_reflog_free(pointer) }
}

/// A `git_treebuilder`.
final class TreeBuilder {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_treebuilder_free(pointer) }
}

/// A `git_signature` (a name, an email and a time).
final class Signature {
  let pointer: UnsafeMutablePointer<git_signature>
  init(_ pointer: UnsafeMutablePointer<git_signature>) { self.pointer = pointer }
  deinit { git_signature_free(pointer) }
}

/// A `git_diff`: the deltas between two sides.
final class DiffList {
  let pointer: OpaquePointer
  let repository: Repository
  init(_ pointer: OpaquePointer, in repository: Repository) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_diff_free(pointer) }
}

/// A `git_config_iterator`.
final class ConfigIterator {
  let pointer: OpaquePointer
  let config: Config
  init(_ pointer: OpaquePointer, in config: Config) {
    self.pointer = pointer
    self.config = config
  }
  deinit { git_config_iterator_free(pointer) }
}

/// A `git_buf` libgit2 fills (a config value, a commit's signature), disposed with the owner.
final class GitBuffer {
  var buffer = mlgit_buf_init()
  init() {}
  deinit { git_buf_dispose(&buffer) }

  /// A copy of the bytes.
  var data: Data {
    guard let pointer = buffer.ptr, buffer.size > 0 else { return Data() }
    return Data(bytes: pointer, count: buffer.size)
  }

  /// The bytes as text (up to the first NUL, as libgit2 terminates them).
  var string: String { buffer.ptr.map { String(cString: $0) } ?? "" }
}
