import FoundationEssentials
import GitKit
import MLPolicy

/// The time a history check (`mlgit check --range`, `--all`, commits named, `mlgit audit`)
/// judges a commit's evidence ages at (`runs/stale`): the commit's own time, so a version
/// that was fresh when it was committed does not read as stale years later.
///
/// A commit's time is the later of its committer date and the times of its parents. The
/// committer date is whatever the committer wrote, so it alone would let a forged old date
/// make a stale version look fresh; a commit cannot be judged earlier than the history it
/// builds on, and that history reached the branch through the hooks, which judge as of
/// the clock. Never later than the check's clock (`EvidenceClock`): a date in the future
/// would let future-dated runs count. The `pre-commit`, `pre-push` and `pre-receive`
/// judgements do not use it: they judge as of the clock.
struct CommitClock {
  /// The times of the commits met so far; a history walk meets parents before children.
  private var times: [OID: Int64] = [:]

  /// `commit`'s time, remembered for its children. A parent not met in this walk (the
  /// range's base, a commit named alone) counts with its committer date.
  mutating func time(of commit: CommitInfo, in repository: Repository) -> Int64 {
    var time = commit.committer.time
    for parent in commit.parents {
      if let known = times[parent] {
        time = max(time, known)
      } else if let info = try? repository.commit(parent) {
        time = max(time, info.committer.time)
      }
    }
    times[commit.id] = time
    return time
  }
}

extension PolicyContext {
  /// Judges as of `time` (seconds since 1970), or leaves the check's clock when that is
  /// earlier.
  mutating func judge(asOf time: Int64) {
    let commitTime = Date(timeIntervalSince1970: TimeInterval(time))
    if commitTime < now {
      now = commitTime
      clockIsCommitTime = true
    }
  }
}
