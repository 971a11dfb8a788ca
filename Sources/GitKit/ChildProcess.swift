import CMLGitSupport
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// mlgit's one way to start another program: `posix_spawn`, in two forms.
///
/// - `run` (`GitCommandLine.runProgram`: git, ssh-keygen, a team's command check) collects
///   the program's output. It is read until the program itself exits, not until its pipes
///   close: a process it started in the background keeps them open as long as it likes,
///   and mlgit does not wait for it. What the program wrote before it exited is all read.
///   With a time limit, the program runs in a process group of its own; when it exits or
///   runs out of time, the whole group is killed, and so is what it started outside the
///   group (`setsid`), which mlgit adopts meanwhile (`Adoption`): nothing it started
///   outlives the check.
/// - `runOnTerminal` (`mlgit run`, `mlgit reproduce`) gives a training command the
///   terminal's streams and a process group of its own, forwards the signals mlgit
///   receives to that group, and returns what the command and its reaped descendants used.
///
/// Both: the child inherits only its standard streams (every other descriptor is closed at
/// spawn, `posix_spawn_file_actions_addclosefrom_np`), so libgit2's pack files, the
/// repository's files and lock files mlgit holds never reach the program, whichever of
/// them was opened without close-on-exec; no signal is blocked in the child, and the
/// signals mlgit ignores for itself (SIGPIPE) are back to their defaults.
///
/// swift-subprocess was considered and not taken (docs/development.md): it reaps the child
/// itself, so the usage `wait4` reports for the child and its descendants is lost, it has
/// no job control for a command on the terminal, and it is async only.
public enum ChildProcess {
  static func run(
    _ executable: String, _ arguments: [String], input: Data?, environment: [String: String]?,
    directory: String?, timeout: Double?
  ) throws -> GitCommandLine.Output {
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    var inPipe: [Int32] = [-1, -1]
    var opened: [Int32] = []
    defer { for fd in opened where fd >= 0 { close(fd) } }
    // Close-on-exec, so no other child mlgit starts meanwhile (another thread) inherits them.
    for pipeIndex in 0..<(input == nil ? 2 : 3) {
      var pair: [Int32] = [-1, -1]
      guard pipe(&pair) == 0 else {
        throw GitError(message: "cannot run \(executable): \(String(cString: strerror(errno)))")
      }
      opened += pair
      for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
      switch pipeIndex {
      case 0: outPipe = pair
      case 1: errPipe = pair
      default: inPipe = pair
      }
    }

    // Only with a time limit a group of its own: a git command without one stays in
    // mlgit's group, where the terminal's Ctrl-C reaches it. What such a program leaves
    // running outside its group is adopted, then killed once it is reaped (`Adoption`).
    let ownGroup = timeout != nil
    if ownGroup { ChildProcess.beginAdopting() }
    defer { if ownGroup { ChildProcess.endAdopting() } }
    let spawned = spawn(
      executable, arguments, environment: environment, directory: directory, ownGroup: ownGroup,
      defaultSignals: [SIGPIPE]
    ) { actions in
      if input != nil {
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
      } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
      }
      posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
      posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    }
    let pid: pid_t
    switch spawned {
    case .success(let child): pid = child
    case .failure(let error): throw GitError(message: "cannot run \(executable): \(error.reason)")
    }
    // The child's ends are its own now; the collector owns the parent's.
    for fd in [outPipe[1], errPipe[1], inPipe[0]] where fd >= 0 { close(fd) }
    opened = []
    var collector = Collector(
      out: outPipe[0], err: errPipe[0], input: input.map { [UInt8]($0) } ?? [],
      inputFD: input == nil ? -1 : inPipe[1])
    defer { collector.closeAll() }
    let deadline = timeout.map { monotonicSeconds() + $0 }
    var status: Int32 = 0
    while true {
      if ChildProcess.hasExited(pid) {
        // Everything it wrote before exiting is in the pipes: take that, then stop reading.
        collector.drain()
        if ownGroup { kill(-pid, SIGKILL) }
        status = reap(pid)
        break
      }
      if let deadline, monotonicSeconds() >= deadline {
        kill(-pid, SIGKILL)
        status = reap(pid)
        // Its output is dropped: a killed program's half-written answer is no answer.
        return GitCommandLine.Output(status: status, stdout: Data(), stderr: "", timedOut: true)
      }
      if !collector.readsOrWrites && deadline == nil {
        // Nothing left to read or write: wait for the program itself.
        status = reap(pid)
        break
      }
      var wait: Double = 0.05
      if let deadline { wait = max(0, min(wait, deadline - monotonicSeconds())) }
      collector.pump(waitingAtMost: wait)
    }
    return GitCommandLine.Output(
      status: status, stdout: Data(collector.stdout),
      stderr: String(decoding: collector.stderr, as: UTF8.self))
  }

  /// True once `pid` has ended; it stays a zombie (unreaped), so its number, and its
  /// process group's, cannot be reused before the group is killed.
  private static func hasExited(_ pid: pid_t) -> Bool {
    var info = siginfo_t()
    while waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == -1 {
      if errno != EINTR { return true }
    }
    return info.si_signo == SIGCHLD
  }

  /// Waits for `pid` and returns its exit status, or 128 + the signal that ended it (-1
  /// when it cannot be waited for).
  private static func reap(_ pid: pid_t) -> Int32 {
    var usage = rusage()
    let status = wait(for: pid, options: 0, usage: &usage)
    recordReaped(pid)
    return status.map(exitCode) ?? -1
  }

  // MARK: Shared by both forms

  /// Starts `executable` with `arguments` (`argv[0]` is `executable`), the environment given
  /// (nil: mlgit's own), in `directory`, in a process group of its own when `ownGroup`,
  /// descriptors from 3 up closed, no signal blocked, `defaultSignals` at their defaults;
  /// `fileActions` adds the standard streams' redirections. Returns the process id, or the
  /// error `posix_spawn` gave.
  static func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String]?, directory: String?,
    ownGroup: Bool, defaultSignals: [Int32], fileActions: (inout posix_spawn_file_actions_t) -> Void
  ) -> Result<pid_t, SpawnError> {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    fileActions(&actions)
    if let directory { mlgit_spawn_file_actions_addchdir(&actions, directory) }
    _ = mlgit_spawn_file_actions_addclosefrom(&actions, 3)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in defaultSignals { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if ownGroup {
      // pgid = the child's pid.
      posix_spawnattr_setpgroup(&attributes, 0)
      flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { for pointer in envp ?? [] { free(pointer) } }

    var spawned: Int32 = 0
    let started = recordingStart {
      var pid: pid_t = 0
      if let envp {
        spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
      } else {
        spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
      }
      return spawned == 0 ? pid : nil
    }
    return started.map { .success($0) } ?? .failure(SpawnError(rawValue: spawned))
  }

  /// An `errno` value from `posix_spawn`.
  struct SpawnError: Error {
    let rawValue: Int32
    /// The system's text for it.
    var reason: String { String(cString: strerror(rawValue)) }
  }

  /// `wait4`: the raw wait status of `pid`, with what it and the descendants it waited for
  /// used in `usage`; nil when `pid` cannot be waited for.
  static func wait(for pid: pid_t, options: Int32, usage: inout rusage) -> Int32? {
    var status: Int32 = 0
    while wait4(pid, &status, options, &usage) == -1 {
      if errno != EINTR { return nil }
    }
    return status
  }

  /// The exit status in a raw wait status, or 128 + the signal that ended the process.
  static func exitCode(_ status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }

  /// A monotonic clock in seconds: wall time that a change of the system clock does not bend.
  static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  /// The parent's ends of the pipes: output read and input written as each is ready, so
  /// no pipe filling up can stall both sides.
  private struct Collector {
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    var out: Int32
    var err: Int32
    var input: [UInt8]
    var inputFD: Int32
    var written = 0
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    init(out: Int32, err: Int32, input: [UInt8], inputFD: Int32) {
      (self.out, self.err, self.input, self.inputFD) = (out, err, input, inputFD)
      for fd in [out, err, inputFD] where fd >= 0 { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
      if inputFD >= 0 && input.isEmpty { closeInput() }
    }

    var readsOrWrites: Bool { out >= 0 || err >= 0 || inputFD >= 0 }

    /// Waits up to `seconds` for a pipe to be ready, then reads and writes what it can.
    mutating func pump(waitingAtMost seconds: Double) {
      var fds: [pollfd] = []
      if out >= 0 { fds.append(pollfd(fd: out, events: Int16(POLLIN), revents: 0)) }
      if err >= 0 { fds.append(pollfd(fd: err, events: Int16(POLLIN), revents: 0)) }
      if inputFD >= 0 { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
      _ = poll(&fds, nfds_t(fds.count), Int32((seconds * 1000).rounded(.up)))
      drain()
      writeInput()
    }

    /// Reads every pipe until it would block or ends.
    mutating func drain() {
      Collector.readAll(&out, into: &stdout, buffer: &buffer)
      Collector.readAll(&err, into: &stderr, buffer: &buffer)
    }

    mutating func closeAll() {
      for fd in [out, err, inputFD] where fd >= 0 { close(fd) }
      (out, err, inputFD) = (-1, -1, -1)
    }

    private static func readAll(_ fd: inout Int32, into data: inout [UInt8], buffer: inout [UInt8]) {
      guard fd >= 0 else { return }
      while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
          data += buffer[0..<count]
          continue
        }
        if count == -1 && errno == EINTR { continue }
        if count == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
        // End of file, or an error: nothing more comes from this pipe.
        close(fd)
        fd = -1
        return
      }
    }

    private mutating func writeInput() {
      while inputFD >= 0 && written < input.count {
        let count = input[written...].withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
        if count > 0 {
          written += count
        } else if count == -1 && errno == EINTR {
          continue
        } else if count == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) {
          return
        } else {
          // EPIPE: the program exited or closed its input without reading all of it.
          closeInput()
          return
        }
      }
      if inputFD >= 0 && written >= input.count { closeInput() }
    }

    private mutating func closeInput() {
      close(inputFD)
      inputFD = -1
    }
  }
}
