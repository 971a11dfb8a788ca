import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Runs the `git` command line, for what libgit2 1.5 cannot do (split and sparse
/// indexes, notes merges, fetch and push with the user's credentials).
public struct GitCommandLine: Sendable {
  /// The result of one git invocation.
  public struct Output: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
    /// True when the program was killed for running past its time limit.
    public var timedOut = false
    public var text: String { String(decoding: stdout, as: UTF8.self) }
  }

  public let executable: String
  public let directory: String?

  public init(directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.directory = directory
    self.executable = GitCommandLine.locate(environment: environment)
  }

  /// Hooks run with a reduced PATH; git puts its exec-path first, so look there too.
  static func locate(environment: [String: String]) -> String {
    ProgramLookup.find(
      "git", before: environment["GIT_EXEC_PATH"].map { [$0] } ?? [], after: ["/usr/bin", "/usr/local/bin", "/bin"],
      environment: environment) ?? "/usr/bin/git"
  }

  /// Runs git with `arguments`; never throws for a non-zero exit (see `Output.status`).
  @discardableResult
  public func run(_ arguments: [String], input: Data? = nil, environment extra: [String: String] = [:]) throws -> Output
  {
    try GitCommandLine.runProgram(
      executable, arguments, input: input,
      environment: extra.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(extra) { $1 }, directory: directory
    )
  }

  /// Runs any program (git, ssh-keygen, …) and captures its output; throws only when it
  /// cannot be started. Input is written while both outputs are read, as each pipe is ready:
  /// a child may write any amount before it reads its input (or instead of reading it),
  /// and no pipe filling up can stall both sides.
  ///
  /// With a `timeout`, the program runs in a process group of its own; one still running
  /// after that many seconds is killed with its group and returned with `timedOut` (its
  /// output dropped), and what it leaves running when it exits is killed too. Programs it
  /// started that keep its output open are never waited for; the child inherits only its
  /// standard streams (`ChildProcess`).
  public static func runProgram(
    _ executable: String, _ arguments: [String], input: Data? = nil,
    environment: [String: String]? = nil, directory: String? = nil,
    timeout: Double? = nil
  ) throws -> Output {
    try ChildProcess.run(
      executable, arguments, input: input, environment: environment, directory: directory,
      timeout: timeout)
  }

  /// Runs git and throws when it fails, with git's own message.
  @discardableResult
  public func checked(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> Output {
    let output = try run(arguments, input: input, environment: environment)
    guard output.status == 0 else {
      let message = output.stderr.trimmingWhitespaceAndNewlines()
      throw GitError(message: "git \(arguments.first ?? "") failed: \(message)")
    }
    return output
  }

  /// Staged changes against `tree` read by git itself (`git diff-index --cached`),
  /// for index formats libgit2 cannot read. Honours `GIT_INDEX_FILE`.
  /// `indexFile` and `gitDirectory`, when given, are passed explicitly so the result does
  /// not depend on this process's current directory.
  public func stagedDeltas(
    against tree: OID?, prefixes: [String], indexFile: String? = nil,
    gitDirectory: String? = nil
  ) throws -> [FileDelta] {
    var args = [
      "diff-index", "--cached", "--raw", "-z", "--no-renames", "--ignore-submodules", (tree ?? OID.emptyTree).hex, "--",
    ]
    // An empty prefix means "anywhere": then no pathspec at all.
    if !prefixes.contains("") {
      args += Repository.minimalPrefixes(prefixes).map { ":(literal)\($0)" }
    }
    var environment: [String: String] = [:]
    if let indexFile { environment["GIT_INDEX_FILE"] = indexFile }
    if let gitDirectory { environment["GIT_DIR"] = gitDirectory }
    let output = try checked(args, environment: environment)
    return GitCommandLine.parseRaw(output.stdout)
  }

  /// Parses `--raw -z` output: `:oldmode newmode oldid newid status\0path\0`.
  static func parseRaw(_ data: Data) -> [FileDelta] {
    let fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    var deltas: [FileDelta] = []
    var i = 0
    while i + 1 < fields.count {
      let header = fields[i]
      let path = fields[i + 1]
      i += 2
      guard header.hasPrefix(":") else { continue }
      let parts = header.dropFirst().split(separator: " ")
      guard parts.count >= 5 else { continue }
      let oldMode = UInt32(parts[0], radix: 8) ?? 0
      let newMode = UInt32(parts[1], radix: 8) ?? 0
      let oldID = OID(hex: String(parts[2])).flatMap { $0.isZero ? nil : $0 }
      let newID = OID(hex: String(parts[3])).flatMap { $0.isZero ? nil : $0 }
      let status: DeltaStatus
      switch parts[4].first {
      case "A": status = .added
      case "D": status = .deleted
      case "T": status = .typeChanged
      default: status = .modified
      }
      deltas.append(
        FileDelta(status: status, path: path, oldID: oldID, newID: newID, oldMode: oldMode, newMode: newMode))
    }
    return deltas.sorted { $0.path < $1.path }
  }
}
