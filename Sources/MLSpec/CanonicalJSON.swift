import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A JSON value with a canonical text form: sorted keys, no spaces, integers
/// without a fraction, so equal values print identically (for notes and hashes).
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  /// An integer outside `Int`'s range, exactly: its decimal digits (`-` for negatives, no
  /// leading zeros). A 20-digit seed stays that seed instead of the nearest Double.
  case bigInt(String)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The canonical one-line JSON text.
  public var canonical: String {
    var out = ""
    write(into: &out, typed: false)
    return out
  }

  /// The canonical text with every typed value told apart: as `canonical`, except that
  /// non-finite floats are written `.nan`, `.inf` and `-.inf` (JSON has no way to write
  /// them, and `canonical` writes `null`, so `.nan` and `~` would print alike). Not JSON
  /// when it holds one; hyperparameter hashes and review diffs use it.
  public var typedCanonical: String {
    var out = ""
    write(into: &out, typed: true)
    return out
  }

  func write(into out: inout String, typed: Bool) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .bigInt(let digits): out += digits
    case .double(let d):
      if d.isFinite, d == d.rounded(), abs(d) < 1e15 {
        out += String(Int(d)) + ".0"
      } else if d.isFinite {
        out += "\(d)"
      } else if typed {
        out += d.isNaN ? ".nan" : d < 0 ? "-.inf" : ".inf"
      } else {
        out += "null"
      }
    case .string(let s): JSONValue.quote(s, into: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        item.write(into: &out, typed: typed)
      }
      out += "]"
    case .object(let dict):
      out += "{"
      for (i, key) in dict.keys.sorted().enumerated() {
        if i > 0 { out += "," }
        JSONValue.quote(key, into: &out)
        out += ":"
        dict[key]?.write(into: &out, typed: typed)
      }
      out += "}"
    }
  }

  /// Values compare as typed values: `1` is not `1.0` nor `"1"`, and a float equals
  /// itself even when it is NaN (a `.nan` left as it was is not a change).
  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.bigInt(let x), .bigInt(let y)): return x == y
    case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)): return x == y
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b):
      hasher.combine(1)
      hasher.combine(b)
    case .int(let i):
      hasher.combine(2)
      hasher.combine(i)
    case .bigInt(let digits):
      hasher.combine(3)
      hasher.combine(digits)
    case .double(let d):
      hasher.combine(4)
      if d.isNaN { hasher.combine(UInt64.max) } else { hasher.combine(d) }
    case .string(let s):
      hasher.combine(5)
      hasher.combine(s)
    case .array(let items):
      hasher.combine(6)
      hasher.combine(items)
    case .object(let dict):
      hasher.combine(7)
      hasher.combine(dict)
    }
  }

  static func quote(_ s: String, into out: inout String) {
    // Nothing to escape (the usual case): append the text whole, not scalar by scalar.
    // Review rules hash canonical hyperparameters for every spec change of a history check.
    if !s.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
      out += "\""
      out += s
      out += "\""
      return
    }
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        out += "\\u" + CFormat.hex(scalar.value, width: 4)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  /// Converts a document node to a value: numbers compare by value (0.05 == 0.050),
  /// types stay distinct (1 is not "1").
  public init(_ node: Node) {
    switch node.value {
    case .scalar(let text, let type):
      switch type {
      case .null: self = .null
      case .bool: self = .bool(node.bool ?? false)
      // Documents check the text of every typed scalar when they are read (`Document`),
      // so the fallbacks only serve nodes built by hand.
      case .int: self = ScalarValue.integer(text) ?? .string(text)
      case .float: self = ScalarValue.float(text).map(JSONValue.double) ?? .string(text)
      case .string: self = .string(text)
      }
    case .sequence(let items): self = .array(items.map(JSONValue.init))
    case .mapping(let pairs):
      var dict: [String: JSONValue] = [:]
      for (key, value) in pairs { dict[key.scalarText ?? ""] = JSONValue(value) }
      self = .object(dict)
    }
  }

  /// Parses JSON text (for notes), keeping integers as integers. A byte-level
  /// parser: ledgers hold thousands of lines and Foundation's bridging parser
  /// dominated `mlgit runs --all`.
  public static func parse(_ text: String) throws -> JSONValue {
    try JSONByteParser.parse(text)
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let dict) = self { return dict[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .bigInt(let digits): return Double(digits)
    case .double(let d): return d
    default: return nil
    }
  }

  public var objectValue: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }
}

extension JSONValue {
  /// `JSONValue(a) == JSONValue(b)`, without building either value: scalars are compared
  /// as the values they convert to, mappings as dictionaries (the last value of a key
  /// counts). Version-bump checks compare whole specs this way in every history check.
  public static func sameValue(_ a: Node, _ b: Node) -> Bool {
    switch (a.value, b.value) {
    case (.scalar, .scalar):
      return JSONValue(a) == JSONValue(b)
    case (.sequence(let x), .sequence(let y)):
      guard x.count == y.count else { return false }
      for index in x.indices where !sameValue(x[index], y[index]) { return false }
      return true
    case (.mapping(let x), .mapping(let y)):
      let (left, right) = (lastValues(x), lastValues(y))
      guard left.count == right.count else { return false }
      for (key, value) in left {
        guard let other = right[key], sameValue(value, other) else { return false }
      }
      return true
    default:
      return false
    }
  }

  private static func lastValues(_ pairs: [(key: Node, value: Node)]) -> [String: Node] {
    var values: [String: Node] = [:]
    values.reserveCapacity(pairs.count)
    for (key, value) in pairs { values[key.scalarText ?? ""] = value }
    return values
  }
}
