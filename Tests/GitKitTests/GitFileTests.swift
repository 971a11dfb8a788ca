import Foundation
import XCTest

@testable import GitKit

/// `Repository.followingGitFile`: a `.git` file's `gitdir:` line, read as git reads it.
final class GitFileTests: XCTestCase {
  private var root = ""

  override func setUpWithError() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("gitfile-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root + "/main/.git/worktrees/wt", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root + "/wt", withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

  func testRelativeGitdirIsRelativeToTheFilesFolderWithoutSurroundingSpace() throws {
    try " gitdir: ../main/.git/worktrees/wt \r\n".write(toFile: root + "/wt/.git", atomically: true, encoding: .utf8)
    // The leading space is not "gitdir:": refused as git refuses it.
    XCTAssertThrowsError(try Repository.followingGitFile(root + "/wt/.git"))
    try "gitdir: ../main/.git/worktrees/wt \r\n".write(toFile: root + "/wt/.git", atomically: true, encoding: .utf8)
    XCTAssertEqual(try Repository.followingGitFile(root + "/wt/.git"), root + "/main/.git/worktrees/wt")
    try "gitdir:\t/elsewhere/x\u{2028}\n".write(toFile: root + "/wt/.git", atomically: true, encoding: .utf8)
    XCTAssertEqual(try Repository.followingGitFile(root + "/wt/.git"), "/elsewhere/x")
  }

  func testAFolderOrALinkToOneOrNothingIsThePathItself() throws {
    XCTAssertEqual(try Repository.followingGitFile(root + "/main/.git"), root + "/main/.git")
    try FileManager.default.createSymbolicLink(atPath: root + "/wt/.git", withDestinationPath: root + "/main/.git")
    XCTAssertEqual(try Repository.followingGitFile(root + "/wt/.git"), root + "/wt/.git")
    XCTAssertEqual(try Repository.followingGitFile(root + "/missing/.git"), root + "/missing/.git")
  }

  func testAnEmptyGitdirIsAnError() throws {
    try "gitdir: \n".write(toFile: root + "/wt/.git", atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try Repository.followingGitFile(root + "/wt/.git")) { error in
      XCTAssertTrue("\(error)".contains("has an empty `gitdir:` line"), "\(error)")
    }
  }
}
