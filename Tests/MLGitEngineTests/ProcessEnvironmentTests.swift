import Foundation
import XCTest

@testable import MLGitEngine

/// `Workspace.processEnvironment()` reads `environ` itself for speed; it must give what
/// `ProcessInfo.processInfo.environment` gives.
final class ProcessEnvironmentTests: XCTestCase {
  func testTheEnvironmentIsReadAsProcessInfoReadsIt() {
    setenv("MLGIT_TEST_EQUALS", "a=b=c", 1)
    setenv("MLGIT_TEST_EMPTY", "", 1)
    setenv("MLGIT_TEST_UNICODE", "café ✓", 1)
    defer {
      for name in ["MLGIT_TEST_EQUALS", "MLGIT_TEST_EMPTY", "MLGIT_TEST_UNICODE"] { unsetenv(name) }
    }
    let read = Workspace.processEnvironment()
    XCTAssertEqual(read, ProcessInfo.processInfo.environment)
    XCTAssertEqual(read["MLGIT_TEST_EQUALS"], "a=b=c")
    XCTAssertEqual(read["MLGIT_TEST_EMPTY"], "")
    XCTAssertEqual(read["MLGIT_TEST_UNICODE"], "café ✓")
  }
}
