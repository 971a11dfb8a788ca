import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import XCTest

@testable import MLGitEngine

/// `mlgit runs` keeps the run notes it read in `.git/mlgit/run-notes` and takes their bytes
/// from there next time; whatever the file holds, a listing shows what git holds, except
/// for a file rewritten whole with a right sum, which only the listing reads.
final class KeptNotesTests: XCTestCase {
  /// A repository with one commit and `count` runs in the ledger, one note each (on
  /// made-up object ids: a listing of every run does not look at the commits).
  private func ledger(runs count: Int, from first: Int = 0, in repo: ScratchRepository? = nil) throws
    -> ScratchRepository
  {
    let repo =
      repo
      ?? {
        let made = ScratchRepository()
        made.write("README.md", "one\n")
        _ = made.commit("first")
        return made
      }()
    var batch: [OID: [String]] = [:]
    for index in first..<(first + count) {
      let object = try XCTUnwrap(OID(hex: String(format: "%040x", 0x1000 + index)))
      let run = RunRecord(
        id: "r\(index)", commit: object.hex, model: "m\(index % 3)",
        started: String(format: "2026-01-01T00:%02d:%02dZ", index / 60 % 60, index % 60),
        finished: "2026-01-01T01:00:00Z", user: "alice", host: "h", command: "train", exit: 0,
        metrics: ["auc": 0.5 + Double(index) / 1000])
      batch[object] = [run.line]
    }
    _ = try NotesLedger(repository: try repo.open(), ref: NotesLedger.runsRef).append(batch)
    return repo
  }

  /// Every listed run as text: id, model, start and metrics, newest first.
  private func listing(_ repo: ScratchRepository) throws -> [String] {
    let selection = try XCTUnwrap(
      try RunsSelection.select(
        in: Workspace(repository: try repo.open(), environment: [:]), revisions: [], all: true, model: nil,
        keepingLines: true))
    let table = selection.table
    return selection.rows.map { row in
      var text = [table.rows[row].id, table.rows[row].model, table.rows[row].started].map(table.string)
        .joined(separator: " ")
      table.forEachMetricByName(row) { text += " \(table.string($0.name))=\($0.value)" }
      return text
    }
  }

  private func keptFile(_ repo: ScratchRepository) -> String { repo.path + "/.git/mlgit/run-notes" }

  private func keptBytes(_ repo: ScratchRepository) -> Data? { FileManager.default.contents(atPath: keptFile(repo)) }

  /// Number of notes a kept file holds (nil: none there or damaged).
  private func keptCount(_ repo: ScratchRepository) -> Int? {
    keptBytes(repo)?.withUnsafeBytes { KeptNotes.decode($0)?.count }
  }

  /// A first listing keeps only its mark; the second keeps the notes; the third reads them.
  func testLaterListingsReadTheKeptNotesAndShowTheSameRuns() throws {
    let repo = try ledger(runs: 100)
    let cold = try listing(repo)
    XCTAssertEqual(cold.count, 100)
    XCTAssertEqual(keptCount(repo), 0, "a first listing leaves a mark, no note")
    XCTAssertEqual(try listing(repo), cold)
    let kept = try XCTUnwrap(keptBytes(repo))
    XCTAssertEqual(keptCount(repo), 100, "the second keeps the 100 notes it read from git")
    XCTAssertEqual(try listing(repo), cold)
    XCTAssertEqual(keptBytes(repo), kept, "nothing new: the file is left as it is")
  }

  func testASmallLedgerIsNotKept() throws {
    let repo = try ledger(runs: 20)
    XCTAssertEqual(try listing(repo).count, 20)
    XCTAssertNil(keptBytes(repo))
  }

  /// New runs are read from git, and the file is rewritten only once 64 of them came.
  func testNewRunsAreReadFromGitAndKeptOnceEnoughCame() throws {
    let repo = try ledger(runs: 100)
    _ = try listing(repo)
    _ = try listing(repo)
    let kept = try XCTUnwrap(keptBytes(repo))
    XCTAssertEqual(keptCount(repo), 100)
    _ = try ledger(runs: 1, from: 100, in: repo)
    let withOne = try listing(repo)
    XCTAssertEqual(withOne.count, 101)
    XCTAssertTrue(withOne.contains { $0.hasPrefix("r100 ") })
    XCTAssertEqual(keptBytes(repo), kept, "one new run does not rewrite the file")
    _ = try ledger(runs: 70, from: 101, in: repo)
    let withMore = try listing(repo)
    XCTAssertEqual(withMore.count, 171)
    XCTAssertEqual(keptCount(repo), 171)
    XCTAssertEqual(try listing(repo), withMore)
  }

