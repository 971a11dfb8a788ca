import Foundation
@testable import GitKit
import XCTest

/// A throwaway repository driven by the git command line, isolated from the machine's config.
private final class LedgerScratch {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "gitkit-notes-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    git("init", "-q", "-b", "main", ".")
    git("config", "user.name", "Nora Notes")
    git("config", "user.email", "nora@example.com")
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }

  @discardableResult
  func git(_ arguments: String...) -> (status: Int32, out: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: path)
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["HOME"] = path
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try? process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  func commit(_ message: String) -> OID {
    git("commit", "-q", "--allow-empty", "-m", message)
    return OID(hex: git("rev-parse", "HEAD").out.trimmingCharacters(in: .whitespacesAndNewlines))!
  }

  func repository() throws -> Repository { try Repository.discover(at: path) }

  /// `count` distinct blobs written into `repo`, for notes to annotate.
  func blobs(_ count: Int, in repo: Repository) throws -> [OID] {
    try (0..<count).map { try repo.writeBlob(Data("blob \($0)\n".utf8)) }
  }

  /// Runs git with `text` on its standard input; returns its output, trimmed.
  func input(_ text: String, _ arguments: String...) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: path)
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["HOME"] = path
    process.environment = env
    let output = Pipe()
    let input = Pipe()
    process.standardOutput = output
    process.standardInput = input
    try? process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

final class NotesLedgerTests: XCTestCase {
  func testAppendWritesFanoutThatStockGitReads() throws {
    let scratch = LedgerScratch()
    let first = scratch.commit("one")
    let ledger = NotesLedger(repository: try scratch.repository(), ref: "mlgit/runs")
    XCTAssertEqual(ledger.ref, "refs/notes/mlgit/runs")
    XCTAssertNotNil(try ledger.append(["{\"a\":1}"], to: first))
    XCTAssertNotNil(try ledger.append(["{\"a\":1}", "{\"b\":2}"], to: first))
    XCTAssertNil(try ledger.append(["{\"b\":2}"], to: first), "an identical line is not written twice")
    XCTAssertEqual(scratch.git("notes", "--ref=mlgit/runs", "show", first.hex).out, "{\"a\":1}\n{\"b\":2}\n")
    let hex = first.hex
    let tree = scratch.git("ls-tree", "-r", "--name-only", "refs/notes/mlgit/runs").out
    XCTAssertEqual(tree, "\(hex.prefix(2))/\(hex.dropFirst(2))\n", "notes are written in git's fanout layout")
    XCTAssertEqual(
      scratch.git("rev-list", "--count", "refs/notes/mlgit/runs").out, "2\n", "each append is a commit on the last")
  }

  /// One object with notes in two places (flat and fanout), the first without a final
  /// newline: every reader keeps the two notes' lines apart, as git's concatenation does.
  func testTwoNotesOfOneObjectReadAlikeByEveryReader() throws {
    let scratch = LedgerScratch()
    let object = scratch.commit("one")
    try Data("{\"a\":1}".utf8).write(to: URL(fileURLWithPath: scratch.path + "/flat"))
    try Data("{\"b\":2}\n".utf8).write(to: URL(fileURLWithPath: scratch.path + "/fanout"))
    let flat = scratch.git("hash-object", "-w", "flat").out.trimmingCharacters(in: .whitespacesAndNewlines)
    let fanout = scratch.git("hash-object", "-w", "fanout").out.trimmingCharacters(in: .whitespacesAndNewlines)
    let hex = object.hex
    let inner = scratch.input("100644 blob \(fanout)\t\(hex.dropFirst(2))\n", "mktree")
    let tree = scratch.input("100644 blob \(flat)\t\(hex)\n040000 tree \(inner)\t\(hex.prefix(2))\n", "mktree")
    let notes = scratch.input("notes\n", "commit-tree", tree)
    XCTAssertEqual(scratch.git("update-ref", "refs/notes/mlgit/runs", notes).status, 0)

    let ledger = NotesLedger(repository: try scratch.repository(), ref: "mlgit/runs")
    // In tree order: the fanout folder sorts before the flat name.
    let both = ["{\"b\":2}", "{\"a\":1}"]
    XCTAssertEqual(try ledger.lines(for: object), both)
    XCTAssertEqual(try ledger.allNotes().mapValues(NotesLedger.lines(of:)), [object: both])
    XCTAssertEqual(try ledger.allLines(), [object: both])
    XCTAssertNotNil(try ledger.append(["{\"c\":3}"], to: object))
    XCTAssertEqual(try ledger.lines(for: object), both + ["{\"c\":3}"])
  }

