import Foundation
import XCTest

/// The result of running a command.
struct CommandResult {
  var status: Int32
  var stdout: String
  var stderr: String
  /// Both streams, for assertions that do not care which one git used.
  var output: String { stdout + stderr }
}

/// Runs programs with an environment isolated from the machine's git config.
enum Shell {
  /// A HOME with an empty git config, shared by every test process.
  static let isolatedHome: String = {
    let home = NSTemporaryDirectory() + "mlgit-test-home-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try? "[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n".write(
      toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
    return home
  }()

  static var baseEnvironment: [String: String] {
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("GIT_") { env.removeValue(forKey: key) }
    env["HOME"] = isolatedHome
    env["XDG_CONFIG_HOME"] = isolatedHome + "/.config"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["NO_COLOR"] = "1"
    env["LC_ALL"] = "C"
    env["GIT_AUTHOR_NAME"] = "Alice Author"
    env["GIT_AUTHOR_EMAIL"] = "alice@example.com"
    env["GIT_COMMITTER_NAME"] = "Alice Author"
    env["GIT_COMMITTER_EMAIL"] = "alice@example.com"
    return env
  }

  /// `timeout` is a safety net for tests of inputs that once made mlgit hang: past it
  /// the process is terminated and the result says so, instead of the suite hanging.
  @discardableResult
  static func run(
    _ executable: String, _ arguments: [String], in directory: String,
    environment: [String: String] = [:], input: String? = nil, timeout: TimeInterval? = nil
  ) -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = baseEnvironment.merging(environment) { $1 }
    let outURL = URL(fileURLWithPath: NSTemporaryDirectory() + "mlgit-out-\(UUID().uuidString)")
    let errURL = URL(fileURLWithPath: NSTemporaryDirectory() + "mlgit-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: outURL)
      try? FileManager.default.removeItem(at: errURL)
    }
    guard let outHandle = try? FileHandle(forWritingTo: outURL), let errHandle = try? FileHandle(forWritingTo: errURL)
    else {
      return CommandResult(status: -1, stdout: "", stderr: "cannot create output files")
    }
    process.standardOutput = outHandle
    process.standardError = errHandle
    let inPipe = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    do { try process.run() } catch {
      return CommandResult(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)")
    }
    if let input {
      inPipe.fileHandleForWriting.write(Data(input.utf8))
      try? inPipe.fileHandleForWriting.close()
    }
    var timedOut = false
    if let timeout {
      let deadline = Date(timeIntervalSinceNow: timeout)
      while process.isRunning && Date() < deadline { usleep(20_000) }
      if process.isRunning {
        timedOut = true
        process.terminate()
      }
    }
    process.waitUntilExit()
    try? outHandle.close()
    try? errHandle.close()
    let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    if timedOut {
      return CommandResult(status: -2, stdout: out, stderr: err + "\n(terminated after \(Int(timeout ?? 0)) s)")
    }
    return CommandResult(status: process.terminationStatus, stdout: out, stderr: err)
  }

  /// The mlgit binary built beside the test bundle, or `MLGIT_TEST_BINARY` when set: the
  /// end-to-end tests then judge another build of the same sources (`./install.sh --test`
  /// runs them against the release binary it would install).
  static let mlgit: String = {
    // Its real path, as `mlgit install` writes it into hooks (SwiftPM's .build/release is a link).
    if let chosen = ProcessInfo.processInfo.environment["MLGIT_TEST_BINARY"], !chosen.isEmpty {
      return URL(fileURLWithPath: chosen).resolvingSymlinksInPath().path
    }
    var dir = Bundle.main.bundleURL
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("mlgit").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/mlgit").path
    return fromSource
  }()

  static let git: String =
    ["/usr/bin/git", "/usr/local/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/git"
}

/// A temporary git repository on disk (branch `main`, a repo-local identity),
/// removed when the value is released.
final class TempRepository: Sendable {
  let root: String
  /// Where git commands run (the work tree, or the bare repository).
  let path: String

  init(bare: Bool = false, name: String = "repo") {
    root = NSTemporaryDirectory() + "mlgit-test-\(UUID().uuidString.prefix(8))"
    path = root + "/" + name
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let result = Shell.run(Shell.git, ["init", "-q", "-b", "main"] + (bare ? ["--bare"] : []) + ["."], in: path)
    precondition(result.status == 0, "git init failed: \(result.stderr)")
    if !bare {
      git("config", "user.name", "Alice Author")
      git("config", "user.email", "alice@example.com")
    }
  }

  /// Wraps an existing folder (a clone made by a test) without running git init.
  init(existing path: String, root: String) {
    self.root = root
    self.path = path
  }

