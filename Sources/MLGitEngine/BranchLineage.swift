import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// The branch a history check's commits go to, at its value before them: what the
/// branch has in force, which no commit may weaken by where it comes from.
struct BranchBase: Sendable {
  /// The branch (`refs/heads/main`), or a revision for `check --range`.
  var name: String
  /// Its value before the push (the range's base).
  var commit: OID
}

/// Which commits of a walk descend from the branch's old value. Their parents' policies
/// are the branch's own, reached through commits this check judges (a change under
/// `.mlgit/` among them needs approval by the policy before it); the policy of any
/// other parent (a rewritten history, a foreign root, a branch forked before a policy
/// change) is not in force on the branch, so the branch's is applied too.
struct BranchLineage {
  let base: BranchBase
  /// The commits of the walk: a parent outside it is hidden (already on the receiving side).
  let walked: Set<OID>
  private var descendants: Set<OID> = []
  private var outside: [OID: Bool] = [:]

  init(base: BranchBase, walked: Set<OID>) {
    self.base = base
    self.walked = walked
  }

  /// The parents of `commit` (met parents before children) that are neither the base
  /// nor descend from it; records whether `commit` itself descends from it.
  mutating func untrustedParents(of commit: CommitInfo, in repository: Repository) throws -> [OID] {
    var untrusted: [OID] = []
    for parent in commit.parents {
      if parent == base.commit || descendants.contains(parent) { continue }
      if !walked.contains(parent), repository.contains(parent) {
        // A hidden parent (on another ref the receiving side has) may still descend from the base.
        let known = try outside[parent] ?? repository.isDescendant(parent, of: base.commit)
        outside[parent] = known
        if known { continue }
      }
      untrusted.append(parent)
    }
    if untrusted.count < commit.parents.count { descendants.insert(commit.id) }
    return untrusted
  }
}