  func testReadsFlatNotesFromGitAndMovesThemOnAppend() throws {
    let scratch = LedgerScratch()
    let first = scratch.commit("one")
    let second = scratch.commit("two")
    scratch.git("notes", "--ref=mlgit/runs", "add", "-m", "{\"flat\":1}", first.hex)
    let repo = try scratch.repository()
    let ledger = NotesLedger(repository: repo, ref: "refs/notes/mlgit/runs")
    XCTAssertEqual(try ledger.lines(for: first), ["{\"flat\":1}"])
    try ledger.append(["{\"fan\":2}"], to: second)
    try ledger.append(["{\"more\":3}"], to: first)
    XCTAssertEqual(try ledger.allLines(), [first: ["{\"flat\":1}", "{\"more\":3}"], second: ["{\"fan\":2}"]])
    let paths = scratch.git("ls-tree", "-r", "--name-only", "refs/notes/mlgit/runs").out.split(separator: "\n")
    XCTAssertEqual(
      Set(paths),
      [
        Substring(first.hex.prefix(2) + "/" + first.hex.dropFirst(2)),
        Substring(second.hex.prefix(2) + "/" + second.hex.dropFirst(2)),
      ])
    // git writes on top of the fanout tree, and both readers still agree.
    scratch.git("notes", "--ref=mlgit/runs", "append", "-m", "{\"git\":4}", second.hex)
    XCTAssertEqual(try ledger.lines(for: second), ["{\"fan\":2}", "{\"git\":4}"])
    XCTAssertEqual(scratch.git("notes", "--ref=mlgit/runs", "show", first.hex).out, "{\"flat\":1}\n{\"more\":3}\n")
  }

  /// The server's ledger guard compares only the notes two notes commits differ in, by
  /// the object they annotate: a note moved from the flat layout to fanout is one object,
  /// read with the same lines on both sides; untouched notes are not named.
  func testChangedObjectsFollowNotesAcrossLayouts() throws {
    let scratch = LedgerScratch()
    let first = scratch.commit("one")
    let second = scratch.commit("two")
    scratch.git("notes", "--ref=mlgit/runs", "add", "-m", "{\"flat\":1}", first.hex)
    scratch.git("notes", "--ref=mlgit/runs", "add", "-m", "{\"other\":2}", second.hex)
    let repo = try scratch.repository()
    let ledger = NotesLedger(repository: repo, ref: "mlgit/runs")
    let before = try XCTUnwrap(try ledger.tip())
    // mlgit's append moves the flat note into `ab/…` and leaves the other one where it is.
    try ledger.append(["{\"more\":3}"], to: first)
    let after = try XCTUnwrap(try ledger.tip())
    XCTAssertEqual(try ledger.changedObjects(from: before, to: after), [first])
    XCTAssertEqual(try ledger.lines(for: [first], inCommit: before), [first: ["{\"flat\":1}"]])
    XCTAssertEqual(try ledger.lines(for: [first], inCommit: after), [first: ["{\"flat\":1}", "{\"more\":3}"]])
    // From no notes at all, every annotated object is named.
    XCTAssertEqual(try ledger.changedObjects(from: nil, to: after), [first, second])
    XCTAssertEqual(try ledger.changedObjects(from: after, to: after), [])
  }

  func testReadsDeepFanoutAndNotesOnBlobs() throws {
    let scratch = LedgerScratch()
    let repo = try scratch.repository()
    let ledger = NotesLedger(repository: repo, ref: "mlgit/reviews")
    let blobs = try scratch.blobs(300, in: repo)
    try ledger.append(Dictionary(uniqueKeysWithValues: blobs.map { ($0, ["{\"n\":\"\($0.short)\"}"]) }))
    // git rewrites big notes trees with its own fanout; we still read every note.
    scratch.git("notes", "--ref=mlgit/reviews", "add", "-f", "-m", "{\"by\":\"git\"}", blobs[0].hex)
    let all = try ledger.allNotes()
    XCTAssertEqual(all.count, 300)
    XCTAssertEqual(all[blobs[0]], "{\"by\":\"git\"}\n")
    XCTAssertEqual(try ledger.lines(for: blobs[1]), ["{\"n\":\"\(blobs[1].short)\"}"])
    XCTAssertNil(try ledger.note(for: OID.emptyTree))
  }

