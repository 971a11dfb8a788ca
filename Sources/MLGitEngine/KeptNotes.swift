import FoundationEssentials
import GitKit

/// The runs ledger's note blobs as `mlgit runs` last read them, kept in
/// `<git common dir>/mlgit/run-notes` (a `KeptFile`), so that a listing reads from the packs
/// only the notes that changed since.
///
/// Why: listing 10,000 runs read and inflated 10,000 note blobs, a third of `mlgit runs
/// --all`'s instructions, on every run (docs/performance.md, "Runs listed from kept
/// notes"). A blob's id names its content, so kept bytes stay right for as long as the
/// blob is listed; a file whose sum fails is not used at all.
///
/// Only the listing reads it. Checks, hooks, the audit and everything that judges runs
/// read the notes from git: the file is not evidence, and a run forged into it would show
/// in `mlgit runs` only, on the machine whose `.git` holds it.
struct KeptNotes {
  static let header = Array("mlgit run-notes 1\n".utf8)
  /// Ledgers whose notes take more are listed from git alone.
  static let sizeLimit = 512 << 20
  /// The file is rewritten once this many notes were read from git, or kept ones are no
  /// longer listed: not after each new run.
  static let rewriteAfter = 64

  let file: KeptFile
  /// Whether a listing was made here before: something is at the file's path. A first
  /// listing keeps only a mark that it was made (a file holding no note): a clone listed
  /// once, as a CI job's, does not pay for keeping what it will not read again, and the
  /// next listing keeps the notes.
  let found: Bool
  /// The file's bytes, and where each blob's are among them.
  private var bytes = Data()
  private var places: [OID: Range<Int>] = [:]

  /// The file, without reading it.
  static func file(in repository: Repository) -> KeptFile {
    KeptFile(repository: repository, name: "run-notes", sizeLimit: sizeLimit)
  }

  init(repository: Repository) {
    file = KeptNotes.file(in: repository)
    found = file.exists
    if found, let data = file.load(), let places = data.withUnsafeBytes({ KeptNotes.decode($0) }) {
      (bytes, self.places) = (data, places)
    }
  }

  var count: Int { places.count }
  /// The kept file's size in bytes (0 without one).
  var size: Int { bytes.count }

  /// Calls `body` with the kept file's bytes and a lookup of a blob's bytes among them
  /// (both valid during the call).
  func withLookup<T>(_ body: (UnsafeRawBufferPointer, (OID) -> UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
    try bytes.withUnsafeBytes { all in
      try body(all) { blob in places[blob].map { UnsafeRawBufferPointer(rebasing: all[$0]) } }
    }
  }

  /// A new file's body, sealed by `KeptFile.store(sealing:)`: the header, then per note
  /// blob its 20 raw id bytes, its length (8 bytes, little-endian) and its bytes. A blob
  /// added twice is read back once.
  struct Body {
    var bytes: [UInt8]
    /// The most the sealed file may take.
    let limit: Int

    /// `capacity`: about how many bytes the body will take (a guess too big costs only
    /// address space; one too small, copies as it grows).
    init(capacity: Int, limit: Int = KeptNotes.sizeLimit) {
      self.limit = limit
      bytes = []
      bytes.reserveCapacity(capacity)
      bytes += KeptNotes.header
    }

    /// False once the body would pass the file's size limit: then nothing more is added,
    /// and the file is not written (a ledger that large is listed from git alone).
    private(set) var fits = true

    mutating func add(_ blob: OID, _ note: UnsafeRawBufferPointer) {
      guard fits else { return }
      // 28 bytes of id and length, and room for the sum line (69).
      guard bytes.count + 28 + note.count + 69 <= limit else {
        fits = false
        bytes = []
        return
      }
      blob.appendRawBytes(to: &bytes)
      withUnsafeBytes(of: UInt64(note.count).littleEndian) { bytes.append(contentsOf: $0) }
      bytes.append(contentsOf: note)
    }
  }

  /// Where each blob's bytes are in a whole file; nil when it is damaged.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> [OID: Range<Int>]? {
    guard let end = KeptFile.sealedLength(bytes), end >= header.count,
      bytes[..<header.count].elementsEqual(header)
    else { return nil }
    var places: [OID: Range<Int>] = [:]
    var at = header.count
    while at < end {
      guard end - at >= 28 else { return nil }
      let blob = OID(rawBytes: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + 20)]))
      let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 20, as: UInt64.self))
      at += 28
      guard length <= UInt64(end - at) else { return nil }
      let range = at..<(at + Int(length))
      places[blob] = range
      at = range.upperBound
    }
    return places
  }
}
