import FoundationEssentials
import MLGitErrors
import MLSpec

/// Checks a CSV or TSV file against a `data.<name>.schema`, fed in chunks as the file
/// streams by (`mlgit run` hashes and checks in one pass; a commit gives the prefix it
/// read). Memory is bounded by the reader's limits and one tally per column and kind,
/// whatever the file's size: each violation is counted, and only its first row kept.
public struct DataSchemaValidator {
  /// What is wrong with one column, counted over the rows.
  public struct Violation: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
      case missing
      case duplicated(count: Int)
      case type(DataSchema.ColumnType)
      case belowMin(DataSchema.Bound)
      case aboveMax(DataSchema.Bound)
      case notAllowed
      case empty
    }

    public var column: DataSchema.Column
    public var kind: Kind
    /// How many cells break the expectation (1 for the header's kinds).
    public var count: Int
    /// The first offending row's physical line, and its value (cut to 60 characters).
    public var line: Int
    public var value: String

    /// The finding's message, without the data file's name.
    public var message: String {
      let name = column.name
      let cells = count == 1 ? "line \(line)" : "\(count) rows, first on line \(line)"
      switch kind {
      case .missing:
        return "column '\(name)' is not in the header"
      case .duplicated(let times):
        return "column '\(name)' appears \(times) times in the header; the first is checked"
      case .type(let type):
        return "column '\(name)' holds '\(value)', not \(type == .int ? "an" : "a") \(type.rawValue) (\(cells))"
      case .belowMin(let bound):
        return "column '\(name)' holds \(value), below min \(bound) (\(cells))"
      case .aboveMax(let bound):
        return "column '\(name)' holds \(value), above max \(bound) (\(cells))"
      case .notAllowed:
        return
          "column '\(name)' holds '\(value)', not one of values [\((column.values ?? []).joined(separator: ", "))] (\(cells))"
      case .empty:
        return "column '\(name)' has an empty cell but is not nullable (\(cells))"
      }
    }
  }

  /// What the check found.
  public struct Report: Sendable, Equatable {
    public var violations: [Violation] = []
    /// Why the file could not be checked at all (not text, no header, a header over the bound).
    public var problem: String?
    /// Data rows checked (after the header).
    public var rows = 0
  }

  public let schema: DataSchema
  private var reader: CSVRecordReader
  /// Schema column -> header index, once the header is read.
  private var indices: [Int]?
  /// Checked columns and their slots in the record.
  private var checked: [(expectation: Expectation, slot: Int)] = []
  private var report = Report()
  /// Tallies by column and kind, in the order first met.
  private var tallies: [String: Int] = [:]

  public init(schema: DataSchema, separator: UInt8) {
    self.schema = schema
    reader = CSVRecordReader(separator: separator)
  }

  /// Reads a chunk of the file.
  public mutating func feed(_ chunk: Data) {
    chunk.withUnsafeBytes { feed($0) }
  }

  /// Reads a chunk of the file.
  public mutating func feed(_ chunk: UnsafeRawBufferPointer) {
    // The reader is taken out while it reads, so that the handler may change the report.
    var busy = CSVRecordReader(separator: reader.separator)
    swap(&busy, &reader)
    busy.feed(chunk) { handle($0) }
    swap(&busy, &reader)
  }

  /// Ends the input. `complete`: the file was read to its end; false: a prefix cut at a
  /// bound, whose last record (unterminated) may be cut and is not judged.
  public mutating func finish(complete: Bool) -> Report {
    var busy = CSVRecordReader(separator: reader.separator)
    swap(&busy, &reader)
    busy.finish { complete || $0.terminated ? handle($0) : nil }
    swap(&busy, &reader)
    if let offset = reader.nulOffset {
      report.problem = "is not a text file (a NUL byte at byte \(offset))"
      return report
    }
    if indices == nil, report.problem == nil {
      report.problem = complete ? "has no header row" : "has no header row within its first \(reader.offset) bytes"
    }
    return report
  }

  /// Judges a record; returns the fields to keep after the header.
  private mutating func handle(_ record: CSVRecordReader.Record) -> [Int]? {
    guard indices != nil else { return readHeader(record) }
    report.rows += 1
    for index in checked.indices {
      let cell = record.field(checked[index].slot)
      if let kind = DataSchemaValidator.judge(cell, checked[index].expectation) {
        tally(checked[index].expectation.column, kind, line: record.line, value: cell)
      }
    }
    return nil
  }

  private mutating func readHeader(_ record: CSVRecordReader.Record) -> [Int] {
    if record.truncated {
      report.problem =
        "has a header row over mlgit's bounds (\(CSVRecordReader.maxKeptFields) columns, \(reader.recordLimit) bytes)"
      indices = []
      return []
    }
    var positions: [String: [Int]] = [:]
    for (index, bytes) in record.fields.enumerated() {
      let name = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
      positions[name, default: []].append(index)
    }
    var found: [Int] = []
    var keep: [Int] = []
    for column in schema.columns {
      guard let at = positions[column.name] else {
        report.violations.append(Violation(column: column, kind: .missing, count: 1, line: record.line, value: ""))
        found.append(-1)
        continue
      }
      if at.count > 1 {
        report.violations.append(
          Violation(
            column: column, kind: .duplicated(count: at.count), count: 1, line: record.line,
            value: ""))
      }
      found.append(at[0])
      if column.effectiveType != nil || column.values != nil || !column.nullable {
        checked.append((Expectation(column), keep.count))
        keep.append(at[0])
      }
    }
    indices = found
    return keep
  }

  private mutating func tally(_ column: DataSchema.Column, _ kind: Violation.Kind, line: Int, value: [UInt8]) {
    let key = "\(column.name)\u{0}\(kind)"
    if let at = tallies[key] {
      report.violations[at].count += 1
      return
    }
    var text = String(decoding: value.prefix(240), as: UTF8.self).trimmingWhitespace()
    if text.count > 60 { text = String(text.prefix(57)) + "..." }
    tallies[key] = report.violations.count
    report.violations.append(Violation(column: column, kind: kind, count: 1, line: line, value: text))
  }

  /// A column as cells are judged against it, its allowed values read once. A class: it is
  /// handed to `judge` for every cell, and copying the column's strings each time showed in
  /// profiles.
  final class Expectation {
    let column: DataSchema.Column
    let type: DataSchema.ColumnType?
    /// Allowed values as bytes (text columns) or numbers (int and float columns).
    private(set) var allowedText: [[UInt8]]?
    private(set) var allowedNumbers: [Double]?

    init(_ column: DataSchema.Column) {
      self.column = column
      type = column.effectiveType
      if let values = column.values {
        if type?.isNumeric == true {
          allowedNumbers = values.compactMap { Double($0) }
        } else {
          allowedText = values.map { Array($0.utf8) }
        }
      }
    }
  }

  /// What is wrong with one cell, or nil.
  static func judge(_ bytes: [UInt8], _ column: DataSchema.Column) -> Violation.Kind? {
    judge(bytes, Expectation(column))
  }

  static func judge(_ bytes: [UInt8], _ expectation: Expectation) -> Violation.Kind? {
    let column = expectation.column
    // Spaces around a value are layout, as in the header.
    var start = 0
    var end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
    if start == end { return column.nullable ? nil : .empty }
    let cell = bytes[start..<end]
    var number: Double?
    switch expectation.type {
    case .int?:
      // Short cells make small strings, which Double reads without allocating.
      guard isInteger(cell), let value = Double(String(decoding: cell, as: UTF8.self)) else { return .type(.int) }
      number = value
    case .float?:
      // Swift's Double reads hexadecimal and nan/inf too; a data file's floats are decimal and finite.
      guard isDecimal(cell), let value = Double(String(decoding: cell, as: UTF8.self)), value.isFinite else {
        return .type(.float)
      }
      number = value
    case .bool?:
      guard boolWords.contains(String(decoding: cell, as: UTF8.self).lowercased()) else { return .type(.bool) }
    case .date?:
      let text = String(decoding: cell, as: UTF8.self)
      guard DataSchema.isDate(text) else { return .type(.date) }
      let day = String(text.prefix(10))
      if case .date(let min)? = column.min, day < min { return .belowMin(.date(min)) }
      if case .date(let max)? = column.max, day > max { return .aboveMax(.date(max)) }
    case .string?, nil:
      break
    }
    if let number {
      if case .number(let min)? = column.min, number < min { return .belowMin(.number(min)) }
      if case .number(let max)? = column.max, number > max { return .aboveMax(.number(max)) }
    }
    if let allowed = expectation.allowedNumbers {
      if let number, !allowed.contains(number) { return .notAllowed }
    } else if let allowed = expectation.allowedText, !allowed.contains(where: { $0.elementsEqual(cell) }) {
      // Compared byte for byte: a value is allowed as it is written.
      return .notAllowed
    }
    return nil
  }

  static let boolWords: Set<String> = ["true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"]

  /// An optional sign and digits.
  static func isInteger(_ bytes: ArraySlice<UInt8>) -> Bool {
    var digits = bytes[...]
    if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      digits = digits.dropFirst()
    }
    return !digits.isEmpty && digits.allSatisfy { $0 >= 48 && $0 <= 57 }
  }

  /// Digits, one point, an exponent, signs: the characters of a decimal number.
  static func isDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
    bytes.contains { $0 >= 48 && $0 <= 57 }
      && bytes.allSatisfy {
        ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
          || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
      }
  }
}