  /// Notes whose blobs a caller kept are handed on from its bytes, the others read, in the
  /// tree's order whether the rest is read as listed or in pack order; `read` says which.
  func testKeptNoteBytesAreHandedOnInsteadOfReadOnes() throws {
    let scratch = LedgerScratch()
    let repo = try scratch.repository()
    let ledger = NotesLedger(repository: repo, ref: "mlgit/runs")
    let blobs = try scratch.blobs(40, in: repo)
    try ledger.append(Dictionary(uniqueKeysWithValues: blobs.enumerated().map { ($1, ["{\"n\":\($0)}"]) }))
    let tip = try XCTUnwrap(try ledger.tip())
    var plain: [(object: OID, blob: OID, bytes: [UInt8])] = []
    try ledger.forEachNote(inCommit: tip, packOrderFrom: .max, kept: nil) {
      plain.append(($0, $1, Array($2)))
      _ = $3
    }
    XCTAssertEqual(plain.count, 40)
    // Every other note's blob "kept", with other bytes than git's, to tell them apart.
    var keptBytes: [UInt8] = []
    var kept: [OID: Range<Int>] = [:]
    for (index, note) in plain.enumerated() where index % 2 == 0 {
      let start = keptBytes.count
      keptBytes += Array("kept \(index)".utf8)
      kept[note.blob] = start..<keptBytes.count
    }
    for packOrderFrom in [Int.max, 0] {
      var seen: [(OID, [UInt8], Bool)] = []
      try keptBytes.withUnsafeBytes { all in
        let lookup: (OID) -> UnsafeRawBufferPointer? = { blob in
          kept[blob].map { UnsafeRawBufferPointer(rebasing: all[$0]) }
        }
        try ledger.forEachNote(inCommit: tip, packOrderFrom: packOrderFrom, kept: lookup) { object, _, bytes, read in
          seen.append((object, Array(bytes), read))
        }
      }
      XCTAssertEqual(seen.map(\.0), plain.map(\.object), "tree order (pack order from \(packOrderFrom))")
      for (index, (_, bytes, read)) in seen.enumerated() {
        XCTAssertEqual(read, index % 2 == 1)
        XCTAssertEqual(bytes, index % 2 == 0 ? Array("kept \(index)".utf8) : plain[index].bytes)
      }
    }
  }

  /// A big ledger's note blobs are read in the packs' order (libgit2's cache of delta bases
  /// keeps up with that order only), and handed on in tree order all the same: packed and
  /// deltified by `git gc`, loose ones beside them, two notes for one object.
  func testNotesReadInPackOrderAreHandedOnInTreeOrder() throws {
    let scratch = LedgerScratch()
    let repo = try scratch.repository()
    let ledger = NotesLedger(repository: repo, ref: "mlgit/runs")
    let blobs = try scratch.blobs(400, in: repo)
    let line = { (index: Int) in
      "{\"id\":\"\(index)\",\"metrics\":{\"auc\":0.\(index)},\"params\":{\"depth\":\(index % 7)},\"schema\":\"mlgit.run/1\"}"
    }
    try ledger.append(Dictionary(uniqueKeysWithValues: blobs.enumerated().map { ($1, [line($0)]) }))
    scratch.git("notes", "--ref=mlgit/runs", "add", "-f", "-m", "{\"by\":\"git\"}", blobs[0].hex)
    XCTAssertEqual(scratch.git("gc", "-q").status, 0)  // the note blobs packed (the annotated blobs stay loose)
    for (index, blob) in blobs.prefix(5).enumerated() { try ledger.append([line(1000 + index)], to: blob) }
    let tip = try XCTUnwrap(try ledger.tip())
    var listed: [(OID, [UInt8])] = []
    try ledger.forEachNote(inCommit: tip, packOrderFrom: .max) { listed.append(($0, Array($1))) }
    var packed: [(OID, [UInt8])] = []
    try ledger.forEachNote(inCommit: tip, packOrderFrom: 0) { packed.append(($0, Array($1))) }
    XCTAssertEqual(listed.count, 400)
    XCTAssertEqual(packed.map(\.0), listed.map(\.0), "same notes, same order")
    XCTAssertEqual(packed.map(\.1), listed.map(\.1))
    var read: [OID] = []
    try ledger.forEachNote { object, _ in read.append(object) }
    XCTAssertEqual(read, listed.map(\.0))

    // The order read in is the packs' (backwards), not the tree's; objects in no pack last.
    var noteBlobs: [OID] = []
    for entry in scratch.git("ls-tree", "-r", tip.hex).out.split(separator: "\n") {
      noteBlobs.append(try XCTUnwrap(OID(hex: String(entry.split(separator: " ")[2].prefix(40)))))
    }
    let order = repo.packOrder(noteBlobs)
    XCTAssertEqual(order.sorted(), Array(noteBlobs.indices))
    XCTAssertNotEqual(order, Array(noteBlobs.indices))
    let loose = Set(
      noteBlobs.indices.filter {
        FileManager.default.fileExists(
          atPath: scratch.path + "/.git/objects/" + noteBlobs[$0].hex.prefix(2) + "/" + noteBlobs[$0].hex.dropFirst(2))
      })
    XCTAssertEqual(loose.count, 5)
    XCTAssertEqual(Set(order.suffix(5)), loose)
  }

