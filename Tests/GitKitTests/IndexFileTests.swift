import Foundation
@testable import GitKit
import TestSupport
import XCTest

/// `IndexFile` (the C scanner in CMLGitSupport/index_scan.c) reads index files git
/// itself wrote: it must return exactly the stage-0, non-intent-to-add entries
/// `git ls-files -s --debug` lists, or throw `IndexUnreadable` so the caller asks git.
/// Never a crash, never a different answer.
final class IndexFileTests: XCTestCase {
  struct Entry: Equatable, CustomStringConvertible {
    var mode: UInt32
    var id: String
    var description: String { String(mode, radix: 8) + " " + id }
  }

  /// A repository with nested folders, an executable, a symlink and a path longer than
  /// the 4,095 bytes an entry's length field holds; committed, so the index has a cache tree.
  func repository() throws -> Scratch {
    let s = try Scratch()
    try s.write("models/a.yaml", "a: 1\n")
    try s.write("models/deep/b.yaml", "b: 1\n")
    try s.write("models/deep/er/c.yaml", "c: 1\n")
    try s.write("models-x/d", "d\n")
    try s.write("data/t.csv", "id\n1\n")
    try s.write("x", "x\n")
    try s.run("add", "-A")
    try s.run("update-index", "--chmod=+x", "x")
    let blob = try s.git.checked(
      ["hash-object", "-w", "--stdin"], input: Data("long\n".utf8), environment: Scratch.environment
    )
    .text.trimmingCharacters(in: .whitespacesAndNewlines)
    let long = (0..<21).map { String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 199) }.joined(
      separator: "/")
    try s.run("update-index", "--add", "--cacheinfo", "100644,\(blob),models/\(long)")
    try s.run("update-index", "--add", "--cacheinfo", "120000,\(blob),models/link")
    _ = try s.run("commit", "-q", "-m", "c")
    return s
  }

  /// What git reads from the index at `path`: stage-0 entries without the intent-to-add
  /// flag; nil when git refuses the file.
  func gitEntries(_ s: Scratch, index path: String) throws -> [String: Entry]? {
    var environment = Scratch.environment
    environment["GIT_INDEX_FILE"] = path
    let output = try s.git.run(["ls-files", "-s", "--debug", "-z"], environment: environment)
    guard output.status == 0 else { return nil }
    var result: [String: Entry] = [:]
    // Records: "mode id stage\tpath\0" then "  ctime: ...\n ...  flags: hex\n".
    var rest = output.stdout[...]
    while let nul = rest.firstIndex(of: 0) {
      let record = String(decoding: rest[..<nul], as: UTF8.self)
      rest = rest[(nul + 1)...]
      var debug = ""
      while rest.first == UInt8(ascii: " "), let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
        debug += String(decoding: rest[..<newline], as: UTF8.self)
        rest = rest[(newline + 1)...]
      }
      let tab = try XCTUnwrap(record.firstIndex(of: "\t"))
      let fields = record[..<tab].split(separator: " ")
      let flagsText = try XCTUnwrap(debug.range(of: "flags: ").map { debug[$0.upperBound...] })
      let flags = try XCTUnwrap(UInt32(flagsText.prefix { $0.isHexDigit }, radix: 16))
      let intentToAdd: UInt32 = 1 << 29  // CE_INTENT_TO_ADD in git's in-memory flags
      guard fields.count == 3, fields[2] == "0", flags & intentToAdd == 0 else { continue }
      result[String(record[record.index(after: tab)...])] = Entry(
        mode: try XCTUnwrap(UInt32(fields[0], radix: 8)), id: String(fields[1]))
    }
    return result
  }

  func scanned(_ index: IndexFile) -> [String: Entry] {
    index.entries.mapValues { Entry(mode: $0.mode, id: $0.id.hex) }
  }

  /// The scanner's entries under `prefixes` equal git's, for several prefix sets.
  func assertSameAsGit(_ s: Scratch, index path: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let reference = try XCTUnwrap(try gitEntries(s, index: path), "git cannot read \(path)", file: file, line: line)
    for prefixes in [[""], ["models"], ["models", "data", ".mlgit"], ["models/deep"], ["mod"], ["x"], ["nothing"]] {
      let index = try IndexFile(path: path, prefixes: prefixes)
      let expected = reference.filter { path, _ in
        prefixes.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
      }
      XCTAssertEqual(scanned(index), expected, "prefixes \(prefixes)", file: file, line: line)
    }
  }

  /// Each cached tree the scanner reports is the tree git would write for that folder.
  func assertCachedTreesCorrect(
    _ s: Scratch, index path: String, expectAtLeast folders: [String],
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    var environment = Scratch.environment
    environment["GIT_INDEX_FILE"] = path
    let root = try s.git.checked(["write-tree"], environment: environment).text.trimmingCharacters(
      in: .whitespacesAndNewlines)
    let trees = try IndexFile(path: path, prefixes: [""]).cachedTrees
    for folder in folders { XCTAssertNotNil(trees[folder], "no cached tree for '\(folder)'", file: file, line: line) }
    for (folder, id) in trees {
      let spec = folder.isEmpty ? root : root + ":" + folder
      XCTAssertEqual(id.hex, try s.run("rev-parse", spec), "cached tree of '\(folder)'", file: file, line: line)
    }
  }

  var indexPath: (Scratch) -> String { { $0.root + "/.git/index" } }

  func testVersion2WithAndWithoutCacheTree() throws {
    let s = try repository()
    try s.run("update-index", "--index-version", "2")
    try s.run("read-tree", "HEAD")  // a complete cache tree
    XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: indexPath(s))).range(of: Data("TREE".utf8)) != nil)
    try assertSameAsGit(s, index: indexPath(s))
    try assertCachedTreesCorrect(s, index: indexPath(s), expectAtLeast: ["", "models", "models/deep", "data"])

    // A staged change invalidates the cache tree of its folders only.
    try s.write("models/deep/b.yaml", "b: 2\n")
    try s.run("add", "models/deep/b.yaml")
    try assertSameAsGit(s, index: indexPath(s))
    let trees = try IndexFile(path: indexPath(s), prefixes: [""]).cachedTrees
    XCTAssertNil(trees["models/deep"])
    XCTAssertNil(trees["models"])
    XCTAssertNil(trees[""])
    try assertCachedTreesCorrect(s, index: indexPath(s), expectAtLeast: ["data", "models/deep/er"])

    // An index git writes from scratch has no cache tree at all.
    let bare = s.root + "/.git/no-tree-index"
    var environment = Scratch.environment
    environment["GIT_INDEX_FILE"] = bare
    let listing = try s.git.checked(["ls-files", "-s", "-z"]).stdout
    let lines = Data(listing.map { $0 == 0 ? UInt8(ascii: "\n") : $0 })
    try s.git.checked(["update-index", "--add", "--index-info"], input: lines, environment: environment)
    XCTAssertNil(try Data(contentsOf: URL(fileURLWithPath: bare)).range(of: Data("TREE".utf8)))
    try assertSameAsGit(s, index: bare)
    XCTAssertEqual(try IndexFile(path: bare, prefixes: [""]).cachedTrees, [:])
  }

  /// The tree the index would commit, read from its cache tree with no entry kept: HEAD's
  /// after a commit (every index version), nil once an entry changes or without a cache.
  func testCachedRootTreeIsTheTreeGitWouldWrite() throws {
    let s = try repository()
    for version in ["2", "3", "4"] {
      try s.run("update-index", "--index-version", version)
      try s.run("read-tree", "HEAD")
      XCTAssertEqual(IndexFile.cachedRootTree(path: indexPath(s))?.hex, try s.run("rev-parse", "HEAD^{tree}"), version)
      XCTAssertEqual(try IndexFile(path: indexPath(s), prefixes: []).entries.count, 0)
    }
    try s.write("x", "changed\n")
    try s.run("add", "x")
    XCTAssertNil(IndexFile.cachedRootTree(path: indexPath(s)))
    XCTAssertNil(IndexFile.cachedRootTree(path: s.root + "/.git/no-such-index"))
  }

  func testVersion3IntentToAddAndSkipWorktree() throws {
    let s = try repository()
    try s.write("models/new.yaml", "n: 1\n")
    try s.run("add", "-N", "models/new.yaml")
    try s.run("update-index", "--skip-worktree", "models/a.yaml")
    XCTAssertEqual(try versionOf(indexPath(s)), 3)
    try assertSameAsGit(s, index: indexPath(s))
    let index = try IndexFile(path: indexPath(s), prefixes: ["models"])
    XCTAssertNil(index.entries["models/new.yaml"], "an intent-to-add entry is not committed")
    XCTAssertNotNil(index.entries["models/a.yaml"], "a skip-worktree entry is committed")
  }

  func testVersion4PathCompression() throws {
    let s = try repository()
    try s.write("models/new.yaml", "n: 1\n")
    try s.run("add", "-N", "models/new.yaml")
    try s.run("update-index", "--index-version", "4")
    XCTAssertEqual(try versionOf(indexPath(s)), 4)
    try assertSameAsGit(s, index: indexPath(s))
    try s.run("read-tree", "HEAD")
    try assertSameAsGit(s, index: indexPath(s))
    try assertCachedTreesCorrect(s, index: indexPath(s), expectAtLeast: ["", "models"])
  }

  func testConflictStagesAreLeftOut() throws {
    let s = try repository()
    try s.run("checkout", "-q", "-b", "other")
    try s.write("models/a.yaml", "a: other\n")
    _ = try s.commit()
    try s.run("checkout", "-q", "main")
    try s.write("models/a.yaml", "a: main\n")
    _ = try s.commit()
    XCTAssertNotEqual(try s.git.run(["merge", "-q", "other"], environment: Scratch.environment).status, 0)
    try assertSameAsGit(s, index: indexPath(s))
    XCTAssertNil(try IndexFile(path: indexPath(s), prefixes: ["models"]).entries["models/a.yaml"])
  }

  func testSplitAndSparseIndexesAreRefused() throws {
    let s = try repository()
    try s.run("update-index", "--split-index")
    XCTAssertThrowsError(try IndexFile(path: indexPath(s), prefixes: [""])) { error in
      XCTAssertEqual((error as? IndexUnreadable)?.reason, "split index")
    }
    try s.run("update-index", "--no-split-index")
    try assertSameAsGit(s, index: indexPath(s))

    try s.run("sparse-checkout", "init", "--cone", "--sparse-index")
    try s.run("sparse-checkout", "set", "data")
    XCTAssertThrowsError(try IndexFile(path: indexPath(s), prefixes: [""])) { error in
      XCTAssertEqual((error as? IndexUnreadable)?.reason, "sparse index")
    }
  }

  /// Every prefix of a small index of each version: the scanner throws or answers
  /// as git reads the whole file; cached trees it reports are never wrong.
  func testEveryTruncationThrowsOrAnswersRight() throws {
    let s = try repository()
    for version in ["2", "3", "4"] {
      try s.run("read-tree", "HEAD")
      try s.run("update-index", "--index-version", version)
      if version == "3" { try s.run("update-index", "--skip-worktree", "x") }
      let whole = try Data(contentsOf: URL(fileURLWithPath: indexPath(s)))
      let reference = try XCTUnwrap(try gitEntries(s, index: indexPath(s)))
      let trees = try IndexFile(path: indexPath(s), prefixes: [""]).cachedTrees
      for length in 0..<whole.count {
        // Scanned in memory (as `IndexFile` scans the mapped file): thousands of lengths.
        let cut = Data(whole.prefix(length))
        guard let index = try? cut.withUnsafeBytes({ try IndexFile.parse($0, path: "cut", prefixes: [""]) }) else {
          continue
        }
        XCTAssertEqual(
          index.entries.mapValues { Entry(mode: $0.mode, id: $0.id.hex) }, reference,
          "version \(version), \(length) of \(whole.count) bytes")
        for (folder, id) in index.trees {
          XCTAssertEqual(id, trees[folder], "version \(version), \(length) bytes: cached tree of '\(folder)'")
        }
      }
    }
  }

  /// Single-byte changes (fixed seed) with the trailing checksum recomputed, so git judges
  /// only the structure: where git refuses the file the scanner throws, where git reads it
  /// the scanner throws or reads the same entries.
  func testByteFlipsThrowOrAnswerAsGit() throws {
    let s = try repository()
    var random = SeededGenerator(seed: 0x15DE_C0DE)
    for version in ["2", "3", "4"] {
      try s.run("read-tree", "HEAD")
      try s.run("update-index", "--index-version", version)
      if version == "3" { try s.run("update-index", "--skip-worktree", "x") }
      let whole = try Data(contentsOf: URL(fileURLWithPath: indexPath(s)))
      let flipped = s.root + "/.git/flipped-index"
      for _ in 0..<150 {
        var bytes = [UInt8](whole)
        let position = Int.random(in: 0..<(bytes.count - 20), using: &random)
        bytes[position] ^= UInt8.random(in: 1...255, using: &random)
        bytes.replaceSubrange((bytes.count - 20)..., with: SHA1.digest(bytes[..<(bytes.count - 20)]))
        try Data(bytes).write(to: URL(fileURLWithPath: flipped))
        let git = try gitEntries(s, index: flipped)
        guard let index = try? IndexFile(path: flipped, prefixes: [""]) else { continue }
        XCTAssertEqual(
          scanned(index), git,
          "version \(version): byte \(position) changed, git \(git == nil ? "refuses the file" : "reads it")")
      }
    }
  }

  /// git drops a cache tree it cannot parse as a whole (cache-tree.c); so does the scanner,
  /// rather than report the folders it read before the damage.
  func testDamagedCacheTreeIsDroppedWhole() throws {
    let s = try repository()
    try s.run("read-tree", "HEAD")
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: indexPath(s))))
    let signature = try XCTUnwrap(Data(bytes).range(of: Data("TREE".utf8))).lowerBound
    let size = Int(bytes[(signature + 4)..<(signature + 8)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    let last = signature + 8 + size - 20  // the last node (a leaf): "<entries> 0\n" then its id
    XCTAssertEqual(Array(bytes[(last - 2)..<last]), Array(" 0\n".utf8).suffix(2))
    XCTAssertFalse(try IndexFile(path: indexPath(s), prefixes: [""]).cachedTrees.isEmpty)
    bytes[last - 2] = UInt8(ascii: "9")  // nine subtrees that are not there
    bytes.replaceSubrange((bytes.count - 20)..., with: SHA1.digest(bytes[..<(bytes.count - 20)]))
    let damaged = s.root + "/.git/damaged-index"
    try Data(bytes).write(to: URL(fileURLWithPath: damaged))
    try assertSameAsGit(s, index: damaged)
    XCTAssertEqual(try IndexFile(path: damaged, prefixes: [""]).cachedTrees.count, 0)
  }

  func versionOf(_ path: String) throws -> UInt32 {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data[4..<8].reduce(0) { $0 << 8 | UInt32($1) }
  }
}

/// SHA-1, for rewriting an index file's trailing checksum after changing a byte.
enum SHA1 {
  static func digest(_ message: ArraySlice<UInt8>) -> [UInt8] {
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var data = Array(message)
    let bitLength = UInt64(data.count) * 8
    data.append(0x80)
    while data.count % 64 != 56 { data.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
    for chunk in stride(from: 0, to: data.count, by: 64) {
      var w = [UInt32](repeating: 0, count: 80)
      for i in 0..<16 {
        w[i] = data[(chunk + i * 4)..<(chunk + i * 4 + 4)].reduce(0) { $0 << 8 | UInt32($1) }
      }
      for i in 16..<80 { w[i] = rotate(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for i in 0..<80 {
        let (f, k): (UInt32, UInt32)
        switch i {
        case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
        case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
        case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
        default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
        }
        let t = rotate(a, 5) &+ f &+ e &+ k &+ w[i]
        (e, d, c, b, a) = (d, c, rotate(b, 30), a, t)
      }
      h = [h[0] &+ a, h[1] &+ b, h[2] &+ c, h[3] &+ d, h[4] &+ e]
    }
    return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
  }
}
