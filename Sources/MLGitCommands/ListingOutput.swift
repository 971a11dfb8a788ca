import ArgumentParser
import MLSpec
import Foundation

/// `--format text|json` of the commands that list things (runs, policy, reviews,
/// imports, doctor). An unknown format is a usage error (exit 2) naming both.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// The JSON documents of the listings: each a `schema` named `mlgit.<command>/<version>`
/// (the docs page of each command lists its fields), written with keys sorted and
/// indented, as `score` and `audit` write theirs. Fields may be added to a version;
/// none is renamed or removed without a new one.
enum ListingJSON {
  static func write<Document: Encodable>(_ document: Document) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    StandardOutput.write(bytes: Array(try encoder.encode(document)) + [10])
  }
}

/// A JSON value (a rule option, a config value) inside a JSONEncoder document. JSONEncoder
/// writes a whole float without its fraction (`1.0` as `1`); where the type of a recorded
/// number matters (run params) the canonical writer is used instead.
struct EncodableJSONValue: Encodable {
  var value: JSONValue

  init(_ value: JSONValue) { self.value = value }

  func encode(to encoder: Encoder) throws {
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