  func testReadingAheadVisitsWhatForEachNoteVisitsAndStopsOnError() throws {
    let scratch = LedgerScratch()
    let repo = try scratch.repository()
    let ledger = NotesLedger(repository: repo, ref: "mlgit/reviews")
    var none = 0
    try ledger.forEachNoteReadingAhead { _, _ in none += 1 }
    XCTAssertEqual(none, 0, "no notes ref: nothing to visit")
    let blobs = try scratch.blobs(700, in: repo)  // several batches
    try ledger.append(Dictionary(uniqueKeysWithValues: blobs.enumerated().map { ($1, ["{\"n\":\($0)}"]) }))
    var expected: [(OID, [UInt8])] = []
    try ledger.forEachNote { expected.append(($0, Array($1))) }
    var seen: [(OID, [UInt8])] = []
    try ledger.forEachNoteReadingAhead { seen.append(($0, Array($1))) }
    XCTAssertEqual(seen.count, 700)
    XCTAssertEqual(seen.map(\.0), expected.map(\.0), "same notes, same order")
    XCTAssertEqual(seen.map(\.1), expected.map(\.1))
    struct Stop: Error {}
    var visited = 0
    XCTAssertThrowsError(
      try ledger.forEachNoteReadingAhead { _, _ in
        visited += 1
        if visited == 300 { throw Stop() }
      }
    ) { XCTAssertTrue($0 is Stop) }
    XCTAssertEqual(visited, 300, "no note is handed over after the error")
    // The repository is usable at once: the reader has stopped.
    XCTAssertEqual(try ledger.allNotes().count, 700)
  }

  func testMergeKeepsEveryLineAndFastForwards() throws {
    let scratch = LedgerScratch()
    let first = scratch.commit("one")
    let second = scratch.commit("two")
    let repo = try scratch.repository()
    let ours = NotesLedger(repository: repo, ref: "mlgit/runs")
    try ours.append(["{\"base\":0}"], to: first)
    let base = try XCTUnwrap(try ours.tip())
    let theirs = NotesLedger(repository: repo, ref: "refs/notes/mlgit-remote/origin/runs")
    XCTAssertEqual(try theirs.merge(notesCommit: base), .fastForward(base))
    try theirs.append(["{\"theirs\":1}"], to: first)
    try theirs.append(["{\"theirs\":2}"], to: second)
    try ours.append(["{\"ours\":1}"], to: first)
    guard case .merged(let merged) = try ours.merge(notesCommit: try XCTUnwrap(try theirs.tip())) else {
      return XCTFail("expected a merge")
    }
    XCTAssertEqual(try ours.lines(for: first), ["{\"base\":0}", "{\"ours\":1}", "{\"theirs\":1}"])
    XCTAssertEqual(try ours.lines(for: second), ["{\"theirs\":2}"])
    XCTAssertEqual(try theirs.merge(notesCommit: merged), .fastForward(merged))
    XCTAssertEqual(try ours.merge(notesCommit: try XCTUnwrap(try theirs.tip())), .upToDate)
  }

  func testConcurrentAppendersLoseNothing() throws {
    let scratch = LedgerScratch()
    let target = scratch.commit("one")
    let path = scratch.path
    DispatchQueue.concurrentPerform(iterations: 4) { writer in
      guard let repo = try? Repository.discover(at: path) else { return }
      let ledger = NotesLedger(repository: repo, ref: "mlgit/runs")
      for record in 0..<10 {
        do { try ledger.append(["{\"w\":\(writer),\"r\":\(record)}"], to: target) } catch {
          XCTFail("writer \(writer): \(error)")
        }
      }
    }
    let ledger = NotesLedger(repository: try scratch.repository(), ref: "mlgit/runs")
    XCTAssertEqual(try ledger.lines(for: target).count, 40)
  }
}
