import CLibGit2
import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// A notes ref whose notes are JSON Lines ledgers (`refs/notes/mlgit/runs`,
/// `refs/notes/mlgit/reviews`): read in one pass over the notes tree, appended to
/// the way `git notes append` does, and moved only by compare-and-swap.
///
/// Reads accept every layout git writes: flat (`<40 hex>`) and fanout
/// (`ab/<38 hex>`, `ab/cd/<36 hex>`, …), mixed in one tree. Writes put a note in
/// git's fanout form (`ab/<38 hex>`), or where git's deeper fanout already keeps it,
/// so `git notes --ref=… show` finds it and git can keep writing to the same ref.
public final class NotesLedger {
  /// Training runs, on the commit they ran from.
  public static let runsRef = "refs/notes/mlgit/runs"
  /// Hyperparameter approvals, on the approved spec's blob.
  public static let reviewsRef = "refs/notes/mlgit/reviews"

  public let repository: Repository
  /// The full ref name, `refs/notes/…`.
  public let ref: String
  /// How many times a write tries again after losing a race for the ref.
  public var maxAttempts = 200

  /// A ledger on `ref`: a full name (`refs/notes/mlgit/runs`) or a short one
  /// (`mlgit/runs`, as `git notes --ref` takes it).
  public init(repository: Repository, ref: String) {
    self.repository = repository
    self.ref = NotesLedger.fullName(ref)
  }

  /// Expands a short notes ref as git does: `mlgit/runs` -> `refs/notes/mlgit/runs`.
  public static func fullName(_ ref: String) -> String {
    if ref.hasPrefix("refs/") { return ref }
    if ref.hasPrefix("notes/") { return "refs/" + ref }
    return "refs/notes/" + ref
  }

  /// The current notes commit, or nil when the ref does not exist yet. A ref that names
  /// something else (a blob, a tree) or a commit that is gone is refused, naming the ref
  /// and how to repair it.
  public func tip() throws -> OID? {
    guard let target = try repository.referenceTarget(ref) else { return nil }
    switch try repository.objectKind(target) {
    case "commit"?: return target
    case nil: throw damaged(target, missing: "the commit itself")
    case let kind?:
      throw GitError(
        message: """
          \(ref) points at a \(kind) (\(target.short)), not a notes commit: git notes and mlgit keep notes in commits, \
          so something else wrote this ref. \(restoreAdvice(excluding: target))
          """)
    }
  }

  /// Runs `body` on the ledger's tip and reports objects missing under it (a tree or a
  /// note pruned by `git gc --prune=now` while a writer was between writing its objects
  /// and moving the ref) as the damage it is, with the command that repairs it.
  private func readingTip<T>(_ tip: OID, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as GitError where error.isNotFound {
      throw damaged(tip, missing: error.message)
    }
  }

  private func damaged(_ tip: OID, missing: String) -> GitError {
    GitError(
      message: """
        \(ref) is damaged: its notes commit \(tip.short) refers to objects that are missing (\(missing)), \
        as happens when `git gc --prune=now` runs while notes are written. \(restoreAdvice(excluding: tip))
        """)
  }

  /// How to put the ref back on a complete notes commit: the newest one in its reflog
  /// whose trees and notes are all present, else removing the ref and fetching it again.
  private func restoreAdvice(excluding broken: OID) -> String {
    if let good = newestCompleteCommitInReflog(excluding: broken) {
      return """
        Its newest complete state in `git reflog \(ref)` is \(good.short); when no git or mlgit process is writing, \
        restore it with: git update-ref \(ref) \(good.hex) (notes written after it are lost: record them again; \
        `mlgit sync` brings back those already pushed)
        """
    }
    return """
      Its reflog holds no complete notes commit; when no git or mlgit process is writing, remove the ref with \
      `git update-ref -d \(ref)` and run `mlgit sync` to fetch the shared notes again (notes never pushed are lost)
      """
  }

  private func newestCompleteCommitInReflog(excluding broken: OID) -> OID? {
    var opened: OpaquePointer?
    guard git_reflog_read(&opened, repository.pointer, ref) == 0, let opened else {
      git_error_clear()
      return nil
    }
    let reflog = Reflog(opened, in: repository)
    defer { withExtendedLifetime(reflog) {} }
    // Entry 0 is the newest.
    for index in 0..<git_reflog_entrycount(reflog.pointer) {
      guard let entry = git_reflog_entry_byindex(reflog.pointer, index), let id = git_reflog_entry_id_new(entry) else {
        continue
      }
      let candidate = OID(id)
      if candidate != broken, candidate != OID.zero, isComplete(candidate) { return candidate }
    }
    return nil
  }

