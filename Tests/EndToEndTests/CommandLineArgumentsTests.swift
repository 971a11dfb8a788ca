import Foundation
import XCTest

/// mlgit's arguments reach it unchanged. In the release build the Swift standard
/// library's `CommandLine.arguments` is served by CMLGitSupport (command_line.c) from
/// the argc and argv glibc hands to constructors, not by the runtime's search of
/// /proc/self/maps at every start.
final class CommandLineArgumentsTests: XCTestCase {
  func testArgumentsWithSpacesUnicodeAndEmptyStringsArriveUnchanged() {
    let repo = TempRepository()
    let result = repo.mlgit("frob ü x", "", "--", "-y")
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(result.stderr.contains("unexpected arguments: 'frob ü x', '', '-y'"), result.stderr)
  }

  func testStartReadsNoProcSelfMaps() throws {
    let repo = TempRepository()
    let traced = try OpenTrace.mlgit(["--version"], in: repo.path)
    let ldd = Shell.run("/usr/bin/ldd", [Shell.mlgit], in: repo.path)
    if ldd.stdout.contains("libswiftCore") {
      throw XCTSkip("the shared Swift runtime reads its arguments its own way")
    }
    XCTAssertEqual(traced.status, 0, traced.output)
    XCTAssertTrue(traced.stdout.contains("0."), traced.output)
    XCTAssertFalse(traced.stderr.contains("/proc/self/maps"), traced.stderr)
  }
}
