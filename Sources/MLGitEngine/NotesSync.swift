import FoundationEssentials
import MLGitErrors
import GitKit
import MLPolicy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fetch-merge-push of `refs/notes/mlgit/*` against one remote.
public struct NotesSync {
  let repository: Repository
  /// Set in the environment of the `git push` sync makes, so the pre-push hook it
  /// triggers does not sync again.
  static let guardVariable = "MLGIT_SYNC_ACTIVE"
  static let notesPrefix = "refs/notes/mlgit/"
  var maxAttempts = 6
  public init(repository: Repository, maxAttempts: Int = 6) {
    self.repository = repository
    self.maxAttempts = maxAttempts
  }

  var git: GitCommandLine { GitCommandLine(directory: repository.workingDirectory ?? repository.gitDirectory) }

  /// The current branch's remote (`branch.<name>.remote`), else `origin`.
  public func defaultRemote() throws -> String {
    if let branch = repository.headBranch(), branch.hasPrefix("refs/heads/") {
      let name = String(branch.dropFirst("refs/heads/".count))
      if let remote = try repository.config().string("branch.\(name).remote"), !remote.isEmpty, remote != "." {
        return remote
      }
    }
    return "origin"
  }

  /// Where a remote's notes are fetched to: a private namespace, never `refs/notes/`.
  func privatePrefix(_ remote: String) -> String {
    let safe = String(remote.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    return "refs/mlgit/sync/\(safe)/"
  }

  /// Syncs and says what happened.
  public func sync(remote: String) throws -> String {
    let tracking = privatePrefix(remote)
    for attempt in 1...maxAttempts {
      // A forced update, but of mlgit's private copy only: the remote's ledger as it is now.
      let fetch = try git.run([
        "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote,
        "+\(NotesSync.notesPrefix)*:\(tracking)*",
      ])
      guard fetch.status == 0 else {
        throw CommandFailure.system(
          "mlgit: cannot fetch notes from \(remote): \(fetch.stderr.trimmingWhitespaceAndNewlines())")
      }
      var fetched: [(name: String, tip: OID)] = []
      for trackingRef in try repository.referenceNames(matching: tracking + "*") {
        let name = String(trackingRef.dropFirst(tracking.count))
        guard let theirs = try repository.referenceTarget(trackingRef) else { continue }
        // Checked before anything is merged: a ref that git notes did not write is named,
        // not reported as libgit2's "object is no commit object".
        let kind = try repository.objectKind(theirs) ?? "missing object"
        guard kind == "commit" else {
          let ref = NotesSync.notesPrefix + name
          throw CommandFailure.system(
            """
            mlgit: cannot sync \(ref) with \(remote): \(remote)'s \(ref) points at a \(kind) (\(theirs.short)), not a notes \
            commit; nothing was merged or pushed. Whoever maintains \(remote) can restore it from its reflog, or \
            delete it (git push \(remote) :\(ref)) and run `mlgit sync` again to push the local notes
            """)
        }
        fetched.append((name, theirs))
      }
      var merged: [String] = []
      var remoteTips: [String: OID] = [:]
      for (name, theirs) in fetched {
        remoteTips[name] = theirs
        let ledger = NotesLedger(repository: repository, ref: NotesSync.notesPrefix + name)
        switch try ledger.merge(notesCommit: theirs) {
        case .upToDate: break
        case .fastForward: merged.append("\(name) (fast-forward)")
        case .merged: merged.append("\(name) (merged)")
        }
      }
      var specs: [String] = []
      for ref in try repository.referenceNames(matching: NotesSync.notesPrefix + "*") {
        let name = String(ref.dropFirst(NotesSync.notesPrefix.count))
        guard let local = try repository.referenceTarget(ref), remoteTips[name] != local else { continue }
        specs.append("\(ref):\(ref)")  // no '+': the remote only ever moves forward
      }
      if specs.isEmpty {
        return merged.isEmpty
          ? "notes up to date with \(remote)"
          : "merged \(merged.joined(separator: ", ")) from \(remote); nothing to push"
      }
      let push = try git.run(
        ["push", "--quiet", "--porcelain", remote] + specs, environment: [NotesSync.guardVariable: "1"])
      if push.status == 0 {
        let pushed = specs.map { String($0.split(separator: ":")[0].dropFirst(NotesSync.notesPrefix.count)) }
        return (merged.isEmpty ? "" : "merged \(merged.joined(separator: ", ")); ")
          + "pushed \(pushed.joined(separator: ", ")) to \(remote)"
      }
      let text = push.text + push.stderr
      let raced =
        text.contains("non-fast-forward") || text.contains("fetch first") || text.contains("rejected")
        || text.contains("failed to update ref") || text.contains("cannot lock ref")
      guard raced, attempt < maxAttempts else {
        throw CommandFailure.system(
          "mlgit: cannot push notes to \(remote): \(push.stderr.trimmingWhitespaceAndNewlines())")
      }
      // The remote moved while we merged: fetch and merge again.
      usleep(UInt32.random(in: 20_000...UInt32(60_000 * attempt)))
    }
    throw CommandFailure.system("mlgit: notes on \(remote) kept moving; run `mlgit sync` again")
  }

  /// The pre-push hook's opt-in sync (`sync_on_push: true`). Never recurses (the push
  /// sync makes carries `MLGIT_SYNC_ACTIVE`), and never blocks the user's push.
  static func onPush(workspace: Workspace, remote: String) {
    guard workspace.environment[guardVariable] == nil, !remote.isEmpty else { return }
    do {
      let head = try workspace.repository.headCommit()
      guard try workspace.policy(before: head).syncOnPush else { return }
      let summary = try NotesSync(repository: workspace.repository).sync(remote: remote)
      printError("mlgit: \(summary)")
    } catch {
      printError("mlgit: warning: notes not synced with \(remote): \(error); run `mlgit sync \(remote)`")
    }
  }
}
