import Foundation
@testable import GitKit
import XCTest

/// A scratch repository built with the git command line, isolated from the machine's config.
final class Scratch {
  let root: String
  let git: GitCommandLine
  static let environment: [String: String] = {
    let home = NSTemporaryDirectory() + "gitkit-test-home-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    return [
      "HOME": home, "XDG_CONFIG_HOME": home + "/.config", "GIT_CONFIG_NOSYSTEM": "1",
      "GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.com",
      "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.com",
    ]
  }()

  init() throws {
    root = NSTemporaryDirectory() + "gitkit-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    git = GitCommandLine(directory: root)
    try run("init", "-q", "-b", "main")
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  @discardableResult
  func run(_ arguments: String...) throws -> String {
    try git.checked(arguments, environment: Scratch.environment).text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func write(_ path: String, _ text: String) throws {
    let url = URL(fileURLWithPath: root).appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  func commit(_ message: String = "c") throws -> OID {
    try run("add", "-A")
    try run("commit", "-q", "--allow-empty", "-m", message)
    return try XCTUnwrap(OID(hex: try run("rev-parse", "HEAD")))
  }
}

final class RepositoryTests: XCTestCase {
  func testDiscoverFromASubfolderAndReportFolders() throws {
    let s = try Scratch()
    try s.write("models/deep/a.yaml", "x: 1\n")
    let repo = try Repository.discover(at: s.root + "/models/deep")
    let real = URL(fileURLWithPath: s.root).resolvingSymlinksInPath().path
    XCTAssertEqual(repo.workingDirectory.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }, real)
    XCTAssertTrue(repo.gitDirectory.hasSuffix("/.git/"), repo.gitDirectory)
    XCTAssertEqual(repo.commonDirectory, repo.gitDirectory)
    XCTAssertFalse(repo.isBare)
    XCTAssertEqual(
      try repo.hooksDirectory(), URL(fileURLWithPath: repo.gitDirectory).appendingPathComponent("hooks").path)
  }

  func testDiscoverOutsideARepositoryIsNotFound() throws {
    let dir = NSTemporaryDirectory() + "gitkit-none-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    XCTAssertThrowsError(try Repository.discover(at: dir)) { error in
      XCTAssertTrue((error as? GitError)?.isNotFound ?? false, "\(error)")
    }
  }

  func testUnbornHeadAndBranch() throws {
    let s = try Scratch()
    let repo = try Repository.discover(at: s.root)
    XCTAssertNil(try repo.headCommit())
    XCTAssertEqual(repo.headBranch(), "refs/heads/main")
    let id = try s.commit()
    XCTAssertEqual(try repo.headCommit(), id)
    XCTAssertEqual(try repo.resolveCommit("main"), id)
    XCTAssertThrowsError(try repo.resolveCommit("no-such-branch"))
  }

  func testCommitTreeEntriesAndBlobs() throws {
    let s = try Scratch()
    try s.write("models/credit risk é.yaml", "name: a\n")
    let id = try s.commit("add model\n\nbody")
    let repo = try Repository.discover(at: s.root)
    let info = try repo.commit(id)
    XCTAssertEqual(info.summary, "add model")
    XCTAssertEqual(info.author.email, "alice@example.com")
    XCTAssertEqual(info.parents, [])
    let entry = try XCTUnwrap(try repo.entry(at: "models/credit risk é.yaml", inTree: info.tree))
    XCTAssertTrue(entry.isBlob)
    XCTAssertEqual(try repo.blob(entry.id), Data("name: a\n".utf8))
    XCTAssertEqual(try repo.blobSize(entry.id), 8)
    XCTAssertEqual(try repo.blobPrefix(entry.id, count: 4), Data("name".utf8))
    XCTAssertThrowsError(try repo.blob(entry.id, limit: 4)) { error in
      XCTAssertEqual((error as? BlobTooLarge)?.size, 8)
    }
    XCTAssertNil(try repo.entry(at: "models/missing.yaml", inTree: info.tree))
    XCTAssertEqual(try Repository.hashBlob(Data("name: a\n".utf8)), entry.id)
  }

  func testHooksDirectoryFollowsCoreHooksPath() throws {
    let s = try Scratch()
    try s.run("config", "core.hooksPath", ".githooks")
    let repo = try Repository.discover(at: s.root)
    let root = try XCTUnwrap(repo.workingDirectory)
    XCTAssertEqual(try repo.hooksDirectory(), URL(fileURLWithPath: root).appendingPathComponent(".githooks").path)
    try s.run("config", "core.hooksPath", "/opt/hooks")
    XCTAssertEqual(try Repository.discover(at: s.root).hooksDirectory(), "/opt/hooks")
  }

  func testLinkedWorktreeSharesTheCommonDirectory() throws {
    let s = try Scratch()
    _ = try s.commit()
    let other = s.root + "-wt"
    defer { try? FileManager.default.removeItem(atPath: other) }
    try s.run("worktree", "add", "-q", other)
    let repo = try Repository.discover(at: other)
    XCTAssertTrue(repo.gitDirectory.contains("/.git/worktrees/"), repo.gitDirectory)
    XCTAssertTrue(repo.commonDirectory.hasSuffix("/.git/"), repo.commonDirectory)
    XCTAssertTrue(try repo.hooksDirectory().hasSuffix("/.git/hooks"))
  }

  func testFromEnvironmentHonoursGitDirAndWorkTree() throws {
    let s = try Scratch()
    let elsewhere = NSTemporaryDirectory()
    let repo = try Repository.fromEnvironment(
      currentDirectory: elsewhere, environment: ["GIT_DIR": s.root + "/.git", "GIT_WORK_TREE": s.root])
    XCTAssertEqual(
      repo.workingDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      URL(fileURLWithPath: s.root).standardizedFileURL.path)
    // Relative paths are relative to the current directory, as git passes them to hooks.
    let relative = try Repository.fromEnvironment(
      currentDirectory: s.root, environment: ["GIT_DIR": ".git", "GIT_WORK_TREE": "."])
    XCTAssertEqual(
      relative.workingDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      URL(fileURLWithPath: s.root).standardizedFileURL.path)
  }

  func testReopenKeepsTheWorkTreeAndExtraObjectDirectories() throws {
    let s = try Scratch()
    // An object only in another object directory, as a push quarantine holds them.
    let extra = s.root + "-objects"
    defer { try? FileManager.default.removeItem(atPath: extra) }
    try FileManager.default.createDirectory(atPath: extra, withIntermediateDirectories: true)
    try s.write("only-there.txt", "quarantined\n")
    let id = try s.run("hash-object", "only-there.txt").trimmingCharacters(in: .whitespacesAndNewlines)
    _ = try s.run("hash-object", "-w", "only-there.txt")
    let loose = s.root + "/.git/objects/" + id.prefix(2)
    try FileManager.default.createDirectory(atPath: extra + "/" + id.prefix(2), withIntermediateDirectories: true)
    try FileManager.default.moveItem(
      atPath: loose + "/" + id.dropFirst(2), toPath: extra + "/" + id.prefix(2) + "/" + id.dropFirst(2))
    let elsewhere = NSTemporaryDirectory()
    let repo = try Repository.fromEnvironment(
      currentDirectory: elsewhere,
      environment: ["GIT_DIR": s.root + "/.git", "GIT_WORK_TREE": s.root, "GIT_QUARANTINE_PATH": extra])
    let blob = try XCTUnwrap(OID(hex: id))
    XCTAssertTrue(repo.contains(blob))
    let again = try repo.reopen()
    XCTAssertTrue(again.contains(blob), "the second handle reads the extra object directory too")
    XCTAssertEqual(String(decoding: try again.blob(blob, limit: 100), as: UTF8.self), "quarantined\n")
    XCTAssertEqual(again.workingDirectory, repo.workingDirectory)
    XCTAssertEqual(again.gitDirectory, repo.gitDirectory)
    XCTAssertFalse(try Repository.discover(at: s.root).contains(blob), "the repository itself lacks the object")
  }

  func testFromEnvironmentWithAWorktreeGitDir() throws {
    let s = try Scratch()
    _ = try s.commit()
    let other = s.root + "-wt2"
    defer { try? FileManager.default.removeItem(atPath: other) }
    try s.run("worktree", "add", "-q", other)
    // What git hands a hook in a linked worktree: GIT_DIR set, GIT_WORK_TREE not.
    let repo = try Repository.fromEnvironment(
      currentDirectory: other,
      environment: ["GIT_DIR": s.root + "/.git/worktrees/" + URL(fileURLWithPath: other).lastPathComponent])
    XCTAssertEqual(
      repo.workingDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      URL(fileURLWithPath: other).standardizedFileURL.path)
    XCTAssertTrue(repo.commonDirectory.hasSuffix("/.git/"), repo.commonDirectory)
  }
}