  /// A damaged file (a byte changed, cut short, not one at all, a folder in its place, a
  /// folder that cannot be made) is not used: the listing is git's, and a file that can be
  /// replaced is.
  func testADamagedOrUnwritableKeptFileChangesNothing() throws {
    let repo = try ledger(runs: 100)
    let cold = try listing(repo)
    _ = try listing(repo)
    let good = try XCTUnwrap(keptBytes(repo))
    XCTAssertEqual(keptCount(repo), 100)
    var flipped = good
    flipped[good.count / 2] ^= 0x01
    for (name, bytes) in [
      ("a byte changed", flipped), ("cut short", good.prefix(good.count - 10)), ("empty", Data()),
      ("text", Data("mlgit run-notes 1\nsum 00\n".utf8)),
    ] {
      try bytes.write(to: URL(fileURLWithPath: keptFile(repo)))
      XCTAssertEqual(try listing(repo), cold, name)
      XCTAssertEqual(keptBytes(repo), good, "\(name): replaced")
    }
    try FileManager.default.removeItem(atPath: keptFile(repo))
    try FileManager.default.createDirectory(atPath: keptFile(repo), withIntermediateDirectories: false)
    XCTAssertEqual(try listing(repo), cold, "a folder in the file's place")
    try FileManager.default.removeItem(atPath: repo.path + "/.git/mlgit")
    repo.write(".git/mlgit", "a file where the folder would be\n")
    XCTAssertEqual(try listing(repo), cold, "no folder to keep the file in")
  }

  /// A file rewritten whole, with its sum made right, changes what `mlgit runs` lists on
  /// this machine, and nothing else: checks and the audit read the runs from git.
  func testAForgedKeptFileReachesTheListingOnly() throws {
    let repo = try ledger(runs: 100)
    _ = try listing(repo)
    _ = try listing(repo)
    let good = try XCTUnwrap(keptBytes(repo))
    let places = try good.withUnsafeBytes { try XCTUnwrap(KeptNotes.decode($0)) }
    // r7's note rewritten to a run with another id and a perfect score.
    let notes = NotesLedger(repository: try repo.open(), ref: NotesLedger.runsRef)
    var body = KeptNotes.Body(capacity: 0)
    var count = 0
    let nothingKept: (OID) -> UnsafeRawBufferPointer? = { _ in nil }
    try notes.forEachNote(kept: nothingKept) { _, blob, bytes, _ in
      var text = String(decoding: bytes, as: UTF8.self)
      if text.contains("\"id\":\"r7\"") {
        text = text.replacingOccurrences(of: "\"id\":\"r7\"", with: "\"id\":\"forged\"")
          .replacingOccurrences(of: "\"auc\":0.507", with: "\"auc\":1")
      }
      text.withUTF8 { body.add(blob, UnsafeRawBufferPointer($0)) }
      count += 1
    }
    XCTAssertEqual(count, places.count)
    KeptNotes.file(in: try repo.open()).store(sealing: &body.bytes)
    XCTAssertTrue(try listing(repo).contains("forged m1 2026-01-01T00:00:07Z auc=1.0"))
    let runs = try RunLedger(repository: try repo.open()).allRuns().values.flatMap { $0 }
    XCTAssertEqual(runs.count, 100)
    XCTAssertTrue(runs.contains { $0.id == "r7" })
    XCTAssertFalse(runs.contains { $0.id == "forged" })
  }

  /// A ledger whose notes would pass the file's size limit is listed from git, not kept.
  func testNotesPastTheSizeLimitAreNotKept() throws {
    let note = Array(repeating: UInt8(ascii: "x"), count: 100)
    let blob = try XCTUnwrap(OID(hex: String(repeating: "ab", count: 20)))
    var body = KeptNotes.Body(capacity: 0, limit: 18 + 2 * 128 + 69)
    note.withUnsafeBytes { body.add(blob, $0) }
    note.withUnsafeBytes { body.add(blob, $0) }
    XCTAssertTrue(body.fits)
    note.withUnsafeBytes { body.add(blob, $0) }
    XCTAssertFalse(body.fits)
    XCTAssertTrue(body.bytes.isEmpty, "what was gathered is let go")
  }
}
