import ArgumentParser
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import MLGitEngine
import MLGitErrors
import MLPolicy

/// The root `mlgit` command.
public struct MLGit: ParsableCommand {
  public static let version = MLGitVersion.current

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
    setvbuf(StandardOutput.stream, nil, _IOFBF, 1 << 16)
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
    var command: ParsableCommand
    do {
      command = try hookFastPath(arguments) ?? MLGit.parseAsRoot(arguments)
    } catch {
      finish(parsingEnding(for: error))
    }
    warnIfHooksDropped(command)
    do {
      try command.run()
    } catch {
      finish(ending(for: error))
    }
    StandardOutput.flush()
    exit(0)
  }

  /// How a command ends: its exit status and the text it prints last (on standard error,
  /// or standard output for help asked for).
  struct Ending: Equatable {
    var status: Int32
    var message: String
    var toStandardOutput = false
  }

  /// The ending for an error thrown while the command line is parsed (and validated):
  /// `--help` prints on standard output and succeeds; anything else is bad usage (2).
  static func parsingEnding(for error: Error) -> Ending {
    let code = MLGit.exitCode(for: error)
    if code == .success { return Ending(status: 0, message: MLGit.fullMessage(for: error), toStandardOutput: true) }
    return Ending(status: ExitStatus.usage.rawValue, message: MLGit.fullMessage(for: error))
  }

  /// The ending for an error thrown by a running command: an `MLGitError` carries its
  /// status and message; `ExitCode` is a status already reported; ArgumentParser's own
  /// (`mlgit install --help` runs a help command that throws the help) print the help and
  /// succeed, or are bad usage (2); any other error (from Foundation or the system: a file
  /// that cannot be written, a folder that cannot be made) is a system failure (3).
  static func ending(for error: Error) -> Ending {
    switch error {
    case let error as MLGitError:
      return Ending(status: error.exitStatus.rawValue, message: error.report)
    case let code as ExitCode:
      return Ending(status: code.rawValue, message: "")
    default:
      // ArgumentParser answers `.failure` for every error it does not know.
      let code = MLGit.exitCode(for: error)
      if code == .success { return Ending(status: 0, message: MLGit.fullMessage(for: error), toStandardOutput: true) }
      if code == .validationFailure {
        return Ending(status: ExitStatus.usage.rawValue, message: MLGit.fullMessage(for: error))
      }
      return Ending(status: ExitStatus.system.rawValue, message: "mlgit: error: \(SystemErrorText.describe(error))")
    }
  }

  static func finish(_ ending: Ending) -> Never {
    if ending.toStandardOutput {
      print(ending.message)
      StandardOutput.flush()
      exit(ending.status)
    }
    StandardOutput.flush()
    // Error messages quote keys, paths and names from the repository.
    let message = TerminalText.escape(ending.message, keepingNewlines: true)
    if !message.isEmpty { StandardError.write(message.hasSuffix("\n") ? message : message + "\n") }
    exit(ending.status)
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
    {
      return
    }
    guard let workspace = try? Workspace.open() else { return }
    InstallHealth.warn(repository: workspace.repository)
  }

}
