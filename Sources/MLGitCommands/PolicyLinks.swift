import Foundation
import GitKit
import MLPolicy
import MLSpec

extension Repository {
  /// The regular file that a policy file at `path` in `tree` stands for, with symlinks
  /// followed inside the tree as a checkout would read them (`PathResolver`): a
  /// `.mlgit/config.yml` committed as a link to `docs/policy.yml` is that file's content,
  /// never "no config" (which would put the weaker built-in `default` pack in force).
  /// Nil when nothing is at `path` (or a folder or submodule is, with no link on the way).
  /// A link that dangles, loops or leaves the repository throws a `PolicyLoadError` at
  /// `reportedAs`, so the config is broken, not absent.
  func policyEntry(at path: String, inTree tree: OID, reportedAs: String) throws -> TreeEntry? {
    do {
      return try policyEntry(at: path, inTree: tree)
    } catch let unresolvable as UnresolvablePath {
      throw PolicyLoadError(path: reportedAs, error: DocumentError("\(unresolvable)",
        hint: "a policy file committed as a symlink must lead to a regular file inside the repository"))
    }
  }

  /// The same, throwing the `UnresolvablePath` itself.
  func policyEntry(at path: String, inTree tree: OID) throws -> TreeEntry? {
    switch try PathResolver.resolve(path, in: TreeLookup(repository: self, tree: tree)) {
    case .success(let file):
      return file.entry
    case .failure(let unresolvable) where unresolvable.links.isEmpty:
      return nil
    case .failure(let unresolvable):
      throw unresolvable
    }
  }
}