  /// True when a commit, its tree, every subtree and every note blob are present.
  private func isComplete(_ commit: OID) -> Bool {
    guard (try? repository.objectKind(commit)) == "commit", let tree = try? repository.treeOf(commit: commit) else {
      git_error_clear()
      return false
    }
    guard let odb = try? repository.objectDatabase() else {
      git_error_clear()
      return false
    }
    func walk(_ id: OID) -> Bool {
      guard let tree = try? repository.lookupTree(id) else { return false }
      defer { withExtendedLifetime(tree) {} }
      for index in 0..<tree.entryCount {
        guard let entry = tree.entry(at: index) else { return false }
        if git_tree_entry_type(entry) == GIT_OBJECT_TREE {
          if !walk(OID(git_tree_entry_id(entry))) { return false }
        } else if !odb.contains(git_tree_entry_id(entry)) {
          return false
        }
      }
      return true
    }
    let complete = walk(tree)
    git_error_clear()
    return complete
  }

  // MARK: Reading

  /// Every note of the ref: annotated object -> note text, in one pass over the notes tree.
  public func allNotes() throws -> [OID: String] {
    guard let tip = try tip() else { return [:] }
    return try readingTip(tip) { try notes(inCommit: tip) }
  }

  /// Every note of the ref as its non-empty lines, read in one pass over the note bytes
  /// (no note text is built).
  public func allLines() throws -> [OID: [String]] {
    var result: [OID: [String]] = [:]
    try forEachNote { object, bytes in
      // Two notes for one object: their lines in tree order, as git's concatenation reads.
      NotesLedger.forEachLine(bytes) { result[object, default: []].append($0) }
    }
    return result
  }

  /// Visits every note blob of the ref in tree order: the annotated object and the note's
  /// bytes, valid only during the call. An object with notes in two places (flat and
  /// fanout) is visited once for each. Ledgers are read this way without building a
  /// String per note (`mlgit runs --all` reads ten thousands of them).
  public func forEachNote(_ body: (OID, UnsafeRawBufferPointer) throws -> Void) throws {
    guard let tip = try tip() else { return }
    try readingTip(tip) { try forEachNote(inCommit: tip, body) }
  }

  /// `forEachNote`, with the notes read from the object database on a second thread
  /// while `body` handles the ones read before: for callers whose `body` costs about as
  /// much as libgit2's reading (`mlgit runs` parses every line of ten thousands of notes).
  /// `body` runs on the calling thread, in tree order; the notes are read through a
  /// second handle on the repository. On one CPU (`ReadAhead.secondCore` false) it is
  /// `forEachNote`: no second handle, no copy of the notes into batches.
  public func forEachNoteReadingAhead(_ body: (OID, UnsafeRawBufferPointer) throws -> Void) throws {
    guard ReadAhead.secondCore else { return try forEachNote(body) }
    guard let tip = try tip() else { return }
    try readingTip(tip) {
      // Made here, not captured from outside: the producer thread gets the only reference.
      let reader = NotesLedger(repository: try repository.reopen(), ref: ref)
      try ReadAhead.run(
        batch: 1,
        produce: { yield in
          var batch = NoteBatch()
          try reader.forEachNote(inCommit: tip) { object, bytes in
            batch.add(object, bytes)
            if batch.notes.count == NoteBatch.capacity {
              try yield(batch)
              batch = NoteBatch()
            }
          }
          try yield(batch)
        },
        consume: { batch in
          try batch.bytes.withUnsafeBytes { bytes in
            for note in batch.notes { try body(note.object, UnsafeRawBufferPointer(rebasing: bytes[note.range])) }
          }
        })
    }
  }

  /// `forEachNote` over the notes of any notes commit.
  public func forEachNote(inCommit commit: OID, _ body: (OID, UnsafeRawBufferPointer) throws -> Void) throws {
    try forEachNote(inCommit: commit, packOrderFrom: NotesLedger.packOrderFrom, body)
  }

