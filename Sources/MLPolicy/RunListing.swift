import FoundationEssentials
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fields of a run that a listing shows, read without building its params and
/// data (`mlgit runs` reads every line of the ledger).
public struct RunListing: Sendable, Equatable {
  public var id: String
  public var commit: String
  public var model: String
  public var started: String
  public var exit: Int
  public var dirty: Bool
  public var metrics: [String: Double]
  /// The ledger line as recorded.
  public var line: String

  /// Reads a ledger line; lines of other schemas or malformed lines throw.
  public static func parse(_ line: String) throws -> RunListing {
    var table = RunListings()
    var copy = line
    let read = copy.withUTF8 { table.append(line: UnsafeRawBufferPointer($0), keepingLine: true) }
    guard read else { throw RunRecordError("not an \(RunRecord.schema) record: \(line.prefix(80))") }
    return table.listing(0)
  }
}

/// The listings of many ledger lines, their text kept as ranges of one byte buffer:
/// no String, Dictionary or JSON value per run. `mlgit runs` reads ten thousands of
/// lines this way, sorts them and writes them out as bytes.
public struct RunListings {
  /// One run. Text fields are ranges of `text` (empty when the line lacks them).
  public struct Row {
    public var id: Range<Int>
    public var commit: Range<Int>
    public var model: Range<Int>
    public var started: Range<Int>
    /// The whole ledger line (empty unless the line was kept).
    public var line: Range<Int>
    /// -1 when unknown (absent, not a number, beyond Int's range).
    public var exit: Int
    public var dirty: Bool
    /// Range of `metrics`: this run's finite metrics, in the line's order.
    public var metrics: Range<Int>
  }

  /// One metric: its name (a range of `text`) and value.
  public struct Metric {
    public var name: Range<Int>
    public var value: Double
    /// The number as the line wrote it, when that is exactly `value.description`
    /// (what canonical ledger lines hold): a listing copies it instead of formatting.
    public var written: Range<Int>?
  }

  public private(set) var text: [UInt8] = []
  public private(set) var rows: [Row] = []
  public private(set) var metrics: [Metric] = []

  public init() {}

  public var count: Int { rows.count }

  /// Reads one ledger line and adds it as a row; returns false (adding nothing) when the
  /// line is not JSON, not an `mlgit.run/1` record, or has no id. A key given twice
  /// counts by its last value, as in a parsed object. `keepingLine` keeps the line's
  /// text for `line` (JSON output); text listings leave it out.
  public mutating func append(line: UnsafeRawBufferPointer, keepingLine: Bool) -> Bool {
    let (textMark, metricsMark) = (text.count, metrics.count)
    if let row = try? read(line, keepingLine: keepingLine) {
      rows.append(row)
      return true
    }
    text.removeSubrange(textMark...)
    metrics.removeSubrange(metricsMark...)
    return false
  }

  private mutating func read(_ line: UnsafeRawBufferPointer, keepingLine: Bool) throws -> Row {
    let none = text.count..<text.count
    var row = Row(
      id: none, commit: none, model: none, started: none, line: none, exit: -1, dirty: false,
      metrics: metrics.count..<metrics.count)
    var isRun = false
    var id: Range<Int>?
    var exit: JSONValue?
    var dirty: JSONValue?
    var cursor = JSONCursor(line)
    guard try cursor.enterObject() else { throw RunRecordError("not an object") }
    while let key = try cursor.nextKey() {
      // By length first: the names are plain ASCII, so equal text has equal length.
      switch key.utf8Count {
      case 2 where key == "id": id = try cursor.appendString(to: &text)
      case 4 where key == "exit": exit = try cursor.value()
      case 5 where key == "model": row.model = try cursor.appendString(to: &text) ?? none
      case 5 where key == "dirty": dirty = try cursor.value()
      case 6 where key == "schema": isRun = try cursor.string() == RunRecord.schema
      case 6 where key == "commit": row.commit = try cursor.appendString(to: &text) ?? none
      case 7 where key == "started": row.started = try cursor.appendString(to: &text) ?? none
      case 7 where key == "metrics": row.metrics = try readMetrics(&cursor, in: line)
      default: break
      }
    }
    try cursor.end()
    guard isRun else { throw RunRecordError("not an \(RunRecord.schema) record") }
    guard let id, !id.isEmpty else { throw RunRecordError("run record without an id") }
    row.id = id
    row.exit = RunListings.exitCode(exit)
    if case .bool(let flag)? = dirty { row.dirty = flag }
    if keepingLine {
      let start = text.count
      if line.contains(where: { $0 >= 0x80 }) {
        text.append(contentsOf: String(decoding: line, as: UTF8.self).utf8)  // repaired as a String would be
      } else {
        text.append(contentsOf: line)
      }
      row.line = start..<text.count
    }
    return row
  }

