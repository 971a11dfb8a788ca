import Foundation
@testable import GitKit
import XCTest

/// The child-process runner every git and ssh-keygen call goes through.
final class GitCommandLineTests: XCTestCase {
  /// As mlgit's entry point does: a write to a pipe whose reader has gone is an error.
  override func setUp() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// A child that writes more than a pipe holds before reading its input: writing all the
  /// input first and reading the output after would block both sides. `timeout` ends the
  /// child after 60 s so a deadlock fails the test instead of hanging it.
  func testChildWritingMegabytesBeforeReadingItsInputDoesNotDeadlock() throws {
    let input = Data(repeating: UInt8(ascii: "x"), count: 2 << 20)
    let script = "head -c 1200000 /dev/zero | tr '\\000' a; head -c 300000 /dev/zero >&2; wc -c"
    let started = Date()
    let output = try GitCommandLine.runProgram("/usr/bin/timeout", ["60", "/bin/sh", "-c", script], input: input)
    XCTAssertEqual(output.status, 0, output.stderr.prefix(200) + "")
    XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    XCTAssertEqual(output.stdout.count, 1_200_000 + "2097152\n".utf8.count)
    XCTAssertTrue(output.stdout.prefix(1_200_000).allSatisfy { $0 == UInt8(ascii: "a") })
    XCTAssertEqual(output.text.suffix(8), "2097152\n", "the child read all of its input")
    XCTAssertEqual(output.stderr.utf8.count, 300_000)
  }

  /// A child that exits without reading its input: its exit status, and no signal for mlgit.
  func testChildThatIgnoresItsInputEndsNormally() throws {
    let output = try GitCommandLine.runProgram("/bin/sh", ["-c", "echo done; exit 3"], input: Data(count: 1 << 20))
    XCTAssertEqual(output.status, 3)
    XCTAssertEqual(output.text, "done\n")
  }

  /// What a timed program leaves running outside its group is killed once no timed
  /// program runs, and nothing else is: a timed program and an untimed one running beside
  /// it on other threads, and their children, run to their end.
  func testOnlyWhatATimedProgramLeftBehindIsKilled() throws {
    let folder = NSTemporaryDirectory() + "mlgit-adoption-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let results = Results()
    let group = DispatchGroup()
    for (name, timeout) in [("timed", 30.0), ("untimed", nil)] as [(String, Double?)] {
      DispatchQueue.global().async(group: group) {
        // Its own child, in its group, outlives the escapee's cleanup below.
        let output = try? GitCommandLine.runProgram(
          "/bin/sh", ["-c", "sh -c 'sleep 1.5; echo child done' & wait; echo \(name) done"], timeout: timeout)
        results.set(name, output.map { "\($0.status) \($0.text)" } ?? "not started")
      }
    }
    usleep(300_000)
    let leaving = try GitCommandLine.runProgram(
      "/bin/sh",
      [
        "-c",
        "setsid sh -c 'echo $$ > \(folder)/pid; exec sleep 1000' </dev/null >/dev/null 2>&1 & "
          + "while [ ! -s \(folder)/pid ]; do sleep 0.05; done",
      ], timeout: 30)
    XCTAssertEqual(leaving.status, 0)
    let pid = try XCTUnwrap(
      pid_t(
        (try String(contentsOfFile: folder + "/pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
    defer { kill(pid, SIGKILL) }
    XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
    XCTAssertEqual(kill(pid, 0), -1, "the process that left the group was killed and reaped")
    XCTAssertEqual(results.get("timed"), "0 child done\ntimed done\n")
    XCTAssertEqual(results.get("untimed"), "0 child done\nuntimed done\n")
  }

  /// @unchecked Sendable: `values` is read and written under `lock` only.
  private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]
    func set(_ key: String, _ value: String) { lock.withLock { values[key] = value } }
    func get(_ key: String) -> String? { lock.withLock { values[key] } }
  }
}
