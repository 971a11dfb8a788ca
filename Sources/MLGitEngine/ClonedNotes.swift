import FoundationEssentials
import MLGitErrors
import GitKit

/// `git clone` does not fetch `refs/notes/*`, so a fresh clone (a CI job's) has no
/// approvals or runs, and every approved change would read as unapproved. Before a history
/// check or `review status`, mlgit fetches the notes refs the clone lacks from its remote,
/// and says so; when it cannot, it says that approvals could not be read and how to fetch
/// them. Notes refs the clone has are never touched (`mlgit sync` merges those).
enum ClonedNotes {
  static let prefix = "refs/notes/mlgit/"

  static func ensure(_ repository: Repository) {
    guard !repository.isBare, let workTree = repository.workingDirectory else { return }
    let git = GitCommandLine(directory: workTree)
    // Never a credentials prompt from a check: a remote that needs one is reported instead.
    let env = ["GIT_DIR": repository.gitDirectory, "GIT_TERMINAL_PROMPT": "0"]
    guard let localOutput = try? git.run(["for-each-ref", "--format=%(refname)", prefix], environment: env),
      localOutput.status == 0
    else { return }
    let local = Set(localOutput.text.split(separator: "\n").map(String.init))
    // A clone that has mlgit's approvals already keeps them as they are.
    if local.contains(prefix + "reviews") { return }
    guard let remote = remoteName(repository) else { return }
    let fetchCommand = "git fetch \(remote) '\(prefix)*:\(prefix)*'"
    guard let listing = try? git.run(["ls-remote", remote, prefix + "*"], environment: env), listing.status == 0 else {
      warn("this clone has no \(prefix)reviews, and \(remote) could not be asked for it", fetchCommand)
      return
    }
    let remoteRefs = listing.text.split(separator: "\n").compactMap { line in
      line.split(separator: "\t").last.map(String.init)
    }.filter { $0.hasPrefix(prefix) && !local.contains($0) }
    guard !remoteRefs.isEmpty else { return }
    let refspecs = remoteRefs.map { "\($0):\($0)" }
    guard let fetch = try? git.run(["fetch", "--quiet", "--no-tags", remote] + refspecs, environment: env),
      fetch.status == 0
    else {
      warn("fetching \(remoteRefs.joined(separator: ", ")) from \(remote) failed", fetchCommand)
      return
    }
    printError(
      "mlgit: fetched \(remoteRefs.joined(separator: ", ")) from \(remote): this clone had no approvals or runs, which live in git notes (\(fetchCommand))"
    )
  }

  static func warn(_ what: String, _ command: String) {
    printError(
      """
      mlgit: WARNING: approvals could not be read: \(what); changes that were approved are reported as unapproved.
      mlgit: fetch them with `\(command)` (or `mlgit sync`), then check again
      """)
  }

  /// The remote approvals come from: the checked-out branch's, else `origin`, else the only one.
  static func remoteName(_ repository: Repository) -> String? {
    guard let config = try? repository.config(), let remotes = try? config.remoteNames(), !remotes.isEmpty else {
      return nil
    }
    if let branch = repository.headBranch()?.replacingEvery("refs/heads/", with: ""),
      let remote = try? config.string("branch.\(branch).remote"), remotes.contains(remote)
    {
      return remote
    }
    if remotes.contains("origin") { return "origin" }
    return remotes.count == 1 ? remotes[0] : nil
  }
}
