#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// JSON documents whose writing speed does not matter (listings, the score): written by
/// JSONEncoder, keys sorted, indented, slashes as they are, with a final newline.
public enum SortedJSON {
  public static func encode<Document: Encodable>(_ document: Document) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(document)) + [10]
  }
}
