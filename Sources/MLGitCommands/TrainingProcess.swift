import CMLGitSupport
import Foundation
import Glibc
import MLPolicy

/// Runs a training command with the terminal's streams, in a process group of its own.
///
/// A group of its own, so that a signal meant for the run reaches everything the
/// command started (a shell script's children, a data loader's workers), not only its
/// first process: SIGINT, SIGTERM and SIGHUP sent to mlgit are forwarded to the whole
/// group, mlgit waits for the command to end, and the caller records the run as
/// interrupted. When mlgit owns the terminal (the shell's foreground job), the terminal
/// is handed to the command's group while it runs, as a shell does for a job: Ctrl-C
/// then reaches the command directly, and a command that reads the terminal can.
/// Ctrl-Z stops the command; mlgit takes the terminal back and stops too, and `fg`
/// resumes both. A command ended there by Ctrl-C (SIGINT) or Ctrl-\ (SIGQUIT) counts as
/// interrupted too.
enum TrainingProcess {
  /// How a training command ended.
  struct Outcome {
    /// The exit status, or 128 + the signal that ended the command.
    var status: Int32
    /// The signal (SIGINT, SIGTERM, SIGHUP) mlgit received and forwarded while the command
    /// ran; nil when none came.
    var interruption: Int32?
    /// What the command and its reaped descendants used, from the kernel (`RunResources`
    /// says exactly what each number counts).
    var resources: RunResources
  }

  static func run(_ command: [String], in directory: String) throws -> Outcome {
    fflush(StandardOutput.stream)
    // /usr/bin/env finds the command on PATH (or runs ./train.sh from `directory`).
    let arguments = ["/usr/bin/env"] + command
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    mlgit_spawn_file_actions_addchdir(&actions, directory)
    // Only the terminal's streams: libgit2's pack files, the repository's files and lock
    // files mlgit holds open are not the command's to read or keep open.
    _ = mlgit_spawn_file_actions_addclosefrom(&actions, 3)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group (pgid = its pid), no blocked signals, and the signals mlgit
    // ignores for itself (SIGPIPE) back to their defaults.
    posix_spawnattr_setpgroup(&attributes, 0)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGTTOU, SIGTTIN, SIGTSTP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let terminal = STDIN_FILENO
    let ownsTerminal = isatty(terminal) == 1 && tcgetpgrp(terminal) == getpgrp()

    mlgit_forward_signals_begin()
    var pid: pid_t = 0
    let start = monotonicSeconds()
    let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, &argv, environ)
    guard spawned == 0 else {
      _ = mlgit_forward_signals_end()
      throw CommandFailure.system(
        "mlgit: cannot run \(command.first ?? "") in \(directory): \(String(cString: strerror(spawned)))")
    }
    mlgit_forward_signals_to(pid)
    if ownsTerminal { handTerminal(to: pid) }

    var status: Int32 = 0
    // wait4, not waitpid: the usage it returns for the command includes that of every
    // descendant the command (or its descendants) waited for, and the largest peak RSS
    // among them. mlgit's own RUSAGE_CHILDREN would mix in every other child mlgit reaped.
    var usage = rusage()
    while true {
      let waited = wait4(pid, &status, ownsTerminal ? WUNTRACED : 0, &usage)
      if waited == -1 {
        if errno == EINTR { continue }
        break
      }
      // Stopped (Ctrl-Z, or SIGTTIN): take the terminal back and stop mlgit too, so the
      // shell sees its job stop; when continued, give the terminal back and resume.
      if status & 0xff == 0x7f {
        handTerminal(to: getpgrp())
        kill(getpid(), SIGSTOP)
        if tcgetpgrp(terminal) == getpgrp() { handTerminal(to: pid) }
        kill(-pid, SIGCONT)
        continue
      }
      break
    }
    let wall = monotonicSeconds() - start
    if ownsTerminal { handTerminal(to: getpgrp()) }
    let received = mlgit_forward_signals_end()
    let resources = RunResources(
      wallSeconds: wall, userSeconds: seconds(usage.ru_utime),
      systemSeconds: seconds(usage.ru_stime), peakRSSBytes: peakBytes(usage.ru_maxrss))

    let code: Int32
    let termination = status & 0x7f
    if termination == 0 {
      code = (status >> 8) & 0xff
    } else {
      code = 128 + termination
    }
    if received != 0 { return Outcome(status: code, interruption: received, resources: resources) }
    // With the terminal handed over, Ctrl-C and Ctrl-\ reach the command, not mlgit: a
    // command ended by the terminal's interrupt or quit signal was interrupted there.
    if ownsTerminal && (termination == SIGINT || termination == SIGQUIT) {
      return Outcome(status: code, interruption: termination, resources: resources)
    }
    return Outcome(status: code, interruption: nil, resources: resources)
  }

  /// A monotonic clock in seconds: wall time that a change of the system clock does not bend.
  static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

  /// `ru_maxrss` in bytes: Linux counts it in KiB, macOS in bytes.
  static func peakBytes(_ maxrss: Int) -> Int64 {
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

  /// "SIGTERM", "SIGINT", "SIGHUP", or "signal N".
  static func name(ofSignal signal: Int32) -> String {
    switch signal {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    case SIGQUIT: return "SIGQUIT"
    default: return "signal \(signal)"
    }
  }

  /// The command as a shell would read it back.
  static func display(_ command: [String]) -> String {
    command.map { arg in
      if !arg.isEmpty, arg.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return arg }
      return "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }
}
