import Foundation
import XCTest

/// Standard output that cannot be written: a reader that went away ends mlgit quietly,
/// any other failure is reported with exit status 3, for every command.
final class OutputFailureTests: XCTestCase {
  /// A repository with a model, a recorded run and a commit that changes hyperparameters.
  func repository() -> TempRepository {
    let repo = TempRepository()
    repo.commitTrainableModel()
    XCTAssertEqual(repo.mlgit("run", "--", "./train.sh").status, 0)
    repo.write(
      "models/credit.yaml",
      repo.read("models/credit.yaml")!.replacingOccurrences(of: "max_depth: 6", with: "max_depth: 7"))
    repo.stage()
    repo.commitFixture("deeper trees")
    return repo
  }

  static let commands: [[String]] = [
    ["audit"], ["audit", "--format", "json"], ["runs"], ["check", "--all"],
    ["policy", "explain", "features/protected"],
    ["policy", "list"], ["review", "status", "HEAD~1..HEAD"], ["doctor"],
  ]

  func testAFullDiskIsReportedWithStatus3() {
    let repo = repository()
    for command in OutputFailureTests.commands {
      let line = ([Shell.mlgit] + command).joined(separator: " ")
      let result = Shell.run("/bin/sh", ["-c", "exec \(line) > /dev/full"], in: repo.path)
      XCTAssertEqual(result.status, 3, "\(command): \(result.output)")
      XCTAssertEqual(result.stderr, "mlgit: cannot write to standard output: No space left on device\n", "\(command)")
    }
  }

  func testAClosedStandardOutputIsReportedWithStatus3() {
    let repo = repository()
    for command in OutputFailureTests.commands {
      let line = ([Shell.mlgit] + command).joined(separator: " ")
      let result = Shell.run("/bin/sh", ["-c", "exec \(line) >&-"], in: repo.path)
      XCTAssertEqual(result.status, 3, "\(command): \(result.output)")
      XCTAssertEqual(result.stderr, "mlgit: cannot write to standard output: standard output is closed\n", "\(command)")
    }
  }

  /// A reader that has gone (`| head -1` once head has its line) ends mlgit as SIGPIPE
  /// ends git: no message, no crash.
  func testAReaderThatWentAwayEndsQuietly() throws {
    let repo = repository()
    for command in OutputFailureTests.commands {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Shell.mlgit)
      process.arguments = command
      process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
      process.environment = Shell.baseEnvironment
      let output = Pipe()
      let errors = Pipe()
      try output.fileHandleForReading.close()
      process.standardOutput = output.fileHandleForWriting
      process.standardError = errors
      try process.run()
      try output.fileHandleForWriting.close()
      let stderr = errors.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      XCTAssertEqual(process.terminationReason, .uncaughtSignal, "\(command)")
      XCTAssertEqual(process.terminationStatus, SIGPIPE, "\(command)")
      XCTAssertEqual(String(decoding: stderr, as: UTF8.self), "", "\(command)")
    }
    let head = Shell.run(
      "/bin/bash", ["-c", "set -o pipefail; \(Shell.mlgit) audit | head -1; echo \"status ${PIPESTATUS[0]}\""],
      in: repo.path)
    XCTAssertTrue(head.stdout.hasPrefix("mlgit audit"), head.output)
    XCTAssertNotNil(head.stdout.range(of: #"status (0|141)\n$"#, options: .regularExpression), head.output)
    XCTAssertEqual(head.stderr, "")
  }
}
