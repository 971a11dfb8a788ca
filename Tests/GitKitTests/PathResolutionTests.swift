import Foundation
@testable import GitKit
import XCTest

/// `PathResolver` follows symlinks inside a tree or an index the same way, and never out.
final class PathResolutionTests: XCTestCase {
  func link(_ s: Scratch, _ path: String, to target: String) throws {
    let url = URL(fileURLWithPath: s.root).appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
  }

  func testTreeAndIndexResolveAlike() throws {
    let s = try Scratch()
    try s.write("docs/real/spec.yaml", "x: 1\n")
    try link(s, "docs/alias", to: "real")
    try link(s, "models/a.yaml", to: "../docs/alias/spec.yaml")
    try link(s, "models/b.yaml", to: "./../docs/./alias/../real/spec.yaml")
    try link(s, "models/out.yaml", to: "../../x.yaml")
    try link(s, "models/abs.yaml", to: "/etc/passwd")
    try link(s, "models/dir.yaml", to: "../docs")
    try link(s, "models/self.yaml", to: "self.yaml")
    try link(s, "models/through.yaml", to: "../docs/real/spec.yaml/x")
    let commit = try s.commit()
    let repo = try Repository.discover(at: s.root)
    let tree = TreeLookup(repository: repo, tree: try repo.treeOf(commit: commit))
    let index = IndexLookup(repository: repo, indexPath: s.root + "/.git/index")
    let viaGit = IndexLookup(
      repository: repo, indexPath: s.root + "/.git/index", git: GitCommandLine(directory: s.root))
    let expected: [String: String] = [
      "models/a.yaml": "docs/real/spec.yaml",
      "models/b.yaml": "docs/real/spec.yaml",
      "docs/alias/spec.yaml": "docs/real/spec.yaml",
      "models/out.yaml": "symlink 'models/out.yaml' points to '../../x.yaml', outside the repository",
      "models/abs.yaml": "symlink 'models/abs.yaml' points to '/etc/passwd', outside the repository",
      "models/dir.yaml": "symlink 'models/dir.yaml' leads to the folder 'docs', not a file",
      "models/self.yaml": "symlink 'models/self.yaml' follows more than 8 symlinks (a loop?)",
      "models/through.yaml":
        "symlink 'models/through.yaml' goes through 'docs/real/spec.yaml', which is a file, not a folder",
      "models/none.yaml": "'models/none.yaml' leads to 'models/none.yaml', which does not exist here",
    ]
    for lookup in [tree, index, viaGit] as [any PathLookup] {
      for (path, answer) in expected {
        switch try PathResolver.resolve(path, in: lookup) {
        case .success(let file): XCTAssertEqual(file.path, answer, "\(path) in \(lookup)")
        case .failure(let why): XCTAssertEqual(why.description, answer, "\(path) in \(lookup)")
        }
      }
    }
    guard case .success(let file) = try PathResolver.resolve("models/a.yaml", in: tree) else { return XCTFail() }
    XCTAssertEqual(file.links.map(\.path), ["models/a.yaml", "docs/alias"])
  }
}