final class IndexAndDiffTests: XCTestCase {
  func testDiffTreeToIndexWithPrefixes() throws {
    let s = try Scratch()
    try s.write("models/a.yaml", "a: 1\n")
    try s.write("models2/b.yaml", "b: 1\n")
    try s.write("README.md", "hi\n")
    let first = try s.commit()
    try s.write("models/a.yaml", "a: 2\n")
    try s.write("models/new one.yaml", "n: 1\n")
    try s.write("models2/b.yaml", "b: 2\n")
    try s.write("README.md", "changed\n")
    try s.run("add", "-A")
    try s.run("rm", "-q", "--cached", "models2/b.yaml")
    let repo = try Repository.discover(at: s.root)
    let index = try Index.open(path: s.root + "/.git/index")
    XCTAssertNotNil(index.entry(at: "models/new one.yaml"))
    XCTAssertNil(index.entry(at: "models2/b.yaml"))
    XCTAssertFalse(index.hasConflicts)
    let tree = try repo.treeOf(commit: first)
    let models = try repo.diff(tree: tree, index: index, prefixes: ["models"])
    XCTAssertEqual(models.map(\.path), ["models/a.yaml", "models/new one.yaml"])
    XCTAssertEqual(models.map(\.status), [.modified, .added])
    XCTAssertNil(models[1].oldID)
    XCTAssertEqual(models[1].newMode, 0o100644)
    XCTAssertTrue(models[1].newIsRegularFile)
    let both = try repo.diff(tree: tree, index: index, prefixes: ["models", "models2"])
    XCTAssertEqual(both.map(\.path), ["models/a.yaml", "models/new one.yaml", "models2/b.yaml"])
    XCTAssertEqual(both.last?.status, .deleted)
    XCTAssertEqual(try repo.diff(tree: tree, index: index, prefixes: [""]).count, 4)
    XCTAssertEqual(try repo.diff(tree: tree, index: index, prefixes: []).count, 4)
    // From the empty tree (a first commit): everything staged is added.
    XCTAssertEqual(try repo.diff(tree: nil, index: index, prefixes: ["models"]).map(\.status), [.added, .added])
  }

