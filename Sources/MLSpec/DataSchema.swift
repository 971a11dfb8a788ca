#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `data.<name>.schema`: the columns a data file must have, and optionally each column's
/// type, range and allowed values. Written as a list of column names, or as a mapping of
/// column name to a type (`income: float`) or to `{type, min, max, values, nullable}`.
public struct DataSchema: Sendable, Equatable {
  /// The types a column can declare.
  public enum ColumnType: String, Sendable, CaseIterable {
    case int, float, string, bool, date

    /// Types whose values are numbers (ranges and allowed values compare numerically).
    public var isNumeric: Bool { self == .int || self == .float }
  }

  /// A bound of a range: a number, or a date (`YYYY-MM-DD`) for date columns.
  public enum Bound: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case date(String)

    public var description: String {
      switch self {
      case .number(let value):
        return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
      case .date(let text): return text
      }
    }
  }

  /// One expected column.
  public struct Column: Sendable, Equatable {
    public var name: String
    /// Nil: any value (a range alone implies `float`).
    public var type: ColumnType?
    public var min: Bound?
    public var max: Bound?
    /// The allowed values as written (compared as numbers for int and float columns).
    public var values: [String]?
    /// False: an empty cell is a violation. True (the default): an empty cell is a missing
    /// value, and no other check applies to it.
    public var nullable = true
    /// Where the column is written in the spec (its key, or its list item).
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
      self.name = name
      self.location = location
    }

    /// The type values are checked against: the declared one, else `float` when a range is given.
    public var effectiveType: ColumnType? {
      type ?? (min != nil || max != nil ? .float : nil)
    }
  }

  public var columns: [Column]
  /// Where `schema:` is written in the spec.
  public var location: SourceLocation

  public init(columns: [Column], location: SourceLocation) {
    self.columns = columns
    self.location = location
  }

  static let columnKeys = ["type", "min", "max", "values", "nullable"]

  /// Reads `schema:` (`node`, under its key `key`), reporting each problem at its line.
  static func read(_ node: Node, key: Node?, dataName: String, problems: inout [SchemaProblem]) -> DataSchema? {
    func problem(_ message: String, _ location: SourceLocation, _ hint: String? = nil) {
      problems.append(SchemaProblem("data '\(dataName)' schema: \(message)", at: location, hint: hint))
    }
    let example = "e.g. schema: {income: float, age: {type: int, min: 18, max: 120}, region: {values: [north, south]}}"
    var columns: [Column] = []
    var seen = Set<String>()
    func add(_ column: Column) {
      guard seen.insert(column.name).inserted else {
        problem("column '\(column.name)' is listed twice", column.location)
        return
      }
      columns.append(column)
    }
    if let items = node.items {
      for item in items {
        guard let name = item.scalarText, item.pairs == nil, !item.isNull, !name.isEmpty else {
          problem("a list of columns holds column names, found \(item.typeDescription)", item.location, example)
          continue
        }
        add(Column(name: name, location: item.location))
      }
    } else if let pairs = node.pairs {
      for (keyNode, value) in pairs {
        guard let name = keyNode.scalarText, !name.isEmpty else {
          problem("a column name must be a string, found \(keyNode.typeDescription)", keyNode.location)
          continue
        }
        if let column = readColumn(name, key: keyNode, value: value, problem: problem) { add(column) }
      }
    } else {
      problem(
        "must be a list of column names or a mapping of column to type, found \(node.typeDescription)",
        node.location, example)
      return nil
    }
    if columns.isEmpty, node.items?.isEmpty ?? node.pairs?.isEmpty ?? false {
      problem("lists no columns", node.location, example)
    }
    return DataSchema(columns: columns, location: key?.location ?? node.location)
  }

  static func readColumn(
    _ name: String, key: Node, value: Node,
    problem: (String, SourceLocation, String?) -> Void
  ) -> Column? {
    var column = Column(name: name, location: key.location)
    let types = ColumnType.allCases.map(\.rawValue)
    func type(_ node: Node) -> ColumnType? {
      guard let text = node.string, let type = ColumnType(rawValue: text) else {
        let written = node.scalarText ?? node.typeDescription
        problem(
          "column '\(name)': unknown type '\(written)'", node.location,
          (ModelSpec.closest(written, in: types).map { "did you mean '\($0)'? " } ?? "")
            + "types: \(types.joined(separator: ", "))")
        return nil
      }
      return type
    }
    if value.isNull { return column }
    if value.scalarText != nil {
      column.type = type(value)
      return column
    }
    guard let pairs = value.pairs else {
      problem(
        "column '\(name)' must be a type (\(types.joined(separator: ", "))) or {type, min, max, values, nullable}, found \(value.typeDescription)",
        value.location, nil)
      return nil
    }
    for (k, _) in pairs where !columnKeys.contains(k.scalarText ?? "") {
      let written = k.scalarText ?? ""
      problem(
        "column '\(name)': unknown field '\(written)'", k.location,
        ModelSpec.closest(written, in: columnKeys).map { "did you mean '\($0)'?" }
          ?? "fields: \(columnKeys.joined(separator: ", "))")
    }
    if let node = value["type"], !node.isNull { column.type = type(node) }
    let rangeType = column.type ?? .float
    for which in ["min", "max"] {
      guard let node = value[which], !node.isNull else { continue }
      var bound: Bound?
      switch rangeType {
      case .int, .float:
        if let number = node.number, number.isFinite {
          bound = .number(number)
        } else {
          problem(
            "column '\(name)': \(which) must be a finite number, found \(node.typeDescription)", node.location, nil)
        }
      case .date:
        if let text = node.scalarText, DataSchema.isDate(Substring(text)) {
          bound = .date(String(text.prefix(10)))
        } else {
          problem(
            "column '\(name)': \(which) of a date column must be a date YYYY-MM-DD, found '\(node.scalarText ?? node.typeDescription)'",
            node.location, nil)
        }
      case .string, .bool:
        problem(
          "column '\(name)': a \(rangeType.rawValue) column has no range", node.location,
          "use values: [...] for allowed values")
      }
      if which == "min" { column.min = bound } else { column.max = bound }
    }
    if let lo = column.min, let hi = column.max {
      var inverted = false
      if case .number(let a) = lo, case .number(let b) = hi { inverted = a > b }
      if case .date(let a) = lo, case .date(let b) = hi { inverted = a > b }
      if inverted {
        problem("column '\(name)': min \(lo) is above max \(hi)", value.location, "no value could meet this range")
      }
    }
    if let node = value["values"], !node.isNull {
      if let items = node.items, !items.isEmpty {
        var allowed: [String] = []
        for item in items {
          guard let text = item.scalarText, item.pairs == nil, item.items == nil else {
            problem(
              "column '\(name)': values must be a list of scalars, found \(item.typeDescription)", item.location, nil)
            continue
          }
          if let type = column.effectiveType, type.isNumeric, item.number == nil {
            problem(
              "column '\(name)': value '\(text)' of a \(type.rawValue) column must be a number", item.location, nil)
            continue
          }
          allowed.append(text)
        }
        column.values = allowed
      } else {
        problem(
          "column '\(name)': values must be a non-empty list, found \(node.typeDescription)", node.location,
          "e.g. values: [north, south]")
      }
    }
    if let node = value["nullable"], !node.isNull {
      if let flag = node.bool {
        column.nullable = flag
      } else {
        problem("column '\(name)': nullable must be true or false, found \(node.typeDescription)", node.location, nil)
      }
    }
    return column
  }

  /// True for `YYYY-MM-DD` (a real calendar day), optionally followed by a time after `T` or a space.
  public static func isDate<S: StringProtocol>(_ text: S) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
    if bytes.count > 10, bytes[10] != UInt8(ascii: "T"), bytes[10] != UInt8(ascii: " ") { return false }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for i in range {
        let b = bytes[i]
        guard b >= 48, b <= 57 else { return nil }
        value = value * 10 + Int(b - 48)
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month) else {
      return false
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return (1...days).contains(day)
  }
}
