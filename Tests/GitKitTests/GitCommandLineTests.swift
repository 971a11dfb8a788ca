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
}