  func testDiffTreeToTree() throws {
    let s = try Scratch()
    try s.write("models/a.yaml", "a: 1\n")
    let first = try s.commit()
    try s.write("models/a.yaml", "a: 2\n")
    let second = try s.commit()
    let repo = try Repository.discover(at: s.root)
    let deltas = try repo.diff(
      from: try repo.treeOf(commit: first), to: try repo.treeOf(commit: second), prefixes: ["models"])
    XCTAssertEqual(deltas.map(\.path), ["models/a.yaml"])
    XCTAssertNotNil(deltas.first?.oldID)
  }

  func testMinimalPrefixesCompareWholeFolders() {
    XCTAssertEqual(Repository.minimalPrefixes(["models", "models/x", "data"]).sorted(), ["data", "models"])
    XCTAssertEqual(Repository.minimalPrefixes(["models", "models2"]).sorted(), ["models", "models2"])
    XCTAssertEqual(Repository.minimalPrefixes(["models", ""]), [""])
  }

  func testSplitIndexIsReportedUnreadableAndGitReadsIt() throws {
    let s = try Scratch()
    try s.write("models/a.yaml", "a: 1\n")
    let first = try s.commit()
    try s.write("models/b.yaml", "b: 1\n")
    try s.run("add", "-A")
    try s.run("update-index", "--split-index")
    let path = s.root + "/.git/index"
    XCTAssertThrowsError(try Index.open(path: path)) { error in
      XCTAssertTrue(error is IndexUnreadable, "\(error)")
    }
    let repo = try Repository.discover(at: s.root)
    let git = GitCommandLine(directory: s.root)
    let deltas = try git.stagedDeltas(against: try repo.treeOf(commit: first), prefixes: ["models"], indexFile: path)
    XCTAssertEqual(deltas.map(\.path), ["models/b.yaml"])
    XCTAssertEqual(deltas.first?.status, .added)
  }

  func testParseRaw() {
    let a = "0000000000000000000000000000000000000000"
    let b = "1111111111111111111111111111111111111111"
    let c = "2222222222222222222222222222222222222222"
    let raw =
      ":000000 100644 \(a) \(b) A\0models/new é.yaml\0"
      + ":100644 100644 \(b) \(c) M\0models/a.yaml\0"
      + ":100644 000000 \(c) \(a) D\0models/gone.yaml\0"
      + ":100644 120000 \(b) \(c) T\0models/link.yaml\0"
    let deltas = GitCommandLine.parseRaw(Data(raw.utf8))
    XCTAssertEqual(deltas.map(\.path), ["models/a.yaml", "models/gone.yaml", "models/link.yaml", "models/new é.yaml"])
    XCTAssertEqual(deltas.map(\.status), [.modified, .deleted, .typeChanged, .added])
    XCTAssertNil(deltas[3].oldID)
    XCTAssertEqual(deltas[3].newID?.hex, b)
    XCTAssertNil(deltas[1].newID)
    XCTAssertEqual(deltas[2].newMode, 0o120000)
    XCTAssertFalse(deltas[2].newIsRegularFile)
    XCTAssertEqual(GitCommandLine.parseRaw(Data()), [])
    XCTAssertEqual(GitCommandLine.parseRaw(Data("garbage\0x\0".utf8)), [])
  }
}
