import XCTest

/// `mlgit --version` is answered before the command-line parser is built; it must say what
/// the parser would say, and anything beside it still goes through the parser.
final class VersionTests: XCTestCase {
  func testVersionPrintsTheVersionAlone() {
    let repo = TempRepository()
    let result = repo.mlgit("--version")
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stdout, "0.1.0\n")
    XCTAssertEqual(result.stderr, "")
  }

  /// With another argument beside it, `--version` goes through the parser, which answers
  /// before it looks at the rest: both ways must print the same.
  func testVersionSaysWhatTheParserSays() {
    let repo = TempRepository()
    let parsed = repo.mlgit("--version", "--no-such-option")
    XCTAssertEqual(parsed.status, 0, parsed.stderr)
    XCTAssertEqual(repo.mlgit("--version").stdout, parsed.stdout)
  }

  func testVersionToAFullDiskIsReportedWithStatus3() {
    let repo = TempRepository()
    let result = Shell.run("/bin/sh", ["-c", "exec \(Shell.mlgit) --version > /dev/full"], in: repo.path)
    XCTAssertEqual(result.status, 3, result.output)
    XCTAssertEqual(result.stderr, "mlgit: cannot write to standard output: No space left on device\n")
  }
}
