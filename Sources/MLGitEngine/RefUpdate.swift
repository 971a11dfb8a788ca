import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// One line of a pre-push or pre-receive hook's input: a ref moving from `old` to `new`
/// (all zeros: created, or deleted).
struct RefUpdate: Equatable {
  var ref: String
  var old: OID
  var new: OID

  var isDeletion: Bool { new.isZero }
  var isCreation: Bool { old.isZero }

  /// pre-push: `<local ref> <local sha> <remote ref> <remote sha>` lines; the remote ref is the target.
  static func prePush(_ text: String) throws -> [RefUpdate] {
    try lines(text, fields: 4) { f in
      RefUpdate(ref: String(f[2]), old: try oid(f[3]), new: try oid(f[1]))
    }
  }

  /// pre-receive: `<old> <new> <ref>` lines.
  static func preReceive(_ text: String) throws -> [RefUpdate] {
    try lines(text, fields: 3) { f in
      RefUpdate(ref: String(f[2]), old: try oid(f[0]), new: try oid(f[1]))
    }
  }

  private static func lines(_ text: String, fields: Int, _ make: ([Substring]) throws -> RefUpdate) throws
    -> [RefUpdate]
  {
    try text.split(whereSeparator: \.isNewline).compactMap { line in
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      if parts.isEmpty { return nil }
      guard parts.count == fields else {
        throw CommandFailure.usage("mlgit: cannot read hook input line '\(line)': expected \(fields) fields")
      }
      return try make(parts)
    }
  }

  private static func oid(_ text: Substring) throws -> OID {
    guard let id = OID(hex: String(text)) else {
      throw CommandFailure.usage("mlgit: cannot read hook input: '\(text)' is not an object id")
    }
    return id
  }

  /// The branch a change goes to, for branch-scoped rules (nil for tags and other refs).
  var branch: String? { ref.hasPrefix("refs/heads/") ? ref : nil }
}