  /// From this many notes on, the note blobs are read in the order they lie in the packs.
  /// git stores a ledger's notes as delta chains up to 50 deep, and libgit2 keeps the
  /// bases it inflated in a cache of 16 MB (fixed in its build) that it empties whole
  /// once full: read in the notes tree's order (by commit id, unrelated to the chains),
  /// 100,000 notes made it inflate each chain again and again, 4.2 s where the pack's
  /// order takes 1.0 s (docs/performance.md, "Scale"). Up to some tens of thousands the
  /// cache holds the chains whatever the order (10,000 notes: 17 ms either way), and
  /// those ledgers are read as listed, each note handed on as it is read (with two
  /// cores, `forEachNoteReadingAhead` parses while the next ones are read).
  static let packOrderFrom = 20_000

  /// `forEachNote(inCommit:)`, reading in pack order from `packOrderFrom` notes on (tests
  /// set it low to take that way with a few notes). `body` sees the notes in tree order
  /// either way; in pack order their bytes are all read first, then handed on.
  func forEachNote(
    inCommit commit: OID, packOrderFrom: Int, _ body: (OID, UnsafeRawBufferPointer) throws -> Void
  ) throws {
    try forEachNote(inCommit: commit, packOrderFrom: packOrderFrom, kept: nil) { object, _, bytes, _ in
      try body(object, bytes)
    }
  }

  /// `forEachNote`, taking the bytes of every note blob `kept` has from there (a blob's id
  /// names its content) and reading the others from the object database. `body` gets each
  /// note's object, its blob, its bytes, and whether they were read (not kept).
  public func forEachNote(
    kept: (OID) -> UnsafeRawBufferPointer?,
    _ body: (_ object: OID, _ blob: OID, _ bytes: UnsafeRawBufferPointer, _ read: Bool) throws -> Void
  ) throws {
    guard let tip = try tip() else { return }
    try withoutActuallyEscaping(kept) { kept in
      try readingTip(tip) { try forEachNote(inCommit: tip, packOrderFrom: NotesLedger.packOrderFrom, kept: kept, body) }
    }
  }

  /// The notes of `commit`: kept bytes where `kept` has them, the others read, in pack
  /// order when they are `packOrderFrom` or more.
  func forEachNote(
    inCommit commit: OID, packOrderFrom: Int, kept: ((OID) -> UnsafeRawBufferPointer?)?,
    _ body: (OID, OID, UnsafeRawBufferPointer, Bool) throws -> Void
  ) throws {
    let tree = try repository.lookupTree(try repository.treeOf(commit: commit))
    // Note blobs are read straight from the object database: no object cache, no git_blob.
    let odb = try repository.objectDatabase()
    var notes: [ListedNote] = []
    try list(tree, prefix: [], into: &notes)
    func read(_ note: ListedNote) throws -> DatabaseObject {
      try odb.read(note.blob, "cannot read note \(NotesLedger.fanoutPath(note.object.hex, levels: Int(note.levels)))")
    }
    let keptBytes = kept.map { kept in notes.map { kept($0.blob) } }
    let missing = keptBytes.map { keptBytes in notes.indices.filter { keptBytes[$0] == nil } }
    guard (missing?.count ?? notes.count) >= packOrderFrom else {
      for (index, note) in notes.enumerated() {
        if let bytes = keptBytes?[index] {
          try body(note.object, note.blob, bytes, false)
          continue
        }
        let stored = try read(note)
        try withExtendedLifetime(stored) { try body(note.object, note.blob, stored.bytes, true) }
      }
      return
    }
    let toRead = missing ?? Array(notes.indices)
    var bytes: [UInt8] = []
    var ranges = [Range<Int>](repeating: 0..<0, count: notes.count)
    for order in repository.packOrder(toRead.map { notes[$0].blob }) {
      let index = toRead[order]
      let stored = try read(notes[index])
      withExtendedLifetime(stored) {
        let start = bytes.count
        bytes.append(contentsOf: stored.bytes)
        ranges[index] = start..<bytes.count
      }
    }
    try bytes.withUnsafeBytes { all in
      for (index, note) in notes.enumerated() {
        if let kept = keptBytes?[index] {
          try body(note.object, note.blob, kept, false)
        } else {
          try body(note.object, note.blob, UnsafeRawBufferPointer(rebasing: all[ranges[index]]), true)
        }
      }
    }
  }

