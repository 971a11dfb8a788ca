import Foundation
import XCTest

@testable import GitKit

/// The one program lookup (git, ssh-keygen, hook managers, command checks) and the one
/// reading of a relative path.
final class ProgramLookupTests: XCTestCase {
  func testFoldersBeforeThenPathThenAfterAndOnlyExecutableFiles() throws {
    let root = NSTemporaryDirectory() + "mlgit-lookup-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: root) }
    for folder in ["first", "path1", "path2", "last", "plain"] {
      try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
    }
    func program(_ folder: String, executable: Bool = true) {
      _ = FileManager.default.createFile(
        atPath: "\(root)/\(folder)/tool", contents: Data("#!/bin/sh\n".utf8),
        attributes: [.posixPermissions: executable ? 0o755 : 0o644])
    }
    program("path2")
    program("last")
    program("plain", executable: false)
    let environment = ["PATH": "\(root)/plain::\(root)/path1:\(root)/path2"]
    XCTAssertEqual(ProgramLookup.find("tool", environment: environment), "\(root)/path2/tool")
    XCTAssertEqual(
      ProgramLookup.find("tool", after: ["\(root)/last"], environment: ["PATH": "\(root)/plain"]), "\(root)/last/tool")
    program("first")
    XCTAssertEqual(
      ProgramLookup.find("tool", before: ["\(root)/first"], environment: environment), "\(root)/first/tool")
    XCTAssertNil(ProgramLookup.find("tool", environment: [:]))
    XCTAssertNil(ProgramLookup.find("missing", environment: environment))
  }

  func testAbsolutePath() {
    XCTAssertEqual(absolutePath("/a/b", relativeTo: "/x"), "/a/b")
    XCTAssertEqual(absolutePath("b/../c/./d", relativeTo: "/x/y"), "/x/y/c/d")
    XCTAssertEqual(absolutePath("../c", relativeTo: "/x/y"), "/x/c")
  }
}