  /// A `metrics` value: its finite numbers (a later value of a name replaces, or when
  /// not a finite number removes, an earlier one). Not an object: no metrics.
  private mutating func readMetrics(_ cursor: inout JSONCursor, in line: UnsafeRawBufferPointer) throws -> Range<Int> {
    let start = metrics.count
    guard try cursor.enterObject() else { return start..<start }
    while let key = try cursor.nextKey() {
      let name = key.append(to: &text)
      if let earlier = metrics[start...].firstIndex(where: { same(text[$0.name], text[name]) }) {
        metrics.remove(at: earlier)
      }
      let before = cursor.offset
      guard let number = try cursor.value().doubleValue, number.isFinite else { continue }
      var metric = Metric(name: name, value: number)
      let written = UnsafeRawBufferPointer(rebasing: line[before..<cursor.offset])
      if RunListings.isDescription(written, of: number) {
        metric.written = text.count..<(text.count + written.count)
        text.append(contentsOf: written)
      }
      metrics.append(metric)
    }
    return start..<metrics.count
  }

  /// True when `written` (a JSON number that reads as `value`) is `value.description`:
  /// a plain decimal `-?D.D` of at most 15 significant digits, no trailing zero, and
  /// 1e-4 <= |value| < 1e15. Such text is the shortest that reads back as the value
  /// (15 digits tell doubles apart), and Swift prints that range without an exponent.
  static func isDescription(_ written: UnsafeRawBufferPointer, of value: Double) -> Bool {
    let magnitude = abs(value)
    guard magnitude >= 1e-4, magnitude < 1e15, let last = written.last, last != UInt8(ascii: "0") else { return false }
    var significant = 0
    var sawPoint = false
    var sawNonZero = false
    for (index, byte) in written.enumerated() {
      switch byte {
      case UInt8(ascii: "-") where index == 0: continue
      case UInt8(ascii: "."):
        if sawPoint { return false }
        sawPoint = true
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        if byte != UInt8(ascii: "0") { sawNonZero = true }
        if sawNonZero { significant += 1 }
      default: return false  // an exponent, or anything else
      }
    }
    return sawPoint && last != UInt8(ascii: ".") && significant <= 15
  }

  /// `exit` as recorded: an integer, a number truncated toward zero, else -1 (unknown).
  static func exitCode(_ value: JSONValue?) -> Int {
    switch value {
    case .int(let code)?: return code
    case .double(let code)?: return Int(exactly: code.rounded(.towardZero)) ?? -1  // out of Int's range: unknown
    default: return -1
    }
  }

  /// Text equality of two stored names (as String compares them when either is not ASCII).
  private func same(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
    if a.elementsEqual(b) { return true }
    guard a.contains(where: { $0 >= 0x80 }) || b.contains(where: { $0 >= 0x80 }) else { return false }
    return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
  }

  /// A range of `text` as a String.
  public func string(_ range: Range<Int>) -> String {
    text.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
  }

