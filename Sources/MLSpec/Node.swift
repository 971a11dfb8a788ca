#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A place in a source file, 1-based.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var line: Int
  public var column: Int
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
  public static let start = SourceLocation(line: 1, column: 1)
  public var description: String { "\(line):\(column)" }
}

/// The resolved type of a scalar, as YAML 1.1 / JSON resolve it.
public enum ScalarType: String, Sendable {
  case string, int, float, bool, null
}

/// A YAML or JSON value with the location of every node.
public struct Node: Sendable {
  public enum Value: Sendable {
    case scalar(String, ScalarType)
    case mapping([(key: Node, value: Node)])
    case sequence([Node])
  }

  public var value: Value
  public var location: SourceLocation

  public init(_ value: Value, at location: SourceLocation) {
    self.value = value
    self.location = location
  }

  /// The value under `key` in a mapping.
  public subscript(key: String) -> Node? {
    guard case .mapping(let pairs) = value else { return nil }
    return pairs.first { $0.key.scalarText == key }?.value
  }

  /// The key node for `key` in a mapping (for locating the key itself).
  public func keyNode(_ key: String) -> Node? {
    guard case .mapping(let pairs) = value else { return nil }
    return pairs.first { $0.key.scalarText == key }?.key
  }

  public var pairs: [(key: Node, value: Node)]? {
    if case .mapping(let pairs) = value { return pairs }
    return nil
  }

  public var items: [Node]? {
    if case .sequence(let items) = value { return items }
    return nil
  }

  /// The scalar text of any scalar (whatever its type).
  public var scalarText: String? {
    if case .scalar(let text, _) = value { return text }
    return nil
  }

  public var scalarType: ScalarType? {
    if case .scalar(_, let type) = value { return type }
    return nil
  }

  /// The text of a string scalar; nil for numbers, booleans, null and collections.
  public var string: String? {
    if case .scalar(let text, .string) = value { return text }
    return nil
  }

  public var isNull: Bool {
    if case .scalar(_, .null) = value { return true }
    return false
  }

  /// A number (int or float), finite or not.
  public var number: Double? {
    guard case .scalar(let text, let type) = value else { return nil }
    switch type {
    case .int: return ScalarValue.integer(text)?.doubleValue
    case .float: return ScalarValue.float(text)
    default: return nil
    }
  }

  public var bool: Bool? {
    guard case .scalar(let text, .bool) = value else { return nil }
    return ["true", "yes", "on", "y"].contains(text.lowercased())
  }

  /// "a string", "a number", "a mapping", … for error messages.
  public var typeDescription: String {
    switch value {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .scalar(_, let type):
      switch type {
      case .string: return "a string"
      case .int: return "an integer"
      case .float: return "a number"
      case .bool: return "a boolean"
      case .null: return "null"
      }
    }
  }
}

extension Node {
  /// Every value, scalar type and location of a tree, as one line of text: what the YAML
  /// readers' comparisons (tests, the spec fuzz target) hold equal.
  var outline: String {
    let at = "@\(location.line):\(location.column)"
    switch value {
    case .scalar(let text, let type): return "\(type)(\(text.debugDescription))\(at)"
    case .sequence(let items): return "[" + items.map(\.outline).joined(separator: ", ") + "]\(at)"
    case .mapping(let pairs):
      return "{" + pairs.map { $0.key.outline + ": " + $0.value.outline }.joined(separator: ", ") + "}\(at)"
    }
  }
}
