import FoundationEssentials
import GitKit
import MLPolicy

/// The push pre-commit (the framework) describes to its pre-push hooks: it reads git's
/// ref lines itself and passes the first ref with new commits as PRE_COMMIT_* variables.
struct PreCommitPush {
  let remote: String
  let update: RefUpdate

  /// `resolve` finds the local ref's commit when pre-commit names no TO_REF (a push of a
  /// history the remote has none of, for which pre-commit checks "all files").
  init?(environment: [String: String], resolve: (String) -> OID?) {
    guard let remote = environment["PRE_COMMIT_REMOTE_NAME"], let ref = environment["PRE_COMMIT_REMOTE_BRANCH"],
      let to = environment["PRE_COMMIT_TO_REF"].flatMap({ OID(hex: $0) })
        ?? environment["PRE_COMMIT_LOCAL_BRANCH"].flatMap(resolve)
    else { return nil }
    self.remote = remote
    // Taken as a new ref: mlgit then checks every commit the remote's tracking refs lack,
    // which covers whatever pre-commit's FROM_REF stood for.
    update = RefUpdate(ref: ref, old: OID.zero, new: to)
  }
}