  /// A note found in the notes tree: the object it annotates, its blob, and how many
  /// fanout folders deep it lies.
  struct ListedNote {
    var object: OID
    var blob: OID
    var levels: UInt8
  }

  /// `forEachLine`, handing each line's bytes (valid only during the call) instead of a String.
  public static func forEachLineBytes(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void)
    rethrows
  {
    guard let base = bytes.baseAddress else { return }
    var start = 0
    let count = bytes.count
    while start < count {
      let end = memchr(base + start, 10, count - start).map { UnsafeRawPointer($0) - base } ?? count
      var last = end
      if last > start, bytes[last - 1] == 13 { last -= 1 }
      if last > start { try body(UnsafeRawBufferPointer(rebasing: bytes[start..<last])) }
      start = end + 1
    }
  }

  /// Calls `body` with each non-empty line of a note (a trailing CR dropped), in order.
  public static func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (String) throws -> Void) rethrows {
    try forEachLineBytes(bytes) { try body(String(decoding: $0, as: UTF8.self)) }
  }

  /// The note on one object, or nil when it has none.
  public func note(for object: OID) throws -> String? {
    guard let tip = try tip() else { return nil }
    return try readingTip(tip) {
      let tree = try repository.lookupTree(try repository.treeOf(commit: tip))
      let found = try locate(object, in: tree)
      guard !found.isEmpty else { return nil }
      return NotesLedger.join(try found.map { String(decoding: try repository.blob($0.blob), as: UTF8.self) })
    }
  }

  /// One object's notes kept in two places (flat and fanout) read as one text, as git
  /// concatenates them: each starts on a line of its own, so no two lines merge.
  public static func join(_ notes: [String]) -> String {
    var text = ""
    for note in notes {
      if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
      text += note
    }
    return text
  }

  /// The note on one object as its non-empty lines (empty when it has none).
  public func lines(for object: OID) throws -> [String] {
    try note(for: object).map(NotesLedger.lines(of:)) ?? []
  }

  /// The notes of any notes commit (a fetched one, say), in one pass.
  public func notes(inCommit commit: OID) throws -> [OID: String] {
    var result: [OID: String] = [:]
    try forEachNote(inCommit: commit) { object, bytes in
      let text = String(decoding: bytes, as: UTF8.self)
      // Two notes for one object (flat and fanout): git concatenates them when it reads.
      result[object] = result[object].map { NotesLedger.join([$0, text]) } ?? text
    }
    return result
  }

  /// The non-empty lines of a note, in order.
  public static func lines(of note: String) -> [String] {
    // Split on bytes: Character-wise splitting showed up in `mlgit runs --all` profiles.
    note.utf8.split(separator: 10, omittingEmptySubsequences: true).compactMap { line in
      let trimmed = line.last == 13 ? line.dropLast() : line[...]
      return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
    }
  }

  /// Lists the notes under `tree`, whose path is `prefix` (hex digits of the fanout
  /// folders above it), in tree order. Names are handled as bytes: ten thousands of notes
  /// are listed this way. The entries are borrowed from `tree`, which the caller keeps
  /// alive for the call.
  private func list(_ tree: Tree, prefix: [UInt8], into notes: inout [ListedNote]) throws {
    var path = prefix
    for index in 0..<tree.entryCount {
      guard let entry = tree.entry(at: index), let namePointer = git_tree_entry_name(entry) else { continue }
      let name = UnsafeRawBufferPointer(start: namePointer, count: strlen(namePointer))
      // Git keeps non-note files in notes trees: only hex names that fit an object id are notes.
      guard !name.isEmpty, prefix.count + name.count <= 40, name.allSatisfy(NotesLedger.isHexDigit) else { continue }
      path.removeSubrange(prefix.count...)
      path.append(contentsOf: name)
      let type = git_tree_entry_type(entry)
      if type == GIT_OBJECT_BLOB, path.count == 40 {
        var object = git_oid()
        guard path.withUnsafeBufferPointer({ git_oid_fromstrn(&object, $0.baseAddress, 40) }) == 0 else {
          git_error_clear()
          continue
        }
        notes.append(
          ListedNote(object: OID(object), blob: OID(git_tree_entry_id(entry)), levels: UInt8(prefix.count / 2)))
      } else if type == GIT_OBJECT_TREE, name.count == 2, path.count < 40 {
        try list(try repository.lookupTree(OID(git_tree_entry_id(entry))), prefix: path, into: &notes)
      }
    }
  }

  /// Where a note for `object` is kept: every path (flat or fanout) that holds one.
  private func locate(_ object: OID, in root: Tree) throws -> [(path: String, blob: OID)] {
    let hex = object.hex
    var found: [(String, OID)] = []
    var tree = root
    var consumed = 0
    // Walk down the 2-character fanout folders, checking for the rest of the id at each level.
    // Each entry is read while `tree` holds the tree it is borrowed from.
    while consumed < 40 {
      let rest = String(hex.dropFirst(consumed))
      withExtendedLifetime(tree) {
        if let entry = tree.entry(named: rest), git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
          let path = NotesLedger.fanoutPath(hex, levels: consumed / 2)
          found.append((path, OID(git_tree_entry_id(entry))))
        }
      }
      let folder = String(rest.prefix(2))
      let subtreeID: OID? = withExtendedLifetime(tree) {
        guard consumed + 2 < 40, let entry = tree.entry(named: folder), git_tree_entry_type(entry) == GIT_OBJECT_TREE
        else { return nil }
        return OID(git_tree_entry_id(entry))
      }
      guard let subtreeID else { break }
      tree = try repository.lookupTree(subtreeID)
      consumed += 2
    }
    // In tree order, as `forEachNote` visits them: a folder `ab` sorts as `ab/`, before
    // every `ab…` file beside it, so the deepest note comes first.
    return found.reversed()
  }

  /// `abcdef…` with `levels` 2-character folders: levels 1 -> `ab/cdef…`.
  static func fanoutPath(_ hex: String, levels: Int) -> String {
    var parts: [String] = []
    var rest = Substring(hex)
    for _ in 0..<levels {
      parts.append(String(rest.prefix(2)))
      rest = rest.dropFirst(2)
    }
    parts.append(String(rest))
    return parts.joined(separator: "/")
  }

  /// 0-9 or a-f: the digits of the names git gives notes.
  static func isHexDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (97...102).contains(byte) }

  // MARK: Writing

  /// Appends lines to one object's note (creating it), keeping the lines already there
  /// and skipping any line the note already has. Returns the new notes commit, or nil
  /// when there was nothing new to write.
  @discardableResult
  public func append(_ lines: [String], to object: OID, message: String = "Notes added by 'mlgit'") throws -> OID? {
    try append([object: lines], message: message)
  }

  /// Appends lines to many objects' notes in one notes commit (for sync and imports).
  @discardableResult
  public func append(_ batch: [OID: [String]], message: String = "Notes added by 'mlgit'") throws -> OID? {
    for (_, lines) in batch {
      for line in lines where line.contains("\n") || line.isEmpty {
        throw GitError(message: "a notes ledger line must be one non-empty line: \(line.debugDescription)")
      }
    }
    return try update(objects: Array(batch.keys), message: message) { current in
      var edits: [OID: [String]] = [:]
      for (object, lines) in batch {
        let existing = current[object] ?? []
        var seen = Set(existing)
        var merged = existing
        for line in lines where seen.insert(line).inserted { merged.append(line) }
        if merged != existing { edits[object] = merged }
      }
      return edits
    }
  }

  /// What `merge(notesCommit:)` did.
  public enum MergeOutcome: Equatable, Sendable {
    /// The other notes were already all here.
    case upToDate
    /// The ref moved forward to the other notes commit (no local notes it lacked).
    case fastForward(OID)
    /// A merge notes commit with both as parents, each object's lines the union of both.
    case merged(OID)
  }

  /// Merges another notes commit (a fetched remote ledger) into this ref, keeping
  /// every line of both: per object, the sorted union of lines, as git's
  /// `cat_sort_uniq` strategy does. The result descends from both, so it can be
  /// pushed as a fast-forward.
  @discardableResult
  public func merge(notesCommit other: OID, message: String = "Notes merged by 'mlgit sync'") throws -> MergeOutcome {
    for attempt in 0..<maxAttempts {
      let local = try tip()
      if let local {
        if try local == other || isAncestor(other, of: local) { return .upToDate }
        if try isAncestor(local, of: other) {
          if try moveRef(to: other, from: local) { return .fastForward(other) }
          backoff(attempt)
          continue
        }
      } else {
        if try moveRef(to: other, from: nil) { return .fastForward(other) }
        backoff(attempt)
        continue
      }
      let theirs = try notes(inCommit: other).mapValues(NotesLedger.lines(of:))
      let ours =
        try local.map { tip in try readingTip(tip) { try notes(inCommit: tip).mapValues(NotesLedger.lines(of:)) } }
        ?? [:]
      var edits: [OID: [String]] = [:]
      for (object, theirLines) in theirs {
        let ourLines = ours[object] ?? []
        if ourLines == theirLines { continue }
        let union = Array(Set(ourLines).union(theirLines)).sorted()
        if union != ourLines { edits[object] = union }
      }
      let commit =
        try local.map { tip in
          try readingTip(tip) { try writeCommit(base: tip, edits: edits, parents: [tip, other], message: message) }
        } ?? writeCommit(base: nil, edits: edits, parents: [other], message: message)
      if try moveRef(to: commit, from: local) { return .merged(commit) }
      backoff(attempt)
    }
    throw contended()
  }

  /// Read the tip, compute edits (object -> its full new lines), write the next notes
  /// commit, move the ref by compare-and-swap; on a lost race, read again and retry.
  private func update(
    objects: [OID], message: String,
    edits compute: ([OID: [String]]) throws -> [OID: [String]]
  ) throws -> OID? {
    for attempt in 0..<maxAttempts {
      let local = try tip()
      let current = try local.map { tip in try readingTip(tip) { try currentLines(of: tip, for: objects) } } ?? [:]
      let edits = try compute(current)
      if edits.isEmpty { return nil }
      let commit =
        try local.map { tip in
          try readingTip(tip) { try writeCommit(base: tip, edits: edits, parents: [tip], message: message) }
        } ?? writeCommit(base: nil, edits: edits, parents: [], message: message)
      if try moveRef(to: commit, from: local) { return commit }
      backoff(attempt)
    }
    throw contended()
  }

  /// The current lines of a few objects' notes (a large batch reads the whole tree once).
  private func currentLines(of commit: OID, for objects: [OID]) throws -> [OID: [String]] {
    if objects.count > 64 { return try notes(inCommit: commit).mapValues(NotesLedger.lines(of:)) }
    let tree = try repository.lookupTree(try repository.treeOf(commit: commit))
    var result: [OID: [String]] = [:]
    for object in objects {
      let found = try locate(object, in: tree)
      if found.isEmpty { continue }
      let text = NotesLedger.join(try found.map { String(decoding: try repository.blob($0.blob), as: UTF8.self) })
      result[object] = NotesLedger.lines(of: text)
    }
    return result
  }

  /// Writes the notes tree with `edits` applied on top of `base`'s tree and a commit for it.
  private func writeCommit(base: OID?, edits: [OID: [String]], parents: [OID], message: String) throws -> OID {
    let baseTree = try base.map { try repository.treeOf(commit: $0) }
    var pathEdits: [String: OID?] = [:]
    let baseTreeObject = try baseTree.map { try repository.lookupTree($0) }
    for (object, lines) in edits {
      let content = lines.isEmpty ? nil : lines.joined(separator: "\n") + "\n"
      let existing = try baseTreeObject.map { try locate(object, in: $0) } ?? []
      // Keep a note where git's deeper fanout put it; move flat notes into `ab/…`.
      let target = existing.map(\.path).first { $0.contains("/") } ?? NotesLedger.fanoutPath(object.hex, levels: 1)
      for old in existing where old.path != target { pathEdits[old.path] = .some(nil) }
      if let content {
        pathEdits[target] = .some(try repository.writeBlob(Data(content.utf8)))
      } else {
        pathEdits[target] = .some(nil)
      }
    }
    let tree = try repository.editTree(baseTree, edits: pathEdits) ?? OID.emptyTree
    return try repository.createCommit(tree: tree, parents: parents, message: message)
  }

  /// Moves the ref from `old` (nil: it must not exist) to `new`; false when another
  /// writer got there first. Never forces: an existing ref only moves from `old`.
  private func moveRef(to new: OID, from old: OID?) throws -> Bool {
    var newID = new.raw
    var ref: OpaquePointer?
    let code: Int32
    // The expected value is compared under the ref's lock. For a new ref the expected
    // value is the zero id ("must not exist"): libgit2's own existence check for
    // force=0 runs before it takes the lock, so two creators could both pass it.
    var oldID = (old ?? OID.zero).raw
    code = git_reference_create_matching(&ref, repository.pointer, self.ref, &newID, 1, &oldID, "mlgit: notes")
    if code == 0 {
      _ = ref.map { Reference($0, in: repository) }  // freed at once: only the move was wanted
      return true
    }
    if code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue || code == GIT_EEXISTS.rawValue {
      git_error_clear()
      if code == GIT_ELOCKED.rawValue, let stale = staleLock() { throw stale }
      return false
    }
    try check(code, "cannot update \(self.ref)")
    return false
  }

  /// A lock file older than this is taken for one a killed writer left: git and mlgit
  /// hold a ref's lock for the few milliseconds it takes to write 41 bytes and rename;
  /// the margin covers a writer descheduled on a loaded machine.
  public static let staleLockAge: TimeInterval = 5

  /// The ref's lock file, when it has been there longer than any live writer keeps it:
  /// retrying cannot help, so say which file it is and how to clear it.
  private func staleLock() -> GitError? {
    let path = lockPath
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let modified = attributes[.modificationDate] as? Date
    else { return nil }
    let age = Date().timeIntervalSince(modified)
    guard age >= NotesLedger.staleLockAge else { return nil }
    return GitError(
      code: GIT_ELOCKED.rawValue,
      message: """
        cannot update \(ref): its lock file \(path) has been there since \(NotesLedger.describe(age: age)), \
        left by a git or mlgit process that was stopped while writing. When no git or mlgit process is running \
        in this repository, remove it (rm '\(path)') and try again
        """)
  }

  /// Where git and libgit2 lock the ref while moving it (notes refs are shared by every worktree).
  var lockPath: String { URL(fileURLWithPath: repository.commonDirectory).appendingPathComponent(ref + ".lock").path }

  /// The error for a ref that kept changing (or stayed locked) through every attempt.
  private func contended() -> GitError {
    if FileManager.default.fileExists(atPath: lockPath) {
      return GitError(
        code: GIT_ELOCKED.rawValue,
        message: """
          cannot update \(ref): its lock file \(lockPath) stayed in place through \(maxAttempts) attempts. When no git \
          or mlgit process is running in this repository, remove it (rm '\(lockPath)') and try again
          """)
    }
    return GitError(
      code: GIT_ELOCKED.rawValue,
      message: "cannot update \(ref): other writers kept moving it (\(maxAttempts) attempts)")
  }

  static func describe(age: TimeInterval) -> String {
    let seconds = Int(age)
    if seconds < 120 { return "\(seconds) seconds ago" }
    if seconds < 7200 { return "\(seconds / 60) minutes ago" }
    if seconds < 172_800 { return "\(seconds / 3600) hours ago" }
    return "\(seconds / 86400) days ago"
  }

  private func isAncestor(_ ancestor: OID, of descendant: OID) throws -> Bool {
    var a = ancestor.raw
    var d = descendant.raw
    let code = git_graph_descendant_of(repository.pointer, &d, &a)
    try check(code, "cannot compare notes commits")
    return code == 1
  }

  /// Jittered exponential backoff: up to 2, 4, … 100 ms.
  private func backoff(_ attempt: Int) {
    let cap = min(100_000, 2_000 << min(attempt, 6))
    usleep(UInt32.random(in: 200...UInt32(cap)))
  }
}

