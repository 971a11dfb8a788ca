import GitKit

extension Workspace {
  /// True when the commit git is about to make records HEAD's own tree, so the staged
  /// change is empty and no rule has anything to judge: git runs pre-commit before it
  /// decides there is nothing to commit, and for `--allow-empty` and for a merge that brings
  /// nothing HEAD lacks. The hook then answers without building the policy's rules, its
  /// matcher and the diff. The index's cache tree tells (git keeps it whole after a checkout,
  /// a commit or a reset, and drops the root as soon as an entry changes); when it does not
  /// hold the root, or the index is one `IndexFile` does not read, this answers false and the
  /// full check runs.
  ///
  /// Not for an amended commit: it is judged against HEAD's parent, not HEAD. HEAD's policy
  /// must still load: a broken `.mlgit/config.yml` throws here as the full check throws it,
  /// staged change or not (with no `.mlgit` in HEAD the policy is the built-in pack).
  func stagesNothingOnHead() throws -> Bool {
    guard let head = try repository.headCommit(), let staged = IndexFile.cachedRootTree(path: indexPath),
      staged == (try repository.treeOf(commit: head))
    else { return false }
    if try repository.entry(at: ".mlgit", inTree: staged) != nil {
      _ = try stagedPolicy(before: head)
    }
    return true
  }
}
