import Foundation
import XCTest

/// `mlgit run` interrupted by SIGTERM or SIGINT: the signal reaches everything the command
/// started, mlgit waits for it, records the run as interrupted and exits 128 + the signal.
final class RunSignalTests: XCTestCase {
  /// True when `pid` has ended (no process, or a zombie nobody reaped yet).
  func gone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    // pid (comm) STATE …: the state follows the last ')'.
    guard let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
  }

  func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      usleep(50_000)
    }
    return condition()
  }

  func pid(in file: String) -> Int32? {
    (try? String(contentsOfFile: file, encoding: .utf8)).flatMap {
      Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  /// Starts `mlgit run -- sh -c SCRIPT` in the background, sends `signal` once the script
  /// wrote `ready`, and returns mlgit's exit status and standard error.
  func interruptedRun(_ repo: TempRepository, script: String, signal: Int32, ready: String) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Shell.mlgit)
    process.arguments = ["run", "--", "sh", "-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
    process.environment = Shell.baseEnvironment
    let errFile = repo.root + "/mlgit-stderr"
    _ = FileManager.default.createFile(atPath: errFile, contents: nil)
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
    process.standardError = errHandle
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    XCTAssertTrue(
      waitFor(30) { FileManager.default.fileExists(atPath: repo.path + "/" + ready) }, "the command started")
    usleep(100_000)
    kill(process.processIdentifier, signal)
    let ended = waitFor(30) { !process.isRunning }
    XCTAssertTrue(ended, "mlgit ends after the signal")
    if !ended { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    try errHandle.close()
    XCTAssertEqual(process.terminationReason, .exit, "mlgit exits, it is not killed")
    return (process.terminationStatus, (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
  }

  func testSIGTERMStopsTheWholeCommandAndTheRunIsRecordedAsInterrupted() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    // sleep runs in the background of the shell: a grandchild of mlgit.
    let (status, stderr) = try interruptedRun(
      repo, script: "sleep 30 & echo $! > sleep.pid; echo $$ > sh.pid; wait",
      signal: SIGTERM, ready: "sh.pid")
    XCTAssertEqual(status, 143, stderr)
    let sleeper = try XCTUnwrap(pid(in: repo.path + "/sleep.pid"))
    let shell = try XCTUnwrap(pid(in: repo.path + "/sh.pid"))
    XCTAssertTrue(waitFor(5) { gone(sleeper) && gone(shell) }, "the command and its children are gone")
    let lines = repo.runLines()
    XCTAssertEqual(lines.count, 1, stderr)
    XCTAssertTrue(lines.first?.contains(#""exit":143"#) ?? false, lines.joined())
    XCTAssertTrue(lines.first?.contains(#""interrupted":"SIGTERM""#) ?? false, lines.joined())
    XCTAssertTrue(stderr.contains("(interrupted by SIGTERM, exit 143)"), stderr)
    let id = try XCTUnwrap(repo.mlgit("runs").stdout.split(separator: "\t").first.map(String.init))
    XCTAssertTrue(repo.mlgit("runs", "show", id).stdout.contains("\ninterrupted SIGTERM\n"))
  }

  func testSIGINTEndsTheCommandAndTheRunIsRecordedAsInterrupted() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    let (status, stderr) = try interruptedRun(
      repo, script: "echo $$ > sh.pid; sleep 30", signal: SIGINT, ready: "sh.pid")
    XCTAssertEqual(status, 130, stderr)
    let shell = try XCTUnwrap(pid(in: repo.path + "/sh.pid"))
    XCTAssertTrue(waitFor(5) { gone(shell) })
    XCTAssertTrue(repo.runLines().first?.contains(#""interrupted":"SIGINT""#) ?? false, repo.runLines().joined())
    XCTAssertTrue(repo.runLines().first?.contains(#""exit":130"#) ?? false, repo.runLines().joined())
  }

  /// A command that ends by itself is recorded without the field, as before.
  func testARunThatEndsByItselfHasNoInterruptedField() {
    let repo = TempRepository()
    repo.commitTrainableModel()
    XCTAssertEqual(repo.mlgit("run", "--", "sh", "-c", "kill -TERM $$").status, 143)
    XCTAssertEqual(repo.runLines().count, 1)
    XCTAssertFalse(repo.runLines().first?.contains("interrupted") ?? true, repo.runLines().joined())
  }
}