extension Repository {
  /// Applies path edits (`a/b/c` -> blob, or nil to delete) to a tree (nil: empty);
  /// folders left empty are dropped. Returns nil when the result is the empty tree.
  func editTree(_ base: OID?, edits: [String: OID?]) throws -> OID? {
    let baseTree = try base.map(lookupTree)
    var created: OpaquePointer?
    try withExtendedLifetime(baseTree) {
      try check(git_treebuilder_new(&created, pointer, baseTree?.pointer), "cannot build notes tree")
    }
    guard let created else { throw GitError(message: "cannot build notes tree") }
    let owner = TreeBuilder(created, in: self)
    let builder = owner.pointer
    defer { withExtendedLifetime(owner) {} }
    var nested: [String: [String: OID?]] = [:]
    for (path, blob) in edits {
      if let slash = path.firstIndex(of: "/") {
        nested[String(path[..<slash]), default: [:]][String(path[path.index(after: slash)...])] = blob
      } else if let blob {
        var oid = blob.raw
        try check(
          git_treebuilder_insert(nil, builder, path, &oid, GIT_FILEMODE_BLOB), "cannot add \(path) to notes tree")
      } else if git_treebuilder_get(builder, path) != nil {
        try check(git_treebuilder_remove(builder, path), "cannot remove \(path) from notes tree")
      }
    }
    for (folder, inner) in nested {
      var subtree: OID?
      if let entry = git_treebuilder_get(builder, folder), git_tree_entry_type(entry) == GIT_OBJECT_TREE {
        subtree = OID(git_tree_entry_id(entry))
      }
      if let newTree = try editTree(subtree, edits: inner) {
        var oid = newTree.raw
        try check(
          git_treebuilder_insert(nil, builder, folder, &oid, GIT_FILEMODE_TREE), "cannot add \(folder) to notes tree")
      } else if git_treebuilder_get(builder, folder) != nil {
        try check(git_treebuilder_remove(builder, folder), "cannot remove \(folder) from notes tree")
      }
    }
    if git_treebuilder_entrycount(builder) == 0 { return nil }
    var out = git_oid()
    try check(git_treebuilder_write(&out, builder), "cannot write notes tree")
    return OID(out)
  }

