import CMLGitSupport
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// What a timed program (a team's command check) leaves running outside its process
/// group: a process that called `setsid`, or moved to another group, is not reached by
/// killing the group.
///
/// While a timed program runs, mlgit is a child subreaper (Linux's
/// `PR_SET_CHILD_SUBREAPER`): a process the program started that is orphaned (its parent
/// exited or was killed) becomes a child of mlgit instead of init, whatever session or
/// group it moved to. Once the program has exited and its group is killed, every child of
/// mlgit that mlgit did not start itself is such an orphan: it is killed and reaped, and
/// so are the orphans its death makes, until none is left. Children mlgit started (git,
/// another check on another thread) are known by their process ids and left alone.
///
/// What this cannot reach: a process that leaves mlgit's descendants altogether (a job
/// handed to a service manager, `at` or cron, a login elsewhere). On systems without
/// child subreapers (macOS), only the group is killed.
extension ChildProcess {
  struct Adoption {
    /// Timed programs running now, on any thread: mlgit is a subreaper while there is one.
    var timedRuns = 0
    /// Children mlgit started and has not reaped yet.
    var started: Set<pid_t> = []
  }

  static let adoption = Mutex(Adoption())

  /// Starts adopting orphans, for a timed program about to start.
  static func beginAdopting() {
    adoption.withLock { state in
      state.timedRuns += 1
      if state.timedRuns == 1 { _ = mlgit_set_child_subreaper(1) }
    }
  }

  /// Kills and reaps every orphan adopted so far, then stops adopting unless another timed
  /// program still runs. Call once the timed program has been reaped and its group killed.
  static func endAdopting() {
    #if os(Linux)
      // A killed orphan's own children are adopted as it exits, before it can be reaped:
      // each round finds those. A bound, against a program that forks as fast as it is killed.
      for _ in 0..<100 {
        let orphans: [pid_t] = adoption.withLock { state in
          // No child running that mlgit started, and no child at all: nothing was adopted.
          // The usual case, answered without reading /proc, whose every process costs a
          // read (34 ms for a check beside 2,000 processes).
          if state.started.isEmpty && !hasChildren() { return [] }
          return children().filter { !state.started.contains($0) }
        }
        if orphans.isEmpty { break }
        for pid in orphans { kill(pid, SIGKILL) }
        for pid in orphans {
          var status: Int32 = 0
          while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
      }
    #endif
    adoption.withLock { state in
      state.timedRuns -= 1
      if state.timedRuns == 0 { _ = mlgit_set_child_subreaper(0) }
    }
  }

  /// Records a child mlgit started; `posix_spawn` runs under the same lock, so no orphan
  /// scan sees a child before it is recorded.
  static func recordingStart(_ start: () -> pid_t?) -> pid_t? {
    adoption.withLock { state in
      let pid = start()
      if let pid { state.started.insert(pid) }
      return pid
    }
  }

  /// Forgets a child mlgit started, once it has been reaped.
  static func recordReaped(_ pid: pid_t) {
    _ = adoption.withLock { $0.started.remove(pid) }
  }

  /// True when mlgit has a child, running or ended and not yet reaped (none is reaped here).
  private static func hasChildren() -> Bool {
    var info = siginfo_t()
    while waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == -1 {
      if errno != EINTR { return errno != ECHILD }
    }
    return true
  }

  /// The process ids whose parent is mlgit, from /proc (the kernel's per-thread `children`
  /// lists are not built into every kernel).
  private static func children() -> [pid_t] {
    guard let folder = opendir("/proc") else { return [] }
    defer { closedir(folder) }
    let me = getpid()
    var found: [pid_t] = []
    while let entry = readdir(folder) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      guard let pid = pid_t(name), pid != me, parent(of: pid) == me else { continue }
      found.append(pid)
    }
    return found
  }

  /// The parent process id in /proc/PID/stat: the second field after the command name,
  /// which is in parentheses and may itself hold spaces and parentheses.
  private static func parent(of pid: pid_t) -> pid_t? {
    let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard count > 0, let name = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
    let fields = buffer[(name + 1)..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 1 else { return nil }
    return pid_t(String(decoding: fields[1], as: UTF8.self))
  }
}
