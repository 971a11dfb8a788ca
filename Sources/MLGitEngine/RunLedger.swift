import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// The training-run ledger (`refs/notes/mlgit/runs`): run records on commits, as
/// the policy engine and the commands see them.
public struct RunLedger {
  let repository: Repository
  let notes: NotesLedger

  public init(repository: Repository) {
    self.repository = repository
    notes = NotesLedger(repository: repository, ref: NotesLedger.runsRef)
  }

  /// Appends a run to its commit's note.
  func record(_ run: RunRecord, on commit: OID) throws {
    try notes.append([run.line], to: commit, message: "Notes added by 'mlgit run'")
  }

  /// Appends a reproduction's verdict to the note of the commit the reproduced run ran from.
  func record(_ reproduction: ReproductionRecord, on commit: OID) throws {
    try notes.append([reproduction.line], to: commit, message: "Notes added by 'mlgit reproduce'")
  }

  /// Every recorded reproduction, keyed by the commit hex of the run it reproduced (the note
  /// it is in), read in one pass over the notes tree. A record that names another commit
  /// than its note's is left out: it would vouch for a commit it is not attached to.
  static func loadReproductions(_ repository: Repository) throws -> [String: [ReproductionRecord]] {
    var byCommit: [String: [ReproductionRecord]] = [:]
    let marker = Array(ReproductionRecord.schema.utf8)
    try RunLedger(repository: repository).notes.forEachNoteReadingAhead { commit, bytes in
      NotesLedger.forEachLineBytes(bytes) { line in
        // Bytes first: most lines are runs, skipped without making a String of each.
        guard line.firstRange(of: marker) != nil else { return }
        let text = String(decoding: line, as: UTF8.self)
        guard let record = try? ReproductionRecord.parse(text), record.commit == commit.hex
        else { return }
        byCommit[commit.hex, default: []].append(record)
      }
    }
    return byCommit
  }

  /// Every recorded run by commit, read in one pass over the notes tree.
  func allRuns() throws -> [OID: [RunRecord]] {
    var byCommit: [OID: [RunRecord]] = [:]
    try notes.forEachNoteReadingAhead { commit, bytes in
      NotesLedger.forEachLineBytes(bytes) { line in
        if let run = try? RunRecord.parse(utf8: line) { byCommit[commit, default: []].append(run) }
      }
    }
    return byCommit
  }

  /// Every recorded run with only the fields a listing shows, in notes-tree order, and
  /// the commit each is attached to (`commits[row]`). `keepingLines: false` leaves the
  /// lines' text out (text output never shows it). Also the reproductions' verdicts, by
  /// the id of the run they reproduced (only those in the note of that run's commit).
  func listings(keepingLines: Bool) throws -> (
    table: RunListings, commits: [OID], reproductions: [String: [ReproductionRecord]]
  ) {
    var table = RunListings()
    var commits: [OID] = []
    var reproductions: [String: [ReproductionRecord]] = [:]
    let marker = Array(ReproductionRecord.schema.utf8)
    // The notes' bytes come from the file `KeptNotes` keeps where it has them; after a first
    // listing, those read from git go into the next file's body as they come (8 MB reserved:
    // 10,000 notes' worth without growing, and address space only until written).
    let kept = KeptNotes(repository: repository)
    var body = KeptNotes.Body(capacity: kept.found ? kept.size + (8 << 20) : 0)
    var keptListed: [(blob: OID, bytes: Range<Int>)] = []
    var readCount = 0
    try kept.withLookup { keptBytes, lookup in
      try notes.forEachNote(kept: lookup) { commit, blob, bytes, wasRead in
        NotesLedger.forEachLineBytes(bytes) { line in
          if table.append(line: line, keepingLine: keepingLines) {
            commits.append(commit)
          } else if line.firstRange(of: marker) != nil,
            let record = try? ReproductionRecord.parse(String(decoding: line, as: UTF8.self)),
            record.commit == commit.hex
          {
            reproductions[record.run, default: []].append(record)
          }
        }
        if wasRead {
          readCount += 1
          if kept.found { body.add(blob, bytes) }
        } else if let base = keptBytes.baseAddress, let start = bytes.baseAddress {
          let offset = base.distance(to: start)
          keptListed.append((blob, offset..<(offset + bytes.count)))
        }
      }
      // Kept again once enough was read from git or enough kept is no longer listed; after
      // a first listing, only its mark (the body as it is: no note).
      if readCount + max(0, kept.count - keptListed.count) >= KeptNotes.rewriteAfter {
        for note in keptListed { body.add(note.blob, UnsafeRawBufferPointer(rebasing: keptBytes[note.bytes])) }
        if body.fits { kept.file.store(sealing: &body.bytes) }
      }
    }
    return (table, commits, reproductions)
  }

  /// The runs on one commit.
  func runs(on commit: OID) throws -> [RunRecord] {
    RunRecord.records(inNote: try notes.lines(for: commit))
  }

  /// Every run keyed by commit hex, for `PolicyContext.runs`.
  static func load(_ repository: Repository) throws -> [String: [RunRecord]] {
    var byCommit: [String: [RunRecord]] = [:]
    for (commit, runs) in try RunLedger(repository: repository).allRuns() where !runs.isEmpty {
      byCommit[commit.hex] = runs
    }
    return byCommit
  }

  /// The run with this id (or unique id prefix), with the commit it is attached to.
  public func find(id: String) throws -> RunRecord {
    let all = try allRuns().values.flatMap { $0 }
    if let exact = all.first(where: { $0.id == id }) { return exact }
    let matches = all.filter { $0.id.hasPrefix(id) }
    if matches.count == 1, let only = matches.first { return only }
    if matches.isEmpty {
      throw CommandFailure.usage("mlgit: no recorded run has id '\(id)'; `mlgit runs --all` lists them")
    }
    throw CommandFailure.usage(
      "mlgit: run id '\(id)' is ambiguous: \(matches.map(\.id).sorted().joined(separator: ", "))")
  }
}
