import ArgumentParser
import Foundation
import GitKit
import MLPolicy
import MLSpec

/// Exit statuses, as PRODUCT.md defines them.
public enum ExitStatus: Int32 {
  case ok = 0
  /// Policy errors were found.
  case findings = 1
  /// Bad usage, bad config or malformed input that stops the check.
  case usage = 2
  /// git or system failure.
  case system = 3
}

/// An error that ends the command with a message and a specific exit status.
struct CommandFailure: Error, CustomStringConvertible {
  var status: ExitStatus
  var message: String
  var description: String { message }

  static func usage(_ message: String) -> CommandFailure { CommandFailure(status: .usage, message: message) }
  static func system(_ message: String) -> CommandFailure { CommandFailure(status: .system, message: message) }
}

/// The root `mlgit` command.
public struct MLGit: ParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "mlgit",
    abstract: "Keep machine-learning model changes honest with git hooks.",
    version: version,
    subcommands: [
      InstallCommand.self, UninstallCommand.self, CheckCommand.self, HookCommand.self,
      PolicyCommand.self, DoctorCommand.self, RunCommand.self, RunsCommand.self, SyncCommand.self,
      ReproduceCommand.self, ImportCommand.self, ReviewCommand.self, AuditCommand.self, ScoreCommand.self,
      GenerateManualCommand.self,
    ])

  public init() {}
}

/// The process entry point: runs the command and maps every error to PRODUCT.md's exit statuses.
public enum MLGitMain {
  public static func main(_ arguments: [String]? = nil) -> Never {
    setvbuf(stdout, nil, _IOFBF, 1 << 16)
    // Writing to a pipe whose reader has gone (a child process that exited early, or
    // `mlgit … | head`) must be an error to handle, not a signal that kills mlgit.
    signal(SIGPIPE, SIG_IGN)
    StandardOutput.prepareDescriptors()
    // `mlgit --version` answers before the command-line parser is built: building it scans
    // the runtime's protocol conformances, over half of the instructions the answer cost.
    if (arguments ?? Array(CommandLine.arguments.dropFirst())) == ["--version"] {
      print(MLGit.version)
      StandardOutput.flush()
      exit(0)
    }
    TeamRule.commandRunner = ProcessTeamCommandRunner()
    do {
      var command = try hookFastPath(arguments) ?? MLGit.parseAsRoot(arguments)
      warnIfHooksDropped(command)
      try command.run()
      StandardOutput.flush()
      exit(0)
    } catch let failure as CommandFailure {
      finish(failure.message, failure.status)
    } catch let code as ExitCode {
      StandardOutput.flush()
      exit(code.rawValue)
    } catch let error as PolicyLoadError {
      finish(error.description, .usage)
    } catch let error as BrokenPolicy {
      finish(error.description, .usage)
    } catch let error as DocumentError {
      finish("error: \(error.message)", .usage)
    } catch let error as RunRecordError {
      finish("mlgit: error: \(error.message)", .usage)
    } catch let error as GitError {
      finish("mlgit: \(error.message)", .system)
    } catch {
      let code = MLGit.exitCode(for: error)
      if code == .success {
        print(MLGit.fullMessage(for: error))
        StandardOutput.flush()
        exit(0)
      }
      let message = MLGit.fullMessage(for: error)
      // ArgumentParser's usage errors (64) become PRODUCT.md's 2.
      finish(message, code == .validationFailure || code.rawValue == 64 ? .usage : (code == .failure ? .usage : .system))
    }
  }

  /// `mlgit hook NAME ARGS…` runs on every commit and push: skip ArgumentParser's
  /// generic parsing (a few milliseconds of runtime type lookups) for it.
  static func hookFastPath(_ arguments: [String]?) -> ParsableCommand? {
    let args = arguments ?? Array(CommandLine.arguments.dropFirst())
    guard args.count >= 2, args[0] == "hook", !args[1].hasPrefix("-"), !args.contains("--help"), !args.contains("-h")
    else { return nil }
    var command = HookCommand()
    command.name = args[1]
    command.hookArguments = Array(args.dropFirst(2))
    return command
  }

  /// Every command but those that manage or are the hooks says when mlgit's check stopped running.
  static func warnIfHooksDropped(_ command: ParsableCommand) {
    if command is InstallCommand || command is UninstallCommand || command is DoctorCommand || command is HookCommand
      || command is GenerateManualCommand
    { return }
    guard let workspace = try? Workspace.open() else { return }
    InstallHealth.warn(repository: workspace.repository)
  }

  static func finish(_ message: String, _ status: ExitStatus) -> Never {
    StandardOutput.flush()
    // Error messages quote keys, paths and names from the repository.
    let message = TerminalText.escape(message, keepingNewlines: true)
    if !message.isEmpty { StandardError.write(message.hasSuffix("\n") ? message : message + "\n") }
    exit(status.rawValue)
  }
}

/// Values left for the process's exit to free, as git's UNLEAK does: a history's worth
/// of reports and caches would otherwise be freed object by object after the work is done.
enum KeptUntilExit {
  private static let lock = NSLock()
  private static var values: [Any] = []

  static func keep(_ value: Any) {
    lock.lock()
    values.append(value)
    lock.unlock()
  }
}

/// Writes a line to standard error.
func printError(_ text: String) {
  StandardError.write(TerminalText.escape(text, keepingNewlines: true) + "\n")
}
