import Foundation
@testable import MLGitEngine
import XCTest

/// `PathText` against NSString, whose path methods it replaces. This toolchain's NSString
/// crashes (an illegal instruction) on some paths, `//`, `a`, `a/`, `.` and the empty path among them: those
/// are checked against the values NSString gives on macOS.
final class PathTextTests: XCTestCase {
  static let paths = [
    "/", "/a", "/a/", "a/b", "a/b/", "/a/b", ".git/hooks", "/repo/.husky/_", "/repo/.husky/_/", "./x", "../x", "é/ü",
    "/tmp/a b/c",
  ]

  func testLastComponentAndParentAsNSString() {
    for path in PathTextTests.paths {
      XCTAssertEqual(PathText.lastComponent(path), (path as NSString).lastPathComponent, path)
      XCTAssertEqual(PathText.parent(path), (path as NSString).deletingLastPathComponent, path)
    }
  }

  func testPathsNSStringCrashesOn() {
    XCTAssertEqual(PathText.lastComponent("a"), "a")
    XCTAssertEqual(PathText.parent("a"), "")
    XCTAssertEqual(PathText.lastComponent("a/"), "a")
    XCTAssertEqual(PathText.parent("a/"), "")
    XCTAssertEqual(PathText.lastComponent("."), ".")
    XCTAssertEqual(PathText.parent("."), "")
    XCTAssertEqual(PathText.lastComponent("//"), "/")
    XCTAssertEqual(PathText.parent("//"), "/")
    XCTAssertEqual(PathText.lastComponent(""), "")
    XCTAssertEqual(PathText.parent(""), "")
    XCTAssertEqual(PathText.join("", "h"), "h")
    XCTAssertEqual(PathText.join("a", "h"), "a/h")
    XCTAssertEqual(PathText.join("a/", "h"), "a/h")
  }

  func testJoinAsNSString() {
    for base in PathTextTests.paths {
      for component in ["h", "pre-commit", "x/y"] {
        XCTAssertEqual(PathText.join(base, component), (base as NSString).appendingPathComponent(component), base)
      }
    }
  }

  func testTemporaryFolderEndsInSlash() {
    XCTAssertTrue(PathText.temporaryFolder().hasSuffix("/"))
    XCTAssertEqual(PathText.temporaryFolder(), NSTemporaryDirectory())
  }
}
