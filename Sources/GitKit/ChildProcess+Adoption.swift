import CMLGitSupport
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a timed program (a team's command check) leaves running outside its process
/// group: a process that called `setsid`, or moved to another group, is not reached by
/// killing the group.
///
/// While timed programs run, mlgit is a child subreaper (Linux's
/// `PR_SET_CHILD_SUBREAPER`): a process one of them started that is orphaned (its parent
/// exited or was killed) becomes a child of mlgit instead of init, whatever session or
/// group it moved to. When the last timed program running ends (reaped, its group
/// killed), every child of mlgit that mlgit did not start is such an orphan: it is killed
/// and reaped, and so are the orphans its death makes, until none is left. Cleaning up
/// only when no timed program runs keeps one check's cleanup from killing what another
/// check, still running, has orphaned on purpose (a helper it double-forked). Children
/// mlgit started (git, a check) are known by their process ids, and children it had
/// before the first timed program (a launcher's, kept across its `exec` of mlgit) are
/// noted then; both are left alone.
///
/// What this cannot reach: a process that leaves mlgit's descendants altogether (a job
/// handed to a service manager, `at` or cron, a login elsewhere), or one mlgit may not
/// signal (another user's, after `sudo`); on systems without child subreapers (macOS),
/// only the group is killed.
extension ChildProcess {
  struct Adoption {
    /// Timed programs running now, on any thread: mlgit is a subreaper while there is one.
    var timedRuns = 0
    /// Children mlgit started and has not reaped yet, by process id (an id twice when it was
    /// reused between one thread's reaping and its record of it). A few at a time.
    var started: [Int] = []
    /// Children mlgit had before it first adopted (nil until then), and orphans it could
    /// not kill: never killed, never waited for.
    var spared: [Int]?
    /// Whether mlgit was a subreaper already (set by whoever started it): then it stays one.
    var wasSubreaper = false
  }

  static let adoption = Mutex(Adoption())

  /// Starts adopting orphans, for a timed program about to start.
  static func beginAdopting() {
    adoption.withLock { state in
      if state.spared == nil {
        state.wasSubreaper = mlgit_is_child_subreaper() != 0
        state.spared = hasChildren() ? children().filter { !state.started.contains($0) } : []
      }
      state.timedRuns += 1
      if state.timedRuns == 1 && !state.wasSubreaper { _ = mlgit_set_child_subreaper(1) }
    }
  }

  /// Ends a timed program's adoption, once it has been reaped and its group killed. The
  /// last one running kills and reaps every orphan, then stops adopting. Done under the
  /// lock, so no program starts, and no other cleanup runs, meanwhile.
  static func endAdopting() {
    adoption.withLock { state in
      if state.timedRuns == 1 { killOrphans(&state) }
      state.timedRuns -= 1
      if state.timedRuns == 0 && !state.wasSubreaper { _ = mlgit_set_child_subreaper(0) }
    }
  }

  /// Kills and reaps the orphans mlgit has adopted. A killed orphan's own children are
  /// adopted as it exits, before it can be reaped: each round finds those. Bounded, against
  /// a program that forks as fast as it is killed and a process that will not die (one
  /// stuck in the kernel is left after a second).
  private static func killOrphans(_ state: inout Adoption) {
    #if os(Linux)
      for _ in 0..<100 {
        // No child mlgit started and no child at all: nothing was adopted. The usual case,
        // answered without reading /proc, whose every process costs a read (34 ms for a
        // check beside 2,000 processes).
        if state.started.isEmpty && !hasChildren() { return }
        let spared = state.spared ?? []
        let orphans = children().filter { !state.started.contains($0) && !spared.contains($0) }
        if orphans.isEmpty { return }
        var dying: [pid_t] = []
        for pid in orphans {
          if kill(pid_t(pid), SIGKILL) == 0 {
            dying.append(pid_t(pid))
          } else {
            state.spared?.append(pid)
          }
        }
        let deadline = monotonicSeconds() + 1
        while !dying.isEmpty {
          var status: Int32 = 0
          dying.removeAll { waitpid($0, &status, WNOHANG) != 0 }
          if dying.isEmpty { break }
          if monotonicSeconds() >= deadline {
            state.spared? += dying.map { Int($0) }
            break
          }
          usleep(1_000)
        }
      }
    #endif
  }

  /// Records a child mlgit started; `posix_spawn` runs under the same lock, so no orphan
  /// scan sees a child before it is recorded.
  static func recordingStart(_ start: () -> pid_t?) -> pid_t? {
    adoption.withLock { state in
      let pid = start()
      if let pid { state.started.append(Int(pid)) }
      return pid
    }
  }

  /// Forgets a child mlgit started, once it has been reaped (or cannot be waited for).
  static func recordReaped(_ pid: pid_t) {
    adoption.withLock { state in
      if let index = state.started.firstIndex(of: Int(pid)) { state.started.remove(at: index) }
    }
  }

  /// True when mlgit has a child, running or ended and not yet reaped (none is reaped here).
  private static func hasChildren() -> Bool {
    var info = siginfo_t()
    while waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == -1 {
      if errno != EINTR { return errno != ECHILD }
    }
    return true
  }

  /// The process ids whose parent is mlgit (`mlgit_children_of`, which reads /proc).
  private static func children() -> [Int] {
    var room = 64
    while true {
      var found = [pid_t](repeating: 0, count: room)
      let count = Int(mlgit_children_of(getpid(), &found, Int32(room)))
      if count < 0 { return [] }
      if count <= room { return found[0..<count].map { Int($0) } }
      room = count + 64
    }
  }
}
