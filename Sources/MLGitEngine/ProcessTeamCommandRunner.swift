import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// Runs a team's command checks. The files the command names are written from the
/// policy's commit into a new temporary folder, which is the program's working folder:
/// the program never sees the change being judged, only the spec on its standard input
/// (as JSON) and the spec's path in MLGIT_SPEC_PATH.
public struct ProcessTeamCommandRunner: TeamCommandRunner {
  /// Why no command runs here (a server whose administrator has not allowed them): each
  /// command check is then an error finding saying so, never a pass.
  var refusal: String? = nil
  public init(refusal: String? = nil) { self.refusal = refusal }

  /// The server hook's runner: command checks run pushed code, so only where the
  /// administrator allows it (`git config mlgit.commandChecks true` in the receiving repository).
  static func forServer(_ repository: Repository) -> ProcessTeamCommandRunner {
    if ((try? repository.config().bool("mlgit.commandChecks")) ?? nil) == true { return ProcessTeamCommandRunner() }
    return ProcessTeamCommandRunner(
      refusal: "command checks do not run in this server's hook unless its administrator allows them"
        + " (git config mlgit.commandChecks true)")
  }

  public func run(_ argv: [String], files: [PolicyFile], input: Data, specPath: String, timeout: Double)
    -> TeamCommandOutcome
  {
    if let refusal { return .failed(refusal) }
    guard let program = argv.first else { return .failed("the command is empty") }
    let folder = PathText.temporaryFolder() + "mlgit-check-\(UUID().uuidString.prefix(8))"
    let manager = FileManager.default
    defer { try? manager.removeItem(atPath: folder) }
    do {
      try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for file in files {
        let target = folder + "/" + file.path
        try manager.createDirectory(
          atPath: PathText.parent(target), withIntermediateDirectories: true)
        try file.data.write(to: URL(fileURLWithPath: target))
        try manager.setAttributes([.posixPermissions: file.executable ? 0o755 : 0o644], ofItemAtPath: target)
      }
    } catch {
      return .failed("cannot write its files to \(folder): \(SystemErrorText.reason(error))")
    }
    var environment = ProcessInfo.processInfo.environment
    environment["MLGIT_SPEC_PATH"] = specPath
    // The program is a file of the commit (`.mlgit/checks/run.sh`) or one found on PATH (`python3`).
    let executable: String
    if program.contains("/") {
      executable = program.hasPrefix("/") ? program : folder + "/" + program
      guard manager.isExecutableFile(atPath: executable) else {
        return .failed("\(program) is not an executable file of the policy's commit")
      }
    } else {
      guard let found = ProgramLookup.find(program, environment: environment) else {
        return .failed("\(program) is not on PATH")
      }
      executable = found
    }
    do {
      let output = try GitCommandLine.runProgram(
        executable, Array(argv.dropFirst()), input: input, environment: environment,
        directory: folder, timeout: timeout)
      if output.timedOut { return .timedOut }
      return .finished(status: output.status, stdout: output.stdout, stderr: output.stderr)
    } catch let error as GitError {
      return .failed(error.message)
    } catch {
      return .failed("\(error)")
    }
  }
}