  /// Creates a commit (updating no ref) with the configured identity, else `mlgit`.
  func createCommit(tree: OID, parents: [OID], message: String) throws -> OID {
    var made: UnsafeMutablePointer<git_signature>?
    if git_signature_default(&made, pointer) != 0 {
      git_error_clear()
      try check(git_signature_now(&made, "mlgit", "mlgit@localhost"), "cannot make a signature")
    }
    guard let made else { throw GitError(message: "cannot make a signature") }
    let signature = Signature(made)
    let treeObject = try lookupTree(tree)
    let parentCommits = try parents.map(lookupCommit)
    var parentPointers: [OpaquePointer?] = parentCommits.map(\.pointer)
    var out = git_oid()
    let text = message.hasSuffix("\n") ? message : message + "\n"
    try withExtendedLifetime((signature, treeObject, parentCommits)) {
      try parentPointers.withUnsafeMutableBufferPointer { buffer in
        try check(
          git_commit_create(
            &out, pointer, nil, signature.pointer, signature.pointer, nil, text, treeObject.pointer, parents.count,
            buffer.baseAddress),
          "cannot write notes commit")
      }
    }
    return OID(out)
  }
}

/// Notes read ahead: their bytes, copied out of libgit2's objects, and where each is.
private struct NoteBatch {
  static let capacity = 256
  var bytes: [UInt8] = []
  var notes: [(object: OID, range: Range<Int>)] = []

