import Foundation
import GitKit
import XCTest

/// A temporary repository made and changed with the git CLI, isolated from the
/// machine's git configuration, for tests that give the engine a real repository.
final class ScratchRepository {
  /// The folder holding this repository and any clones or remotes made beside it.
  let root: String
  /// The work tree (or, for a bare repository, the git directory).
  let path: String

  static let git = "/usr/bin/git"

  /// git's environment: no system or user config, a fixed identity.
  static let environment: [String: String] = {
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
    let home = NSTemporaryDirectory() + "mlgit-engine-tests-home-\(getpid())"
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try? "[init]\n\tdefaultBranch = main\n".write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
    env["HOME"] = home
    env["XDG_CONFIG_HOME"] = home + "/.config"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["LC_ALL"] = "C"
    env["GIT_AUTHOR_NAME"] = "Alice Author"
    env["GIT_AUTHOR_EMAIL"] = "alice@example.com"
    env["GIT_COMMITTER_NAME"] = "Alice Author"
    env["GIT_COMMITTER_EMAIL"] = "alice@example.com"
    return env
  }()

  init(bare: Bool = false) {
    root = NSTemporaryDirectory() + "mlgit-engine-\(UUID().uuidString)"
    path = root + (bare ? "/remote.git" : "/work")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    run(["init", "-q"] + (bare ? ["--bare"] : []) + ["."])
    if !bare { configureIdentity() }
  }

  /// A clone of `remote` in a folder beside it.
  init(cloning remote: ScratchRepository, name: String) {
    root = remote.root
    path = remote.root + "/" + name
    ScratchRepository.run(["clone", "-q", remote.path, path], in: remote.root)
    configureIdentity()
  }

  deinit {
    if root.hasPrefix(NSTemporaryDirectory()), !FileManager.default.fileExists(atPath: root + "/keep") {
      try? FileManager.default.removeItem(atPath: root)
    }
  }

  /// libgit2 (notes commits) reads the identity from the repository's config.
  private func configureIdentity() {
    run(["config", "user.name", "Alice Author"])
    run(["config", "user.email", "alice@example.com"])
  }

  /// Runs git here and returns its standard output, trimmed; a failure fails the test.
  @discardableResult
  func run(
    _ arguments: [String], environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line
  ) -> String {
    ScratchRepository.run(arguments, in: path, environment: environment, file: file, line: line)
  }

  @discardableResult
  static func run(
    _ arguments: [String], in directory: String, environment extra: [String: String] = [:],
    file: StaticString = #filePath, line: UInt = #line
  ) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: git)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = environment.merging(extra) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      XCTFail("cannot run git \(arguments): \(error)", file: file, line: line)
      return ""
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus != 0 {
      XCTFail("git \(arguments.joined(separator: " ")) failed: \(errorText)", file: file, line: line)
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func write(_ relativePath: String, _ text: String) {
    let full = path + "/" + relativePath
    try? FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    XCTAssertNoThrow(try text.write(toFile: full, atomically: true, encoding: .utf8))
  }

  /// Stages everything and commits (authored and committed at `date` when given);
  /// returns the new commit.
  @discardableResult
  func commit(_ message: String, date: String? = nil) -> OID {
    run(["add", "-A"])
    let dates = date.map { ["GIT_AUTHOR_DATE": $0, "GIT_COMMITTER_DATE": $0] } ?? [:]
    run(["commit", "-q", "--allow-empty", "-m", message], environment: dates)
    return oid("HEAD")
  }

  func oid(_ revision: String, file: StaticString = #filePath, line: UInt = #line) -> OID {
    let hex = run(["rev-parse", "--verify", revision + "^{object}"], file: file, line: line)
    guard let id = OID(hex: hex) else {
      XCTFail("no object \(revision)", file: file, line: line)
      return OID.zero
    }
    return id
  }

  func open() throws -> Repository {
    try Repository.discover(at: path)
  }

  /// A model spec as the shipped packs read it.
  static func spec(
    name: String = "credit-risk", version: String, features: [String] = ["income", "debt_ratio"],
    maxDepth: Int = 6
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
      learning_rate: 0.05
      max_depth: \(maxDepth)

    """
  }
}
