import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// One commit as a history check judged it.
struct JudgedCommit {
  var commit: CommitInfo
  /// Its change against its first parent, limited to what the policy looks at.
  var change: ChangeSet
  var findings: [Finding]
  /// What the rules saw besides the change: the policy in force, the branch, the
  /// approvals (so a report can ask `ReviewRequirement` exactly what the rules asked).
  var context: PolicyContext
  /// The first parent's tree (nil: a root commit): where `.mlgit/allowed_signers` is read.
  var baseTree: OID?
}