  init() {
    notes.reserveCapacity(NoteBatch.capacity)
    bytes.reserveCapacity(NoteBatch.capacity * 512)
  }

  mutating func add(_ object: OID, _ note: UnsafeRawBufferPointer) {
    let start = bytes.count
    bytes.append(contentsOf: note)
    notes.append((object, start..<bytes.count))
  }
}

/// What the server's guard on the ledgers reads: the notes two notes commits differ in.
extension NotesLedger {
  /// The objects whose notes differ between two notes commits (nil: no notes), found by
  /// comparing their trees: only changed notes are named, in whatever layout (flat or
  /// fanout) either side keeps them.
  public func changedObjects(from old: OID?, to new: OID) throws -> Set<OID> {
    let oldTree = try old.map { try repository.treeOf(commit: $0) }
    let newTree = try repository.treeOf(commit: new)
    var objects = Set<OID>()
    for delta in try repository.diff(from: oldTree, to: newTree, prefixes: []) {
      let hex = delta.path.replacingEvery("/", with: "")
      guard hex.utf8.count == 40, hex.utf8.allSatisfy(NotesLedger.isHexDigit), let object = OID(hex: hex) else {
        continue
      }
      objects.insert(object)
    }
    return objects
  }

  /// The lines of some objects' notes in a notes commit, wherever its tree keeps them.
  public func lines(for objects: [OID], inCommit commit: OID) throws -> [OID: [String]] {
    try currentLines(of: commit, for: objects)
  }
}
