import Foundation
import XCTest

@testable import MLGitEngine

/// The /proc reads that find the `git` running a hook, done with plain reads: each must
/// answer as the Foundation reading it replaced.
final class GitAncestorTests: XCTestCase {
  func testCommNamesGitAsFoundationTrimsIt() {
    for (comm, expected) in [
      ("git\n", true), ("git", true), (" \tgit\r\n", true), ("git\u{A0}\n", true), ("gitk\n", false),
      ("sh\n", false), ("", false), ("\n", false), ("g it\n", false),
    ] {
      XCTAssertEqual(GitInvocation.isGit(Array(comm.utf8)), expected, comm.debugDescription)
      XCTAssertEqual(comm.trimmingCharacters(in: .whitespacesAndNewlines) == "git", expected, comm.debugDescription)
    }
  }

  func testProcFilesAreReadWhole() throws {
    guard FileManager.default.fileExists(atPath: "/proc/self/status") else { throw XCTSkip("no /proc") }
    let status = try XCTUnwrap(GitInvocation.procFile("/proc/self/status"))
    XCTAssertTrue(String(decoding: status, as: UTF8.self).hasPrefix("Name:"))
    XCTAssertEqual(
      GitInvocation.procFile("/proc/self/cmdline"),
      Array(try Data(contentsOf: URL(fileURLWithPath: "/proc/self/cmdline"))))
    XCTAssertNil(GitInvocation.procFile("/proc/self/no-such-file"))
  }
}
