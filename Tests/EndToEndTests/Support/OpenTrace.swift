import Foundation
import XCTest

/// mlgit run under strace, which records every file it opens: for tests of what a start
/// or a hook reads. Skips the test where there is no /proc or no strace.
enum OpenTrace {
  /// `mlgit ARGUMENTS` in `directory`; strace's lines go to standard error with mlgit's own.
  static func mlgit(_ arguments: [String], in directory: String) throws -> CommandResult {
    #if !os(Linux)
      throw XCTSkip("/proc is Linux's")
    #else
      guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: FileManager.default.isExecutableFile)
      else { throw XCTSkip("strace is not installed") }
      let traced = Shell.run(strace, ["-f", "-e", "trace=open,openat", Shell.mlgit] + arguments, in: directory)
      XCTAssertTrue(traced.stderr.contains("openat("), "strace saw no open at all:\n\(traced.stderr)")
      return traced
    #endif
  }
}
