import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// A problem in an input file that stops it from being read or judged.
public struct DocumentError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var location: SourceLocation
  public var hint: String?

  public init(_ message: String, at location: SourceLocation = .start, hint: String? = nil) {
    self.message = message
    self.location = location
    self.hint = hint
  }
  public var description: String { "\(location): \(message)" }
}

/// Reads YAML and JSON documents into `Node` trees, refusing what is not text.
public enum Document {
  /// The largest spec or config mlgit reads (1 MiB); bigger files are refused, not read.
  public static let sizeLimit = 1 << 20

  /// Parses `data` as one YAML (or JSON, a subset) document.
  public static func parse(_ data: Data) throws -> Node {
    if data.count > sizeLimit {
      throw DocumentError(
        "file is \(data.count) bytes, over mlgit's \(sizeLimit)-byte limit for specs and configs",
        hint: "keep specs small; put large data in files the spec points at")
    }
    // memchr, not Data.firstIndex(of:): the byte-wise walk was a fifth of each parse.
    let nulOffset: Int? = data.withUnsafeBytes { raw in
      guard let base = raw.baseAddress, let found = memchr(base, 0, raw.count) else { return nil }
      return base.distance(to: UnsafeRawPointer(found))
    }
    if let nulOffset {
      let location = locationOf(offset: nulOffset, in: data)
      throw DocumentError(
        "binary content (a NUL byte) where a text document was expected", at: location,
        hint: "specs must be UTF-8 YAML or JSON text")
    }
    guard var text = String(validatingUTF8Data: data) else {
      let offset = firstInvalidUTF8Offset(data)
      throw DocumentError(
        "content is not valid UTF-8", at: locationOf(offset: offset, in: data),
        hint: "save the file as UTF-8")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      throw DocumentError(
        "the document is empty",
        hint: "a spec needs at least apiVersion, name, version, owner, features and hyperparameters")
    }
    // JSON is read as YAML (for locations), but YAML refuses the tabs JSON files are
    // often indented with. Outside strings a tab is only whitespace, and JSON strings
    // cannot hold a raw tab, so a space in its place keeps values and columns.
    if let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" {
      text = text.replacingEvery("\t", with: " ")
    }
    // Most documents are plain: read without libyaml where they are plainest
    // (`PlainYAMLReader`), else from libyaml's events directly.
    if let node = text.withUTF8({ PlainYAMLReader.read($0) ?? YAMLEventReader.read($0) }) { return node }
    return try YAMLComposer.parse(text)
  }

  /// True for a Markdown file (`README.md`), read as a model card: a spec in its front matter.
  public static func isMarkdown(_ path: String) -> Bool {
    let lower = path.lowercased()
    return lower.hasSuffix(".md") || lower.hasSuffix(".markdown")
  }

  /// Parses a model card's YAML front matter: the lines between a first line `---` and
  /// the next `---` (or `...`) line, as Hugging Face model cards carry their metadata.
  /// Locations are the card's own lines. A card without front matter, with front matter
  /// that is not closed, is empty or is not a mapping is an error at line 1.
  public static func parseFrontMatter(_ data: Data) throws -> Node {
    guard data.count <= sizeLimit, var text = String(validatingUTF8Data: data), !text.contains("\u{0}") else {
      // Too big, binary or not UTF-8: the same error as any spec.
      _ = try parse(data)
      throw DocumentError("cannot read the model card")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
      line.hasSuffix("\r") ? line.dropLast() : line
    }
    let hint = "a model card starts with its metadata between '---' lines: ---, apiVersion: mlgit/v1, name: …, ---"
    guard let first = lines.first, first.trimmingWhitespace() == "---" else {
      throw DocumentError("a Markdown spec needs YAML front matter between '---' lines at the top", hint: hint)
    }
    guard
      let close = lines.indices.dropFirst().first(where: {
        let line = lines[$0].trimmingWhitespace()
        return line == "---" || line == "..."
      })
    else {
      throw DocumentError("the front matter is not closed by a '---' line", hint: hint)
    }
    // The opening line becomes an empty one, so the YAML's line numbers are the card's.
    let yaml = "\n" + lines[1..<close].joined(separator: "\n") + "\n"
    if yaml.allSatisfy(\.isWhitespace) {
      throw DocumentError("the front matter is empty", hint: hint)
    }
    let root = try parse(Data(yaml.utf8))
    guard root.pairs != nil else {
      throw DocumentError(
        "the front matter must be a mapping of the spec's fields, found \(root.typeDescription)", hint: hint)
    }
    return root
  }

  static func locationOf(offset: Int, in data: Data) -> SourceLocation {
    var line = 1
    var column = 1
    for byte in data.prefix(offset) {
      if byte == 10 {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return SourceLocation(line: line, column: column)
  }

  static func firstInvalidUTF8Offset(_ data: Data) -> Int {
    var offset = 0
    let bytes = [UInt8](data)
    while offset < bytes.count {
      let byte = bytes[offset]
      let length: Int
      if byte < 0x80 {
        length = 1
      } else if byte >> 5 == 0x6 {
        length = 2
      } else if byte >> 4 == 0xE {
        length = 3
      } else if byte >> 3 == 0x1E {
        length = 4
      } else {
        return offset
      }
      if offset + length > bytes.count { return offset }
      if String(validatingUTF8Data: Data(bytes[offset..<offset + length])) == nil { return offset }
      offset += length
    }
    return offset
  }
}

extension String {
  /// Decodes UTF-8, returning nil (instead of repairing) when the bytes are invalid.
  init?(validatingUTF8Data data: Data) {
    // The standard library's validating initialiser; Foundation's String(data:encoding:) is far slower.
    guard let text = String(validating: data, as: UTF8.self) else { return nil }
    self = text
  }
}