  /// Row `index` as a listing value.
  public func listing(_ index: Int) -> RunListing {
    let row = rows[index]
    var found: [String: Double] = [:]
    for metric in metrics[row.metrics] { found[string(metric.name)] = metric.value }
    return RunListing(
      id: string(row.id), commit: string(row.commit), model: string(row.model),
      started: string(row.started), exit: row.exit, dirty: row.dirty, metrics: found, line: string(row.line))
  }

  /// Calls `body` with the metrics of row `index` in name order (no array made for the
  /// usual one or two).
  public func forEachMetricByName(_ index: Int, _ body: (Metric) throws -> Void) rethrows {
    let slice = metrics[rows[index].metrics]
    func precedes(_ a: Metric, _ b: Metric) -> Bool {
      let (x, y) = (text[a.name], text[b.name])
      if !x.contains(where: { $0 >= 0x80 }) && !y.contains(where: { $0 >= 0x80 }) {
        return x.lexicographicallyPrecedes(y)
      }
      return string(a.name) < string(b.name)
    }
    switch slice.count {
    case 0: return
    case 1: try body(slice[slice.startIndex])
    case 2:
      let (a, b) = (slice[slice.startIndex], slice[slice.startIndex + 1])
      if precedes(b, a) {
        try body(b)
        try body(a)
      } else {
        try body(a)
        try body(b)
      }
    default: for metric in slice.sorted(by: precedes) { try body(metric) }
    }
  }

  /// `rows` (indices) newest first: by start time, then id, both descending; rows equal
  /// in both keep their order (what a stable sort on `(started, id)` as Strings gives).
  /// When every key is ASCII they are compared as bytes, which orders them the same way.
  public func newestFirst(_ rows: [Int]) -> [Int] {
    func plain(_ range: Range<Int>) -> Bool { !text[range].contains { $0 == 0 || $0 >= 0x80 } }
    guard rows.allSatisfy({ plain(self.rows[$0].started) && plain(self.rows[$0].id) }) else {
      let keyed = rows.map { (row: $0, started: string(self.rows[$0].started), id: string(self.rows[$0].id)) }
      return keyed.enumerated().sorted { a, b in
        let (x, y) = (a.element, b.element)
        if x.started != y.started { return x.started > y.started }
        if x.id != y.id { return x.id > y.id }
        return a.offset < b.offset
      }.map(\.element.row)
    }
    // The first 24 bytes of the start time as three big-endian integers decide most
    // comparisons without touching the text (ISO times are 20 bytes).
    struct Key { var started: (UInt64, UInt64, UInt64), position: Int }
    var keys: [Key] = []
    keys.reserveCapacity(rows.count)
    text.withUnsafeBufferPointer { bytes in
      for (position, row) in rows.enumerated() {
        var word: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let started = self.rows[row].started
        withUnsafeMutableBytes(of: &word) { words in
          let count = min(started.count, 24)
          for offset in 0..<count { words[offset] = bytes[started.lowerBound + offset] }
        }
        keys.append(
          Key(
            started: (UInt64(bigEndian: word.0), UInt64(bigEndian: word.1), UInt64(bigEndian: word.2)),
            position: position))
      }
    }
    text.withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress else { return }
      func compare(_ a: Range<Int>, _ b: Range<Int>) -> Int32 {
        let common = memcmp(base + a.lowerBound, base + b.lowerBound, min(a.count, b.count))
        if common != 0 { return common }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
      }
      keys.sort { a, b in
        if a.started != b.started { return a.started > b.started }
        let (x, y) = (self.rows[rows[a.position]], self.rows[rows[b.position]])
        let started = compare(x.started, y.started)
        if started != 0 { return started > 0 }
        let id = compare(x.id, y.id)
        if id != 0 { return id > 0 }
        return a.position < b.position
      }
    }
    return keys.map { rows[$0.position] }
  }
}
