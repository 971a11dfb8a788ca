import Foundation
import GitKit
import MLPolicy
import XCTest

@testable import MLGitEngine

/// The dependents of HEAD's specs kept between staged checks (`SpecDependentsCache`): the
/// answer kept, or brought forward from another tree, is always the one listing gives.
final class SpecDependentsCacheTests: XCTestCase {
  static func reading(_ file: String, name: String) -> String {
    "apiVersion: mlgit/v1\nname: \(name)\nversion: 1.0.0\nowner: risk-team\nfeatures:\n  - income\n"
      + "hyperparameters:\n  from: \(file)\n  key: train\n"
  }

  /// A repository whose specs name parameters files, one of them through a link.
  func repository() throws -> (ScratchRepository, Repository, ChangeReader) {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", Self.reading("params.yaml", name: "credit"))
    repo.write("models/churn.yaml", ScratchRepository.spec(name: "churn", version: "1.0.0"))
    repo.write("models/team/fraud.yaml", Self.reading("../../params/fraud.yaml", name: "fraud"))
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/models/alias.yaml", withDestinationPath: "credit.yaml")
    repo.commit("specs")
    let repository = try repo.open()
    return (repo, repository, ChangeReader(repository: repository, policy: try EffectivePolicy.builtIn()))
  }

  var cacheFile: (ScratchRepository) -> String { { $0.path + "/.git/mlgit/spec-dependents" } }

  func testKeptAndBroughtForwardDependentsAreTheListedOnes() throws {
    let (repo, repository, reader) = try repository()
    let first = try repository.treeOf(commit: repo.oid("HEAD"))
    let listed = try ParameterFileIndex.list(in: first, reader: reader)
    XCTAssertEqual(
      listed.parameterFiles, ["params.yaml": ["models/credit.yaml"], "params/fraud.yaml": ["models/team/fraud.yaml"]])
    XCTAssertEqual(listed.links, ["models/alias.yaml"])

    XCTAssertFalse(FileManager.default.fileExists(atPath: cacheFile(repo)))
    XCTAssertEqual(try reader.headDependents(first), listed)
    let cache = SpecDependentsCache(repository: repository)
    let key = SpecDependentsCache.key(reader.policy)
    XCTAssertEqual(cache.load(key: key)?.tree, first)
    XCTAssertEqual(cache.load(key: key)?.dependents, listed)
    XCTAssertEqual(try reader.headDependents(first), listed, "read back")

    // A second commit: a spec now reads a file, one no longer exists, one is new, the link moved.
    repo.write("models/churn.yaml", Self.reading("shared.yaml", name: "churn"))
    try FileManager.default.removeItem(atPath: repo.path + "/models/team/fraud.yaml")
    repo.write("models/new.yaml", Self.reading("./params.yaml", name: "new"))
    try FileManager.default.removeItem(atPath: repo.path + "/models/alias.yaml")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/models/other.yaml", withDestinationPath: "churn.yaml")
    repo.commit("moved")
    let second = try repository.treeOf(commit: repo.oid("HEAD"))
    let relisted = try ParameterFileIndex.list(in: second, reader: reader)
    XCTAssertEqual(
      relisted.parameterFiles,
      [
        "models/params.yaml": ["models/new.yaml"], "shared.yaml": ["models/churn.yaml"],
        "params.yaml": ["models/credit.yaml"],
      ])
    XCTAssertEqual(relisted.links, ["models/other.yaml"])
    XCTAssertEqual(try ParameterFileIndex.update(listed, from: first, to: second, reader: reader), relisted)
    XCTAssertEqual(try reader.headDependents(second), relisted)
    XCTAssertEqual(cache.load(key: key)?.tree, second)
    // And back (a checkout of the first commit).
    XCTAssertEqual(try reader.headDependents(first), listed)
    XCTAssertEqual(cache.load(key: key)?.tree, first)
  }

  func testADamagedOrForeignFileIsIgnoredAndReplaced() throws {
    let (repo, repository, reader) = try repository()
    let tree = try repository.treeOf(commit: repo.oid("HEAD"))
    let listed = try ParameterFileIndex.list(in: tree, reader: reader)
    let key = SpecDependentsCache.key(reader.policy)
    let good = SpecDependentsCache.encode(listed, tree: tree, key: key)
    let path = cacheFile(repo)
    try FileManager.default.createDirectory(atPath: repo.path + "/.git/mlgit", withIntermediateDirectories: true)

    // Claims that no spec reads anything: each must be refused by its sum, its key or its tree.
    let empty = SpecDependents()
    var flipped = SpecDependentsCache.encode(empty, tree: tree, key: key)
    flipped[flipped.count - 2] ^= 1
    let otherTree = OID(hex: String(repeating: "ab", count: 20))!
    let damaged: [(String, Data)] = [
      ("garbage", Data("not a cache\n".utf8)),
      ("empty", Data()),
      ("truncated", good.prefix(good.count - 10)),
      ("a wrong sum", flipped),
      (
        "another key (other globs or another mlgit)",
        SpecDependentsCache.encode(empty, tree: tree, key: String(repeating: "0", count: 64))
      ),
      ("a tree the repository lacks", SpecDependentsCache.encode(empty, tree: otherTree, key: key)),
    ]
    for (what, bytes) in damaged {
      try bytes.write(to: URL(fileURLWithPath: path))
      XCTAssertEqual(try reader.headDependents(tree), listed, what)
      XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), good, "\(what): replaced")
    }

    // Not a regular file: a FIFO is never opened for a blocking read, a link never followed.
    try FileManager.default.removeItem(atPath: path)
    XCTAssertEqual(mkfifo(path, 0o644), 0)
    XCTAssertEqual(try reader.headDependents(tree), listed, "a FIFO")
    try FileManager.default.removeItem(atPath: path)
    try SpecDependentsCache.encode(empty, tree: tree, key: key).write(
      to: URL(fileURLWithPath: repo.path + "/elsewhere"))
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: repo.path + "/elsewhere")
    XCTAssertEqual(try reader.headDependents(tree), listed, "a link")
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    XCTAssertEqual(try reader.headDependents(tree), listed, "a folder")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), [], "nothing written into it")

    // No folder to keep it in: nothing kept, nothing thrown.
    try FileManager.default.removeItem(atPath: repo.path + "/.git/mlgit")
    try Data("a file".utf8).write(to: URL(fileURLWithPath: repo.path + "/.git/mlgit"))
    XCTAssertEqual(try reader.headDependents(tree), listed, "no folder")
    XCTAssertEqual(try String(contentsOfFile: repo.path + "/.git/mlgit", encoding: .utf8), "a file")
  }

  func testTheFileIsKeptWithTheCommonGitDirectoryOfAWorktree() throws {
    let (repo, _, _) = try repository()
    repo.run(["worktree", "add", "-q", repo.root + "/second", "-b", "second"])
    let worktree = try Repository.discover(at: repo.root + "/second")
    let reader = ChangeReader(repository: worktree, policy: try EffectivePolicy.builtIn())
    let tree = try worktree.treeOf(commit: repo.oid("HEAD"))
    XCTAssertEqual(try reader.headDependents(tree), try ParameterFileIndex.list(in: tree, reader: reader))
    XCTAssertTrue(FileManager.default.fileExists(atPath: cacheFile(repo)))
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/second/mlgit"))
  }
}
