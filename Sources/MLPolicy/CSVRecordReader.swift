import FoundationEssentials

/// The records of a CSV or TSV file, read from chunks of bytes as they arrive, so a file
/// of any size is read in memory bounded by the limits below, never by the file.
///
/// RFC 4180 quoting (a separator or line end inside quotes is data, a doubled quote is
/// one quote), a UTF-8 byte order mark dropped, `\n`, `\r\n` and a lone `\r` as line
/// ends, blank lines skipped. A NUL byte means the file is not text: reading stops there.
public struct CSVRecordReader {
  /// One record: its fields (those kept), where it starts, and how it ended.
  public struct Record {
    /// The physical line the record starts on (1-based; a quoted field may span lines).
    public var line = 1
    /// How many fields the record has.
    public var fieldCount = 0
    /// Kept fields, by slot (see `keep(_:)`); all fields in order while every field is kept.
    public var fields: [[UInt8]] = []
    /// While every field is kept (the header): the byte offset in the input, a byte order
    /// mark included, at which each field starts (at its opening quote, when quoted).
    public var offsets: [Int64] = []
    /// False for a last record with no line end after it.
    public var terminated = true
    /// A kept field was cut at `fieldLimit`, or the record passed `recordLimit`.
    public var truncated = false
    /// The record ended inside quotes (only a last, unterminated record can).
    public var openQuote = false

    /// The field in `slot` (empty when the record is too short to have it).
    public func field(_ slot: Int) -> [UInt8] { slot < fields.count ? fields[slot] : [] }
  }

  public let separator: UInt8
  /// Bytes kept of one field (the rest is counted, not kept).
  public let fieldLimit: Int
  /// Bytes kept of one record, all fields together.
  public let recordLimit: Int
  /// The byte offset of the first NUL byte, when one was seen (reading stopped there).
  public private(set) var nulOffset: Int64?
  /// Bytes consumed so far.
  public private(set) var offset: Int64 = 0

  /// Keep every field (the header), or only those `keep(_:)` names.
  private var keepAll = true
  /// Field index -> slot, -1: not kept (indices past the end are not kept).
  private var slots: [Int] = []
  private var slotCount = 0

  private var record = Record()
  private var fieldIndex = 0
  private var fieldLength = 0
  private var keptBytes = 0
  private var quoted = false
  private var quoteInQuoted = false
  private var pendingCR = false
  private var line = 1
  private var bom: [UInt8] = []
  private var bomDone = false
  private var fieldStart: Int64 = 0

  public init(separator: UInt8, fieldLimit: Int = 4096, recordLimit: Int = 1 << 20) {
    self.separator = separator
    self.fieldLimit = fieldLimit
    self.recordLimit = recordLimit
  }

  /// The separator a path's extension implies: tab for `.tsv`, else a comma.
  public static func separator(forPath path: String) -> UInt8 {
    path.lowercased().hasSuffix(".tsv") ? UInt8(ascii: "\t") : UInt8(ascii: ",")
  }

  /// From the next record on, keep only the fields at `indices`: field `indices[i]` goes to slot `i`.
  public mutating func keep(_ indices: [Int]) {
    keepAll = false
    slots = Array(repeating: -1, count: (indices.max() ?? -1) + 1)
    for (slot, index) in indices.enumerated() where index >= 0 && slots[index] < 0 { slots[index] = slot }
    slotCount = indices.count
  }

  /// Called with each record read; returns the fields to keep from the next record on (see
  /// `keep(_:)`), or nil to go on as before. (A handler cannot call `keep` itself: the reader
  /// is busy reading.)
  public typealias Handler = (Record) -> [Int]?

  /// Reads a chunk, calling `onRecord` for each record it completes.
  public mutating func feed(_ chunk: Data, _ onRecord: Handler) {
    chunk.withUnsafeBytes { feed($0, onRecord) }
  }

  /// Reads a chunk, calling `onRecord` for each record it completes.
  public mutating func feed(_ raw: UnsafeRawBufferPointer, _ onRecord: Handler) {
    guard nulOffset == nil else { return }
    let bytes = raw.bindMemory(to: UInt8.self)
    var i = 0
    while i < bytes.count {
      // Runs of ordinary bytes, inside or outside quotes, are taken whole: byte by byte,
      // the reader cost more than the hash (docs/performance.md).
      if bomDone && !pendingCR && !quoteInQuoted {
        var j = i
        if quoted {
          while j < bytes.count, !CSVRecordReader.endsQuotedRun(bytes[j]) { j += 1 }
        } else {
          while j < bytes.count, !CSVRecordReader.endsRun(bytes[j], separator) { j += 1 }
        }
        if j > i {
          append(UnsafeBufferPointer(rebasing: bytes[i..<j]))
          offset += Int64(j - i)
          i = j
          if i == bytes.count { break }
        }
      }
      consume(bytes[i], onRecord)
      if nulOffset != nil { return }
      i += 1
    }
  }

  @inline(__always) static func endsRun(_ byte: UInt8, _ separator: UInt8) -> Bool {
    byte == separator || byte == 0x0A || byte == 0x0D || byte == 0x22 || byte == 0
  }

  @inline(__always) static func endsQuotedRun(_ byte: UInt8) -> Bool {
    byte == 0x22 || byte == 0x0A || byte == 0x0D || byte == 0
  }

