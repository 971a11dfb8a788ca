import Foundation
@testable import GitKit
import TestSupport
import XCTest

/// `Repository.diff(from:to:prefixes:)` walks trees itself; it must report exactly what
/// libgit2's tree-to-tree diff reports (`libgit2Diff`), whatever the trees hold.
final class TreeDiffTests: XCTestCase {
  /// path -> (mode, content); for a submodule (160000) the content names the commit.
  typealias Files = [String: (mode: String, content: String)]

  /// Writes a tree with exactly these entries (any mode, submodules included) and returns its id.
  func tree(_ files: Files, in s: Scratch) throws -> OID {
    let index = s.root + "/.git/scratch-index-\(UUID().uuidString.prefix(6))"
    defer { try? FileManager.default.removeItem(atPath: index) }
    var lines = ""
    for (path, file) in files {
      let id: String
      if file.mode == "160000" {
        let digit = Int(file.content.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 15) + 1
        id = String(repeating: String(digit, radix: 16), count: 40)
      } else {
        id = try s.git.checked(
          ["hash-object", "-w", "--stdin"], input: Data(file.content.utf8), environment: Scratch.environment
        )
        .text.trimmingCharacters(in: .whitespacesAndNewlines)
      }
      lines += "\(file.mode) \(id)\t\(path)\n"
    }
    var environment = Scratch.environment
    environment["GIT_INDEX_FILE"] = index
    try s.git.checked(["update-index", "--add", "--index-info"], input: Data(lines.utf8), environment: environment)
    let hex = try s.git.checked(["write-tree"], environment: environment).text.trimmingCharacters(
      in: .whitespacesAndNewlines)
    return try XCTUnwrap(OID(hex: hex))
  }

  static let prefixSets: [[String]] = [
    [], [""], ["models"], ["models", "data", ".mlgit"], ["models/deep"], ["x"], ["mod"], ["models.yaml"],
    ["y", "models2"], ["nothing/here"],
  ]

  func assertSameDiff(_ a: OID?, _ b: OID?, _ repo: Repository, file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    for prefixes in TreeDiffTests.prefixSets {
      let walked = try repo.diff(from: a, to: b, prefixes: prefixes)
      let reference = try repo.libgit2Diff(from: a, to: b, prefixes: prefixes)
      XCTAssertEqual(walked, reference, "prefixes \(prefixes)", file: file, line: line)
    }
  }

  func testTrickyChangesMatchLibgit2() throws {
    let s = try Scratch()
    let old: Files = [
      "models/a.yaml": ("100644", "a: 1\n"), "models/b.yaml": ("100755", "b: 1\n"),
      "models/link": ("120000", "a.yaml"), "models/sub": ("160000", "2"), "models/x": ("100644", "x\n"),
      "models/deep/c.yaml": ("100644", "c\n"), "models/deep/d/e.yaml": ("100644", "e\n"),
      "models/e": ("100644", "e\n"), "models/gone-sub": ("160000", "3"),
      "models2/z.yaml": ("100644", "z\n"), "models.yaml": ("100644", "m\n"), "models-a/q": ("100644", "q\n"),
      "data/t.csv": ("100644", "id\n"), "x": ("100644", "x\n"), "y/inner": ("100644", "y\n"),
      "same/s.yaml": ("100644", "s\n"), ".mlgit/config.yml": ("100644", "apiVersion: mlgit/v1\n"),
    ]
    var new = old
    new["models/a.yaml"] = ("100644", "a: 2\n")
    new["models/b.yaml"] = ("100644", "b: 1\n")  // mode only
    new["models/link"] = ("100644", "a.yaml")  // symlink -> file
    new["models/sub"] = ("160000", "4")  // submodule moved: ignored
    new["models/x"] = nil
    new["models/x/inner.yaml"] = ("100644", "i\n")  // file -> folder
    new["models/deep/c.yaml"] = nil
    new["models/deep/d/e.yaml"] = nil  // a folder deleted
    new["models/new.yaml"] = ("100644", "n\n")
    new["models/e"] = ("160000", "5")  // file -> submodule
    new["models/gone-sub"] = nil
    new["models/new-sub"] = ("160000", "6")
    new["models2/z.yaml"] = ("100644", "z2\n")
    new["data/t.csv"] = ("120000", "elsewhere.csv")  // file -> symlink
    new["x"] = nil
    new["x/q"] = ("100644", "q\n")  // file -> folder at the root
    new["y/inner"] = nil
    new["y"] = ("100755", "y\n")  // folder -> file
    new[".mlgit/config.yml"] = ("100644", "apiVersion: mlgit/v1\nextends: [strict]\n")
    let a = try tree(old, in: s)
    let b = try tree(new, in: s)
    let repo = try Repository.discover(at: s.root)
    try assertSameDiff(a, b, repo)
    try assertSameDiff(b, a, repo)
    try assertSameDiff(nil, b, repo)
    try assertSameDiff(a, nil, repo)
    XCTAssertFalse(try repo.diff(from: a, to: b, prefixes: ["models"]).isEmpty)
  }

  func testRandomTreesMatchLibgit2() throws {
    let s = try Scratch()
    let repo = try Repository.discover(at: s.root)
    var rng = SeededGenerator(seed: 7)
    let folders = ["models", "models/t1", "models/t2", "models/t1/deep", "data", "src", "models2", ".mlgit", ""]
    let names = ["a.yaml", "b.yml", "c.json", "d", "e.csv", "a", "a-b", "a.b", "z"]
    let modes = ["100644", "100644", "100644", "100755", "120000", "160000"]
    func randomFiles() -> Files {
      var files: Files = [:]
      for _ in 0..<rng.below(40) {
        let folder = folders[rng.below(folders.count)]
        let path = (folder.isEmpty ? "" : folder + "/") + names[rng.below(names.count)]
        // A path cannot be both a file and a folder.
        if files.keys.contains(where: { $0.hasPrefix(path + "/") || path.hasPrefix($0 + "/") }) { continue }
        files[path] = (modes[rng.below(modes.count)], "v\(rng.below(3))")
      }
      return files
    }
    for _ in 0..<25 {
      var old = randomFiles()
      var new = old
      for (path, file) in old where rng.below(4) == 0 {
        new[path] = rng.below(2) == 0 ? nil : (modes[rng.below(modes.count)], file.content + "x")
      }
      for (path, file) in randomFiles() where rng.below(3) == 0 {
        if new.keys.contains(where: { $0.hasPrefix(path + "/") || path.hasPrefix($0 + "/") }) { continue }
        new[path] = file
      }
      if old.isEmpty { old["src/keep"] = ("100644", "k") }
      try assertSameDiff(try tree(old, in: s), try tree(new, in: s), repo)
    }
  }
}
