import Foundation
import Yams

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
      throw DocumentError("binary content (a NUL byte) where a text document was expected", at: location,
        hint: "specs must be UTF-8 YAML or JSON text")
    }
    guard var text = String(validatingUTF8Data: data) else {
      let offset = firstInvalidUTF8Offset(data)
      throw DocumentError("content is not valid UTF-8", at: locationOf(offset: offset, in: data),
        hint: "save the file as UTF-8")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      throw DocumentError("the document is empty", hint: "a spec needs at least apiVersion, name, version, owner, features and hyperparameters")
    }
    // JSON is read as YAML (for locations), but YAML refuses the tabs JSON files are
    // often indented with. Outside strings a tab is only whitespace, and JSON strings
    // cannot hold a raw tab, so a space in its place keeps values and columns.
    if let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" {
      text = text.replacingOccurrences(of: "\t", with: " ")
    }
    // Most documents are plain: read them from libyaml's events directly.
    if let node = text.withUTF8({ YAMLEventReader.read($0) }) { return node }
    return try parseWithYams(text)
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
    guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else {
      throw DocumentError("a Markdown spec needs YAML front matter between '---' lines at the top", hint: hint)
    }
    guard let close = lines.indices.dropFirst().first(where: {
      let line = lines[$0].trimmingCharacters(in: .whitespaces)
      return line == "---" || line == "..."
    }) else {
      throw DocumentError("the front matter is not closed by a '---' line", hint: hint)
    }
    // The opening line becomes an empty one, so the YAML's line numbers are the card's.
    let yaml = "\n" + lines[1..<close].joined(separator: "\n") + "\n"
    if yaml.allSatisfy(\.isWhitespace) {
      throw DocumentError("the front matter is empty", hint: hint)
    }
    let root = try parse(Data(yaml.utf8))
    guard root.pairs != nil else {
      throw DocumentError("the front matter must be a mapping of the spec's fields, found \(root.typeDescription)", hint: hint)
    }
    return root
  }

  /// Parses prepared text (BOM removed, JSON tabs replaced) through Yams' node tree:
  /// every document the fast reader passes on, and every error message.
  static func parseWithYams(_ text: String) throws -> Node {
    let parser: Parser
    let root: Yams.Node?
    do {
      // The basic resolver leaves plain scalars untyped; ScalarResolver types them.
      parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
      root = try parser.singleRoot()
    } catch let error as YamlError {
      throw convert(error, text: text)
    } catch {
      throw DocumentError("cannot parse: \(error)")
    }
    guard let root else { throw DocumentError("the document is empty") }
    // Nodes hold their anchors weakly and the parser owns them: keep it alive while
    // converting, or anchored nodes (and alias bombs) would go unnoticed.
    return try withExtendedLifetime(parser) { try convert(root, depth: 0) }
  }

  static func convert(_ node: Yams.Node, depth: Int) throws -> Node {
    let location = node.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? .start
    if depth > 64 { throw DocumentError("nesting deeper than 64 levels", at: location) }
    // Yams resolves an alias to the anchored node itself, so aliases can only be caught
    // at their anchor; refusing anchors also stops alias bombs before they expand.
    if node.anchor != nil {
      throw DocumentError("YAML anchors and aliases are not supported in mlgit documents", at: location,
        hint: "write the values out in full")
    }
    switch node {
    case .scalar(let scalar):
      return Node(.scalar(scalar.string, try scalarType(scalar, at: location)), at: location)
    case .sequence(let sequence):
      try checkCollectionTag(sequence.tag.rawValue, Tag.Name.seq.rawValue, at: location)
      return Node(.sequence(try sequence.map { try convert($0, depth: depth + 1) }), at: location)
    case .mapping(let mapping):
      try checkCollectionTag(mapping.tag.rawValue, Tag.Name.map.rawValue, at: location)
      var pairs: [(key: Node, value: Node)] = []
      var seen: [String: SourceLocation] = [:]
      for (key, value) in mapping {
        let keyNode = try convert(key, depth: depth + 1)
        guard case .scalar(let keyText, _) = keyNode.value else {
          throw DocumentError("mapping keys must be plain values, not lists or mappings", at: keyNode.location)
        }
        if let first = seen[keyText] {
          throw DocumentError("duplicate key '\(keyText)' (first defined at line \(first.line))", at: keyNode.location,
            hint: "remove one of the two; YAML keeps only one of them silently")
        }
        seen[keyText] = keyNode.location
        pairs.append((keyNode, try convert(value, depth: depth + 1)))
      }
      return Node(.mapping(pairs), at: location)
    case .alias:
      throw DocumentError("YAML anchors and aliases are not supported in mlgit documents", at: location)
    }
  }

  /// The type of a scalar: by its explicit tag (`!!int 10`, `!!str 10`), checked as
  /// PyYAML's constructors would read it, else quoted scalars are strings and plain ones
  /// are resolved by their text. A tagged text that is not a value of its type (`!!int
  /// abc`, on which PyYAML fails) is an error, not a value compared as something else.
  static func scalarType(_ scalar: Yams.Node.Scalar, at location: SourceLocation) throws -> ScalarType {
    let text = scalar.string
    let tag = scalar.tag.rawValue
    func refuse(_ what: String) -> DocumentError {
      DocumentError("'\(text)' is tagged \(shortTag(tag)) but is not \(what)", at: location,
        hint: "write a value of that type, or drop the tag")
    }
    switch tag {
    case "", "?":
      return scalar.style == .plain ? ScalarResolver.resolve(text) : .string
    case "!", Tag.Name.str.rawValue:
      return .string
    case Tag.Name.int.rawValue:
      guard ScalarResolver.matches(text, .int) else { throw refuse("an integer (42, octal 010, 0x1F, 0b101 or 1:30)") }
      return .int
    case Tag.Name.float.rawValue:
      guard ScalarValue.float(text) != nil else { throw refuse("a number (1.5, 1e-5, .inf, .nan)") }
      return .float
    case Tag.Name.bool.rawValue:
      guard ["yes", "no", "true", "false", "on", "off"].contains(text.lowercased()) else {
        throw refuse("a boolean (true, false, yes, no, on, off)")
      }
      return .bool
    case Tag.Name.null.rawValue:
      return .null  // as PyYAML: a null whatever its text
    default:
      throw DocumentError("the tag \(shortTag(tag)) is not supported in mlgit documents", at: location,
        hint: "use plain values, or the tags !!str, !!int, !!float, !!bool and !!null")
    }
  }

  /// Collections take no tag but their own (`!!map`, `!!seq`) or `!`.
  static func checkCollectionTag(_ tag: String, _ own: String, at location: SourceLocation) throws {
    guard !["", "?", "!", own].contains(tag) else { return }
    throw DocumentError("the tag \(shortTag(tag)) is not supported in mlgit documents", at: location,
      hint: "write a plain mapping or list")
  }

  /// `!!int` for `tag:yaml.org,2002:int`, other tags as written.
  static func shortTag(_ tag: String) -> String {
    tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
  }

  static func convert(_ error: YamlError, text: String) -> DocumentError {
    switch error {
    case .duplicatedKeysInMapping(let duplicates, let context):
      // Yams reports the first occurrence; point at the second, where the fix goes.
      let key = duplicates.sorted().first ?? ""
      let first = SourceLocation(line: context.mark.line, column: context.mark.column)
      var text = text
      let second = text.withUTF8 { YAMLEventReader.secondOccurrence(of: key, after: first, in: $0) }
      return DocumentError("duplicate key '\(key)' (first defined at line \(first.line))", at: second ?? first,
        hint: "remove one of the two; YAML keeps only one of them silently")
    case .scanner(let context, let problem, let mark, _):
      let where_ = context.map { " \($0.text)" } ?? ""
      return DocumentError("malformed YAML: \(problem)\(where_)", at: SourceLocation(line: mark.line, column: mark.column))
    case .parser(let context, let problem, let mark, _):
      if problem.hasPrefix("Maximum nesting level reached") {
        // libyaml's own limit (its message carries a stray parenthesis): the same limit
        // as mlgit's, in the same words.
        return DocumentError("nesting deeper than 64 levels", at: SourceLocation(line: mark.line, column: mark.column))
      }
      let where_ = context.map { " \($0.text)" } ?? ""
      return DocumentError("malformed YAML: \(problem)\(where_)", at: SourceLocation(line: mark.line, column: mark.column))
    case .composer(let context, let problem, let mark, _):
      let where_ = context.map { " \($0.text)" } ?? ""
      return DocumentError("malformed YAML: \(problem)\(where_)", at: SourceLocation(line: mark.line, column: mark.column))
    case .reader(let problem, let offset, _, _):
      return DocumentError("unreadable text: \(problem)", at: SourceLocation(line: 1, column: (offset ?? 0) + 1))
    default:
      return DocumentError("malformed YAML: \(error)")
    }
  }

  static func locationOf(offset: Int, in data: Data) -> SourceLocation {
    var line = 1, column = 1
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
      if byte < 0x80 { length = 1 } else if byte >> 5 == 0x6 { length = 2 } else if byte >> 4 == 0xE { length = 3 } else if byte >> 3 == 0x1E { length = 4 } else { return offset }
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
