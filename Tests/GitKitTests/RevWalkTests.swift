import Foundation
import GitKit
import XCTest

/// The history walk behind range and push checks.
final class RevWalkTests: XCTestCase {
  var folder = ""
  var git: GitCommandLine!
  var clock = 1_700_000_000

  override func setUpWithError() throws {
    folder = NSTemporaryDirectory() + "mlgit-revwalk-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    git = GitCommandLine(directory: folder)
    try run("init", "-q", "-b", "main", ".")
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

  @discardableResult
  func run(_ arguments: String...) throws -> String {
    clock += 60
    let output = try git.checked(
      arguments,
      environment: [
        "HOME": folder, "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_AUTHOR_DATE": "\(clock) +0000",
        "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com", "GIT_COMMITTER_DATE": "\(clock) +0000",
      ])
    return output.text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func commit(_ message: String) throws -> OID {
    try run("commit", "-q", "--allow-empty", "-m", message)
    return try XCTUnwrap(OID(hex: try run("rev-parse", "HEAD")))
  }

  /// a - b - c ------ m
  ///      \- d -----/
  func testListsWhatTheTipAddsParentsFirst() throws {
    let a = try commit("a")
    let b = try commit("b")
    try run("checkout", "-q", "-b", "side")
    let d = try commit("d")
    try run("checkout", "-q", "main")
    let c = try commit("c")
    try run("merge", "-q", "--no-ff", "-m", "m", "side")
    let m = try XCTUnwrap(OID(hex: try run("rev-parse", "HEAD")))
    let repo = try Repository.discover(at: folder)

    let walk = RevWalk(repository: repo)
    walk.push(m)
    walk.hide(b)
    let listed = try walk.commits()
    XCTAssertEqual(Set(listed), [c, d, m])
    XCTAssertEqual(listed.last, m)
    XCTAssertTrue(walk.boundary.isEmpty)

    let all = RevWalk(repository: repo)
    all.push(m)
    all.push(c)
    all.hide(OID(hex: String(repeating: "1", count: 40))!)  // not in the repository: ignored
    let everything = try all.commits()
    XCTAssertEqual(everything.count, 5, "each commit once")
    XCTAssertEqual(everything.first, a)
    XCTAssertLessThan(try XCTUnwrap(everything.firstIndex(of: b)), try XCTUnwrap(everything.firstIndex(of: d)))
  }

  func testStopsAtTheShallowBoundary() throws {
    _ = try commit("a")
    let b = try commit("b")
    let c = try commit("c")
    // As `git clone --depth 2` records it: b's parents were not fetched.
    try (b.hex + "\n").write(toFile: folder + "/.git/shallow", atomically: true, encoding: .utf8)
    let repo = try Repository.discover(at: folder)
    XCTAssertEqual(repo.shallowCommits(), [b])
    let walk = RevWalk(repository: repo)
    walk.push(c)
    XCTAssertEqual(try walk.commits(), [b, c])
    XCTAssertEqual(walk.boundary, [b])
  }

  func testAMissingTipIsAnError() throws {
    _ = try commit("a")
    let walk = RevWalk(repository: try Repository.discover(at: folder))
    walk.push(OID(hex: String(repeating: "2", count: 40))!)
    XCTAssertThrowsError(try walk.commits())
  }
}
