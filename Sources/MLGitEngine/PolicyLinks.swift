import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec

/// A policy file's symlink that leads to a file outside `.mlgit/`: changes there are not
/// policy changes (`policy/review` approves changes under `.mlgit/`), so it is not followed.
struct PolicyLinkOutside: MLGitError {
  var path: String
  var target: String
  var description: String {
    "symlink '\(path)' leads to '\(target)', outside .mlgit/: a policy file's link must stay under .mlgit/, "
      + "where changes need policy/review's approval"
  }
  /// A broken config.
  var exitStatus: ExitStatus { .usage }
}

extension Repository {
  /// The regular file that a policy file at `path` in `tree` stands for, with symlinks
  /// followed inside the tree as a checkout would read them (`PathResolver`): a
  /// `.mlgit/config.yml` committed as a link to `.mlgit/policies/team.yml` is that file's
  /// content, never "no config" (which would put the weaker built-in `default` pack in
  /// force). Nil when nothing is at `path` (or a folder or submodule is, with no link on
  /// the way). A link that dangles, loops, leaves the repository or leads out of
  /// `.mlgit/` throws a `PolicyLoadError` at `reportedAs`, so the config is broken, not absent.
  func policyEntry(at path: String, inTree tree: OID, reportedAs: String) throws -> TreeEntry? {
    do {
      return try policyEntry(at: path, inTree: tree)
    } catch let error as UnresolvablePath {
      throw PolicyLoadError(
        path: reportedAs,
        error: DocumentError(
          "\(error)",
          hint: "a policy file committed as a symlink must lead to a regular file under .mlgit/"))
    } catch let error as PolicyLinkOutside {
      throw PolicyLoadError(
        path: reportedAs,
        error: DocumentError(
          "\(error)",
          hint: "a policy file committed as a symlink must lead to a regular file under .mlgit/"))
    }
  }

  /// The same, throwing `UnresolvablePath` or `PolicyLinkOutside` itself.
  func policyEntry(at path: String, inTree tree: OID) throws -> TreeEntry? {
    switch try PathResolver.resolve(path, in: TreeLookup(repository: self, tree: tree)) {
    case .success(let file):
      // An edit of a target elsewhere would change the policy without policy/review.
      if !file.links.isEmpty, !EffectivePolicy.isPolicyPath(file.path) {
        throw PolicyLinkOutside(path: path, target: file.path)
      }
      return file.entry
    case .failure(let unresolvable) where unresolvable.links.isEmpty:
      return nil
    case .failure(let unresolvable):
      throw unresolvable
    }
  }
}
