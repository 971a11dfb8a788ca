#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLSpec

/// A JSON value (a rule option, a config value) inside a JSONEncoder document. JSONEncoder
/// writes a whole float without its fraction (`1.0` as `1`); where the type of a recorded
/// number matters (run params) the canonical writer is used instead.
public struct EncodableJSONValue: Encodable {
  public var value: JSONValue

  public init(_ value: JSONValue) { self.value = value }

  public func encode(to encoder: Encoder) throws {
    switch value {
    case .array(let items):
      var container = encoder.unkeyedContainer()
      for item in items { try container.encode(EncodableJSONValue(item)) }
    case .object(let members):
      var container = encoder.container(keyedBy: Key.self)
      for (key, member) in members { try container.encode(EncodableJSONValue(member), forKey: Key(stringValue: key)) }
    default:
      var container = encoder.singleValueContainer()
      switch value {
      case .bool(let flag): try container.encode(flag)
      case .int(let number): try container.encode(number)
      // Exact digits beyond Int's range: JSONEncoder writes a Decimal as its number.
      case .bigInt(let digits):
        if let decimal = Decimal(string: digits) { try container.encode(decimal) } else { try container.encode(digits) }
      // JSON has no NaN or infinity; the canonical writer writes them null too.
      case .double(let number) where number.isFinite: try container.encode(number)
      case .string(let text): try container.encode(text)
      default: try container.encodeNil()
      }
    }
  }

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