  /// Ends the input: the last record, when it has no line end, is passed with `terminated` false.
  public mutating func finish(_ onRecord: Handler) {
    guard nulOffset == nil else { return }
    if !bomDone {
      bomDone = true
      let pending = bom
      bom = []
      for byte in pending { consume(byte, onRecord) }
    }
    if fieldIndex > 0 || fieldLength > 0 || quoted {
      record.openQuote = quoted && !quoteInQuoted
      endField()
      record.terminated = false
      emit(onRecord)
    }
  }

  private mutating func consume(_ byte: UInt8, _ onRecord: Handler) {
    if !bomDone {
      // A byte order mark may be split across chunks: hold its bytes until it is whole or not one.
      let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
      if byte == mark[bom.count] {
        bom.append(byte)
        offset += 1
        if bom.count == mark.count {
          bomDone = true
          bom = []
          fieldStart = offset
        }
        return
      }
      bomDone = true
      let pending = bom
      bom = []
      offset -= Int64(pending.count)
      for held in pending { consume(held, onRecord) }
    }
    if byte == 0 {
      nulOffset = offset
      return
    }
    offset += 1
    if quoted {
      let afterCR = pendingCR
      pendingCR = false
      if quoteInQuoted {
        quoteInQuoted = false
        if byte == UInt8(ascii: "\"") {
          append(byte)
          return
        }
        quoted = false  // the quote closed the field; this byte is read as outside quotes
      } else if byte == UInt8(ascii: "\"") {
        quoteInQuoted = true
        return
      } else {
        // Line ends inside quotes are data, but still lines: findings name physical lines.
        if byte == UInt8(ascii: "\r") || (byte == UInt8(ascii: "\n") && !afterCR) { line += 1 }
        pendingCR = byte == UInt8(ascii: "\r")
        append(byte)
        return
      }
    }
    if pendingCR {
      pendingCR = false
      if byte == UInt8(ascii: "\n") {  // \r\n: the record ended at \r
        fieldStart = offset
        return
      }
    }
    switch byte {
    case separator:
      endField()
    case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
      pendingCR = byte == UInt8(ascii: "\r")
      if fieldIndex == 0 && fieldLength == 0 && !record.truncated {
        // A blank line holds no record.
        line += 1
        record.line = line
        fieldStart = offset
        return
      }
      endField()
      emit(onRecord)
      line += 1
      record.line = line
      fieldStart = offset
    case UInt8(ascii: "\"") where fieldLength == 0:
      quoted = true
      fieldLength = 0
    default:
      append(byte)
    }
  }

  /// The slot the current field is kept in, or -1.
  private var currentSlot: Int {
    if keepAll { return fieldIndex < CSVRecordReader.maxKeptFields ? fieldIndex : -1 }
    return fieldIndex < slots.count ? slots[fieldIndex] : -1
  }

  /// Fields kept of one record while every field is kept (the header).
  static let maxKeptFields = 65_536

  /// Appends a run of ordinary bytes to the current field (what `append(_:)` does for each).
  private mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
    fieldLength += run.count
    let slot = currentSlot
    guard slot >= 0 else {
      if keepAll { record.truncated = true }
      return
    }
    while record.fields.count <= slot { record.fields.append([]) }
    let room = max(0, min(fieldLimit - record.fields[slot].count, recordLimit - keptBytes))
    if run.count > room { record.truncated = true }
    let taken = min(room, run.count)
    guard taken > 0 else { return }
    record.fields[slot].append(contentsOf: UnsafeBufferPointer(rebasing: run[0..<taken]))
    keptBytes += taken
  }

  private mutating func append(_ byte: UInt8) {
    fieldLength += 1
    let slot = currentSlot
    guard slot >= 0 else {
      if keepAll { record.truncated = true }
      return
    }
    while record.fields.count <= slot { record.fields.append([]) }
    guard record.fields[slot].count < fieldLimit, keptBytes < recordLimit else {
      record.truncated = true
      return
    }
    record.fields[slot].append(byte)
    keptBytes += 1
  }

  private mutating func endField() {
    // An empty field still takes its slot, so the header's columns keep their positions.
    let slot = currentSlot
    if slot >= 0 {
      while record.fields.count <= slot { record.fields.append([]) }
    } else if keepAll {
      record.truncated = true
    }
    if keepAll && slot >= 0 { record.offsets.append(fieldStart) }
    fieldStart = offset
    fieldIndex += 1
    fieldLength = 0
    record.fieldCount = fieldIndex
  }

  private mutating func emit(_ onRecord: Handler) {
    let keeping = onRecord(record)
    // Kept arrays are emptied, not dropped: their storage serves the next record. A short
    // record's missing cells therefore read as empty cells.
    if keepAll {
      record.fields.removeAll(keepingCapacity: true)
      record.offsets.removeAll(keepingCapacity: true)
    } else {
      for i in record.fields.indices { record.fields[i].removeAll(keepingCapacity: true) }
    }
    record.fieldCount = 0
    record.truncated = false
    record.terminated = true
    record.openQuote = false
    fieldIndex = 0
    fieldLength = 0
    keptBytes = 0
    quoted = false
    quoteInQuoted = false
    if let keeping { keep(keeping) }
  }
}