  /// Clones `source` (a path or a file:// URL) into a new temporary folder, with the
  /// test identity; `arguments` go to `git clone` (`--depth 1`, say).
  static func clone(_ source: String, arguments: [String] = [], name: String = "clone") -> TempRepository {
    let root = NSTemporaryDirectory() + "mlgit-test-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let result = Shell.run(Shell.git, ["clone", "-q"] + arguments + [source, name], in: root)
    precondition(result.status == 0, "git clone failed: \(result.stderr)")
    let clone = TempRepository(existing: root + "/" + name, root: root)
    clone.git("config", "user.name", "Alice Author")
    clone.git("config", "user.email", "alice@example.com")
    return clone
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  /// Runs git in the repository.
  @discardableResult
  func git(_ arguments: String..., environment: [String: String] = [:], input: String? = nil) -> CommandResult {
    Shell.run(Shell.git, arguments, in: path, environment: environment, input: input)
  }

  @discardableResult
  func git(
    _ arguments: [String], in subfolder: String? = nil, environment: [String: String] = [:], input: String? = nil
  ) -> CommandResult {
    Shell.run(
      Shell.git, arguments, in: subfolder.map { path + "/" + $0 } ?? path, environment: environment, input: input)
  }

  /// Runs the built mlgit binary in the repository.
  @discardableResult
  func mlgit(_ arguments: String..., environment: [String: String] = [:], input: String? = nil) -> CommandResult {
    Shell.run(Shell.mlgit, arguments, in: path, environment: environment, input: input)
  }

  @discardableResult
  func mlgit(
    _ arguments: [String], in subfolder: String? = nil, environment: [String: String] = [:], input: String? = nil
  ) -> CommandResult {
    Shell.run(
      Shell.mlgit, arguments, in: subfolder.map { path + "/" + $0 } ?? path, environment: environment, input: input)
  }

  /// Writes a file (creating folders), as text or raw bytes.
  func write(_ relativePath: String, _ content: String) {
    write(relativePath, data: Data(content.utf8))
  }

  func write(_ relativePath: String, data: Data) {
    let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? data.write(to: url)
  }

  func read(_ relativePath: String) -> String? {
    try? String(contentsOfFile: path + "/" + relativePath, encoding: .utf8)
  }

  /// Stages files (all when none named).
  func stage(_ paths: String...) {
    let result = git(["add", "--"] + (paths.isEmpty ? ["."] : paths))
    precondition(result.status == 0, "git add failed: \(result.stderr)")
  }

  /// Commits what is staged with hooks skipped (fixtures, not the behaviour under test).
  @discardableResult
  func commitFixture(_ message: String = "fixture", environment: [String: String] = [:]) -> String {
    let result = git(["commit", "-q", "--no-verify", "--allow-empty", "-m", message], environment: environment)
    precondition(result.status == 0, "git commit failed: \(result.stderr)")
    return head
  }

  var head: String { git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

  /// The object a ref or revision names, or nil when there is none.
  func revParse(_ revision: String) -> String? {
    let result = git("rev-parse", "--verify", "-q", revision)
    return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
  }

  /// Writes a file, stages it and commits it with hooks skipped; returns the commit id.
  @discardableResult
  func commitFile(_ relativePath: String, _ content: String, _ message: String) -> String {
    write(relativePath, content)
    stage(relativePath)
    return commitFixture(message)
  }

  /// The files of a commit's tree (`git ls-tree -r --name-only`).
  func files(at revision: String = "HEAD") -> [String] {
    git("-c", "core.quotepath=off", "ls-tree", "-r", "--name-only", revision).stdout.split(separator: "\n").map(
      String.init)
  }

  /// The permission bits of a file (0o755, say).
  func mode(_ absolutePath: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: absolutePath)[.posixPermissions] as? NSNumber)?.intValue
  }

  /// What a hook must never change: the index's bytes, the work tree's status and every ref.
  func untouchableState(indexFile: String? = nil) -> String {
    let index = indexFile ?? path + "/.git/index"
    let bytes = FileManager.default.contents(atPath: index) ?? Data()
    let noLocks = ["GIT_OPTIONAL_LOCKS": "0"]
    let status = git(["status", "--porcelain", "--untracked-files=all"], environment: noLocks).stdout
    let refs = git("for-each-ref", "--format=%(refname) %(objectname)").stdout
    return "index \(bytes.base64EncodedString())\nstatus\n\(status)refs\n\(refs)"
  }
}

/// Spec texts for tests.
enum Fixtures {
  static func spec(
    name: String = "credit-risk", version: String = "1.4.0", features: [String] = ["income", "debt_ratio"],
    hyperparameters: String = "  learning_rate: 0.05\n  max_depth: 6\n  seed: 42\n", extra: String = ""
  ) -> String {
    """
    apiVersion: mlgit/v1
    name: \(name)
    version: \(version)
    owner: risk-team
    task: binary-classification
    features:
    \(features.map { "  - \($0)" }.joined(separator: "\n"))
    hyperparameters:
    \(hyperparameters)\(extra)
    """
  }
}
