import CMLGitSupport
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

extension ChildProcess {
  /// How a command run on the terminal ended, and what it used.
  public struct TerminalOutcome: Sendable {
    /// The exit status, or 128 + the signal that ended the command.
    public var status: Int32
    /// The signal that ended the command; nil when it exited.
    public var signal: Int32?
    /// The signal (SIGINT, SIGTERM, SIGHUP) mlgit received and forwarded while the command
    /// ran; nil when none came.
    public var forwarded: Int32?
    /// True when the command had the terminal (mlgit was the shell's foreground job), so
    /// Ctrl-C and Ctrl-\ reached it directly rather than through mlgit.
    public var hadTerminal: Bool
    /// From start to reaping, on a monotonic clock.
    public var wallSeconds: Double
    /// CPU time of the command and every descendant it (or they) waited for (`wait4`).
    public var userSeconds: Double
    public var systemSeconds: Double
    /// The largest peak resident set among those processes, in bytes.
    public var peakRSSBytes: Int64
  }

  /// Runs `command` (found on PATH by `/usr/bin/env`, or a path from `directory`) with the
  /// terminal's streams, in a process group of its own.
  ///
  /// A group of its own, so that a signal meant for the run reaches everything the
  /// command started (a shell script's children, a data loader's workers), not only its
  /// first process: SIGINT, SIGTERM and SIGHUP sent to mlgit are forwarded to the whole
  /// group, and mlgit waits for the command to end. When mlgit owns the terminal (the
  /// shell's foreground job), the terminal is handed to the command's group while it
  /// runs, as a shell does for a job: Ctrl-C then reaches the command directly, and a
  /// command that reads the terminal can. Ctrl-Z stops the command; mlgit takes the
  /// terminal back and stops too, and `fg` resumes both. Throws `GitError` when the
  /// command cannot be started.
  public static func runOnTerminal(_ command: [String], in directory: String) throws -> TerminalOutcome {
    // Whatever mlgit printed comes before the command's output.
    fflush(mlgit_standard_output())
    let terminal = STDIN_FILENO
    let ownsTerminal = isatty(terminal) == 1 && tcgetpgrp(terminal) == getpgrp()

    mlgit_forward_signals_begin()
    let start = monotonicSeconds()
    // The terminal's job-control signals too: a command that reads the terminal from the
    // background stops, as a shell's job does.
    let spawned = spawn(
      "/usr/bin/env", command, environment: nil, directory: directory, ownGroup: true,
      defaultSignals: [SIGPIPE, SIGTTOU, SIGTTIN, SIGTSTP]
    ) { _ in }
    let pid: pid_t
    switch spawned {
    case .success(let child): pid = child
    case .failure(let error):
      _ = mlgit_forward_signals_end()
      throw GitError(message: "cannot run \(command.first ?? "") in \(directory): \(error.reason)")
    }
    mlgit_forward_signals_to(pid)
    if ownsTerminal { handTerminal(to: pid) }

    // wait4, not waitpid: the usage it returns for the command includes that of every
    // descendant the command (or its descendants) waited for, and the largest peak RSS
    // among them. mlgit's own RUSAGE_CHILDREN would mix in every other child mlgit reaped.
    var usage = rusage()
    var status: Int32 = 0
    while let waited = wait(for: pid, options: ownsTerminal ? WUNTRACED : 0, usage: &usage) {
      status = waited
      // Stopped (Ctrl-Z, or SIGTTIN): take the terminal back and stop mlgit too, so the
      // shell sees its job stop; when continued, give the terminal back and resume.
      guard status & 0xff == 0x7f else { break }
      handTerminal(to: getpgrp())
      kill(getpid(), SIGSTOP)
      if tcgetpgrp(terminal) == getpgrp() { handTerminal(to: pid) }
      kill(-pid, SIGCONT)
    }
    recordReaped(pid)
    let wall = monotonicSeconds() - start
    if ownsTerminal { handTerminal(to: getpgrp()) }
    let received = mlgit_forward_signals_end()
    let termination = status & 0x7f
    return TerminalOutcome(
      status: exitCode(status), signal: termination == 0 ? nil : termination,
      forwarded: received == 0 ? nil : received, hadTerminal: ownsTerminal,
      wallSeconds: wall, userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
      peakRSSBytes: peakBytes(usage.ru_maxrss))
  }

  private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

  /// `ru_maxrss` in bytes: Linux counts it in KiB, macOS in bytes.
  private static func peakBytes(_ maxrss: Int) -> Int64 {
    #if os(macOS)
      return Int64(maxrss)
    #else
      return Int64(maxrss) * 1024
    #endif
  }

  /// Makes `group` the terminal's foreground process group. SIGTTOU is blocked meanwhile:
  /// taking the terminal back from the command's group is done from the background.
  private static func handTerminal(to group: pid_t) {
    var block = sigset_t()
    var previous = sigset_t()
    sigemptyset(&block)
    sigaddset(&block, SIGTTOU)
    pthread_sigmask(SIG_BLOCK, &block, &previous)
    tcsetpgrp(STDIN_FILENO, group)
    pthread_sigmask(SIG_SETMASK, &previous, nil)
  }
}
