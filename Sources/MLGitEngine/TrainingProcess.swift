import FoundationEssentials
import MLGitErrors
import GitKit
import Glibc
import MLPolicy

/// A training command as `mlgit run` and `mlgit reproduce` run it: on the terminal, in a
/// process group of its own, signals forwarded (`ChildProcess.runOnTerminal` says how),
/// and what it used read back as the run's `RunResources`. A command ended by a signal
/// mlgit forwarded, or by the terminal's Ctrl-C (SIGINT) or Ctrl-\ (SIGQUIT) while it had
/// the terminal, was interrupted: the caller records the run so.
enum TrainingProcess {
  /// How a training command ended.
  struct Outcome {
    /// The exit status, or 128 + the signal that ended the command.
    var status: Int32
    /// The signal that interrupted the command; nil when none did.
    var interruption: Int32?
    /// What the command and its reaped descendants used, from the kernel (`RunResources`
    /// says exactly what each number counts).
    var resources: RunResources
  }

  static func run(_ command: [String], in directory: String) throws -> Outcome {
    let ended: ChildProcess.TerminalOutcome
    do {
      ended = try ChildProcess.runOnTerminal(command, in: directory)
    } catch let error as GitError {
      throw CommandFailure.system("mlgit: \(error.message)")
    }
    let resources = RunResources(
      wallSeconds: ended.wallSeconds, userSeconds: ended.userSeconds, systemSeconds: ended.systemSeconds,
      peakRSSBytes: ended.peakRSSBytes)
    var interruption = ended.forwarded
    // With the terminal handed over, Ctrl-C and Ctrl-\ reach the command, not mlgit: a
    // command ended by the terminal's interrupt or quit signal was interrupted there.
    if interruption == nil, ended.hadTerminal, let signal = ended.signal, signal == SIGINT || signal == SIGQUIT {
      interruption = signal
    }
    return Outcome(status: ended.status, interruption: interruption, resources: resources)
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
      return "'" + arg.replacingEvery("'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }
}
