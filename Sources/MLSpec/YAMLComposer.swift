import CLibYAML

/// Reads any YAML document from libyaml's events into a tree of `YAMLComposer.Item`s,
/// then into mlgit's `Node`s, refusing what mlgit documents may not hold (anchors and
/// aliases, tags other than the core ones, keys that are not scalars, a key given twice,
/// more than 64 levels) with a location and a message. `YAMLEventReader` reads the plain
/// documents faster; every document it declines, and every malformed one, comes here.
///
/// The order of the checks is part of the behaviour (it is the order of Yams, the Swift
/// YAML library mlgit read documents with before, over the same libyaml events): libyaml's
/// own errors, an undefined alias and a key given twice (checked when its mapping ends)
/// come first, in the order they occur in the text; the rest is judged on the finished
/// tree, depth first.
enum YAMLComposer {
  /// A node as composed from the events, before mlgit's rules apply. A class, as an alias
  /// is the anchored node itself, and resolving a key's tag changes it everywhere.
  final class Item {
    enum Kind {
      case scalar(String, plain: Bool)
      case sequence([Item])
      case mapping([(key: Item, value: Item)])
    }
    var kind: Kind
    /// "" for an untagged node, "!" for the non-specific tag, else the tag in full.
    var tag: String
    let location: SourceLocation
    let anchor: String?

    init(_ kind: Kind, tag: String, at location: SourceLocation, anchor: String?) {
      self.kind = kind
      self.tag = tag
      self.location = location
      self.anchor = anchor
    }
  }

  static let strTag = "tag:yaml.org,2002:str"
  static let seqTag = "tag:yaml.org,2002:seq"
  static let mapTag = "tag:yaml.org,2002:map"
  static let valueTag = "tag:yaml.org,2002:value"

  /// libyaml (Debian's 0.2.5) sets no limit of its own on nesting; later versions refuse
  /// a collection opened with 1,000 levels of indentation and flow open (in the scanner,
  /// which reads ahead of the events). The same limit is kept here, in the same place, so
  /// the tree never holds more than about this many levels.
  static let nestingLimit = 1000

  /// Where libyaml's later versions stop on `event` (a collection's start) for nesting: the
  /// collection's opening token, when the scanner's open indentations and flow levels reach
  /// the limit. An indentless sequence (`- x` at its key's column) opens no level.
  static func nestingLimitReached(_ parser: yaml_parser_t, _ event: yaml_event_t) -> SourceLocation? {
    let flow =
      parser.state == YAML_PARSE_FLOW_SEQUENCE_FIRST_ENTRY_STATE
      || parser.state == YAML_PARSE_FLOW_MAPPING_FIRST_KEY_STATE
    let block =
      parser.state == YAML_PARSE_BLOCK_SEQUENCE_FIRST_ENTRY_STATE
      || parser.state == YAML_PARSE_BLOCK_MAPPING_FIRST_KEY_STATE
    guard flow || block, let top = parser.indents.top, let start = parser.indents.start else { return nil }
    guard top - start >= nestingLimit - Int(parser.flow_level) else { return nil }
    // A flow collection's token is its one-character `[` or `{`, which the event ends
    // with; a block collection's token is empty, at the event's end.
    let end = YAMLEventReader.location(event.end_mark)
    return flow ? SourceLocation(line: end.line, column: end.column - 1) : end
  }

  /// Parses prepared text (BOM removed, JSON tabs replaced) into mlgit's nodes.
  static func parse(_ text: String) throws -> Node {
    var bytes = text
    let root = try bytes.withUTF8 { try compose($0, text: text) }
    guard let root else { throw DocumentError("the document is empty") }
    return try convert(root, depth: 0)
  }

  // MARK: - Composing

  /// One open collection while composing.
  private struct Frame {
    let isMapping: Bool
    let tag: String
    let location: SourceLocation
    let anchor: String?
    var items: [Item] = []
    var pairs: [(key: Item, value: Item)] = []
    var pendingKey: Item?
  }

  /// The document's root, or nil when the stream holds no document.
  static func compose(_ bytes: UnsafeBufferPointer<UInt8>, text: String) throws -> Item? {
    // libyaml's parser keeps pointers into its own buffers: it stays at one address.
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else { throw DocumentError("malformed YAML: Memory error") }
    defer { yaml_parser_delete(parser) }
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)

    var event = yaml_event_t()
    /// Reads the next event into `event` (the caller deletes it).
    func next() throws {
      guard yaml_parser_parse(parser, &event) == 1 else { throw libyamlError(parser.pointee, text: text) }
    }
    try next()  // the stream start
    yaml_event_delete(&event)
    try next()
    if event.type == YAML_STREAM_END_EVENT {
      yaml_event_delete(&event)
      return nil
    }
    yaml_event_delete(&event)  // the document start

    var anchors: [String: Item] = [:]
    var stack: [Frame] = []
    var root: Item?
    /// A node is complete: it goes to its collection, or is the root.
    func complete(_ item: Item) {
      guard let last = stack.indices.last else {
        root = item
        return
      }
      if stack[last].isMapping {
        if let key = stack[last].pendingKey {
          stack[last].pairs.append((key, item))
          stack[last].pendingKey = nil
        } else {
          stack[last].pendingKey = item
        }
      } else {
        stack[last].items.append(item)
      }
    }

    while root == nil {
      try next()
      defer { yaml_event_delete(&event) }
      let location = YAMLEventReader.location(event.start_mark)
      switch event.type {
      case YAML_ALIAS_EVENT:
        let name = string(event.data.alias.anchor) ?? ""
        guard let anchored = anchors[name] else {
          throw DocumentError("malformed YAML: found undefined alias", at: location)
        }
        complete(anchored)
      case YAML_SCALAR_EVENT:
        let scalar = event.data.scalar
        let value =
          scalar.length == 0 || scalar.value == nil
          ? "" : String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
        // An untagged quoted or block scalar is a string; an untagged plain one is typed
        // by its text.
        let tag = scalar.quoted_implicit == 1 ? strTag : (string(scalar.tag) ?? "")
        let anchor = string(scalar.anchor)
        let item = Item(
          .scalar(value, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), tag: tag, at: location, anchor: anchor)
        if let anchor { anchors[anchor] = item }
        complete(item)
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        if let limit = nestingLimitReached(parser.pointee, event) ?? (stack.count >= 2 * nestingLimit ? location : nil)
        {
          throw DocumentError("nesting deeper than 64 levels", at: limit)
        }
        let start = event.data.sequence_start  // the same layout as mapping_start
        stack.append(
          Frame(
            isMapping: event.type == YAML_MAPPING_START_EVENT,
            tag: start.implicit != 0 ? "" : (string(start.tag) ?? ""), location: location, anchor: string(start.anchor))
        )
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        guard let frame = stack.popLast() else { break }
        let item: Item
        if frame.isMapping {
          try checkDuplicates(frame.pairs.map(\.key), text: text)
          item = Item(.mapping(frame.pairs), tag: frame.tag, at: frame.location, anchor: frame.anchor)
        } else {
          item = Item(.sequence(frame.items), tag: frame.tag, at: frame.location, anchor: frame.anchor)
        }
        if let anchor = frame.anchor { anchors[anchor] = item }
        complete(item)
      default:
        break
      }
    }
    try next()  // the document end
    yaml_event_delete(&event)
    try next()
    defer { yaml_event_delete(&event) }
    guard event.type == YAML_STREAM_END_EVENT else {
      throw DocumentError(
        "malformed YAML: but found another document expected a single document in the stream",
        at: YAMLEventReader.location(event.start_mark))
    }
    return root
  }

  static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
  }

  /// libyaml's error, in mlgit's words, at libyaml's location.
  static func libyamlError(_ parser: yaml_parser_t, text: String) -> DocumentError {
    let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
    let location = SourceLocation(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
    switch parser.error {
    case YAML_READER_ERROR:
      // The offset is libyaml's in bytes; the column counts characters up to it.
      var column = 1
      if let index = text.utf8.index(
        text.utf8.startIndex, offsetBy: parser.problem_offset, limitedBy: text.utf8.endIndex),
        let position = index.samePosition(in: text)
      {
        column = text.distance(from: text.startIndex, to: position) + 1
      }
      return DocumentError("unreadable text: \(problem)", at: SourceLocation(line: 1, column: column))
    case YAML_PARSER_ERROR where problem.hasPrefix("Maximum nesting level reached"):
      // The limit later libyaml versions set (1,000 levels), in mlgit's words.
      return DocumentError("nesting deeper than 64 levels", at: location)
    case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
      let context = parser.context.map { " " + String(cString: $0) } ?? ""
      return DocumentError("malformed YAML: \(problem)\(context)", at: location)
    default:
      return DocumentError("malformed YAML: Memory error")
    }
  }

  // MARK: - Duplicate keys

  /// Refuses a mapping whose keys hold the same node twice (the same text and resolved
  /// tag: `a`, `'a'` and `!!str a` are one key; `1` and `!!int 1` are two), at the second
  /// occurrence. Resolving a key's tag is what YAML does to compare keys: afterwards every
  /// untagged or `!` key is a string (`off:` is the key "off", not a boolean).
  static func checkDuplicates(_ keys: [Item], text: String) throws {
    var groups: [String: (first: Item, count: Int)] = [:]
    var order: [String] = []
    for key in keys {
      resolveTags(key)
      let print = fingerprint(key)
      if let group = groups[print] {
        groups[print] = (group.first, group.count + 1)
      } else {
        groups[print] = (key, 1)
        order.append(print)
      }
    }
    let duplicated = order.compactMap { print -> Item? in
      guard let group = groups[print], group.count > 1 else { return nil }
      return group.first
    }
    guard !duplicated.isEmpty else { return }
    let sorted = duplicated.sorted(by: isOrderedBefore)
    let first = sorted[0].location
    let key = sorted.map { keyText($0) ?? "<uncovertable>" }.sorted()[0]
    var copy = text
    let second = copy.withUTF8 { YAMLEventReader.secondOccurrence(of: key, after: first, in: $0) }
    throw DocumentError(
      "duplicate key '\(key)' (first defined at line \(first.line))", at: second ?? first,
      hint: "remove one of the two; YAML keeps only one of them silently")
  }

  /// Gives `item` and everything in it their resolved tag: untagged and `!` nodes become
  /// strings, lists and mappings.
  static func resolveTags(_ item: Item) {
    switch item.kind {
    case .scalar:
      if item.tag == "" || item.tag == "!" { item.tag = strTag }
    case .sequence(let items):
      if item.tag == "" || item.tag == "!" { item.tag = seqTag }
      for child in items { resolveTags(child) }
    case .mapping(let pairs):
      if item.tag == "" || item.tag == "!" { item.tag = mapTag }
      for pair in pairs {
        resolveTags(pair.key)
        resolveTags(pair.value)
      }
    }
  }

  /// Text equal for two nodes exactly when they are equal (kind, tag, content, in order).
  static func fingerprint(_ item: Item) -> String {
    func field(_ text: String) -> String { "\(text.utf8.count):\(text)" }
    switch item.kind {
    case .scalar(let value, _):
      return "s" + field(item.tag) + field(value)
    case .sequence(let items):
      return "q" + field(item.tag) + "\(items.count)[" + items.map(fingerprint).joined() + "]"
    case .mapping(let pairs):
      return "m" + field(item.tag) + "\(pairs.count){"
        + pairs.map { fingerprint($0.key) + fingerprint($0.value) }.joined() + "}"
    }
  }

  /// Orders duplicated keys: scalars by their text, lists and mappings by their contents.
  static func isOrderedBefore(_ a: Item, _ b: Item) -> Bool {
    func lexicographic(_ a: [Item], _ b: [Item]) -> Bool {
      for (x, y) in zip(a, b) {
        if isOrderedBefore(x, y) { return true }
        if isOrderedBefore(y, x) { return false }
      }
      return a.count < b.count
    }
    switch (a.kind, b.kind) {
    case (.scalar(let x, _), .scalar(let y, _)): return x < y
    case (.sequence(let x), .sequence(let y)): return lexicographic(x, y)
    case (.mapping(let x), .mapping(let y)):
      return lexicographic(x.flatMap { [$0.key, $0.value] }, y.flatMap { [$0.key, $0.value] })
    default: return false
    }
  }

  /// A key's text for the duplicate-key message: a scalar's own, a mapping's `!!value`.
  static func keyText(_ item: Item) -> String? {
    switch item.kind {
    case .scalar(let value, _): return value
    case .mapping(let pairs):
      return pairs.first { $0.key.tag == valueTag }.flatMap { keyText($0.value) }
    case .sequence: return nil
    }
  }

  // MARK: - mlgit's rules

  static func convert(_ item: Item, depth: Int) throws -> Node {
    let location = item.location
    if depth > 64 { throw DocumentError("nesting deeper than 64 levels", at: location) }
    // An alias is its anchored node, so aliases can only be caught at their anchor;
    // refusing anchors also stops alias bombs before they expand.
    if item.anchor != nil {
      throw DocumentError(
        "YAML anchors and aliases are not supported in mlgit documents", at: location,
        hint: "write the values out in full")
    }
    switch item.kind {
    case .scalar(let value, let plain):
      return Node(.scalar(value, try scalarType(value, tag: item.tag, plain: plain, at: location)), at: location)
    case .sequence(let items):
      try checkCollectionTag(item.tag, seqTag, at: location)
      return Node(.sequence(try items.map { try convert($0, depth: depth + 1) }), at: location)
    case .mapping(let pairs):
      try checkCollectionTag(item.tag, mapTag, at: location)
      var converted: [(key: Node, value: Node)] = []
      var seen: [String: SourceLocation] = [:]
      for (key, value) in pairs {
        let keyNode = try convert(key, depth: depth + 1)
        guard case .scalar(let keyText, _) = keyNode.value else {
          throw DocumentError("mapping keys must be plain values, not lists or mappings", at: keyNode.location)
        }
        if let first = seen[keyText] {
          throw DocumentError(
            "duplicate key '\(keyText)' (first defined at line \(first.line))", at: keyNode.location,
            hint: "remove one of the two; YAML keeps only one of them silently")
        }
        seen[keyText] = keyNode.location
        converted.append((keyNode, try convert(value, depth: depth + 1)))
      }
      return Node(.mapping(converted), at: location)
    }
  }

  /// The type of a scalar: by its explicit tag (`!!int 10`, `!!str 10`), checked as
  /// PyYAML's constructors would read it, else quoted scalars are strings and plain ones
  /// are resolved by their text. A tagged text that is not a value of its type (`!!int
  /// abc`, on which PyYAML fails) is an error, not a value compared as something else.
  static func scalarType(_ text: String, tag: String, plain: Bool, at location: SourceLocation) throws -> ScalarType {
    func refuse(_ what: String) -> DocumentError {
      DocumentError(
        "'\(text)' is tagged \(shortTag(tag)) but is not \(what)", at: location,
        hint: "write a value of that type, or drop the tag")
    }
    switch tag {
    case "":
      return plain ? ScalarResolver.resolve(text) : .string
    case "!", strTag:
      return .string
    case "tag:yaml.org,2002:int":
      guard ScalarResolver.matches(text, .int) else { throw refuse("an integer (42, octal 010, 0x1F, 0b101 or 1:30)") }
      return .int
    case "tag:yaml.org,2002:float":
      guard ScalarValue.float(text) != nil else { throw refuse("a number (1.5, 1e-5, .inf, .nan)") }
      return .float
    case "tag:yaml.org,2002:bool":
      guard ["yes", "no", "true", "false", "on", "off"].contains(text.lowercased()) else {
        throw refuse("a boolean (true, false, yes, no, on, off)")
      }
      return .bool
    case "tag:yaml.org,2002:null":
      return .null  // as PyYAML: a null whatever its text
    default:
      throw DocumentError(
        "the tag \(shortTag(tag)) is not supported in mlgit documents", at: location,
        hint: "use plain values, or the tags !!str, !!int, !!float, !!bool and !!null")
    }
  }

  /// Collections take no tag but their own (`!!map`, `!!seq`) or `!`.
  static func checkCollectionTag(_ tag: String, _ own: String, at location: SourceLocation) throws {
    guard !["", "!", own].contains(tag) else { return }
    throw DocumentError(
      "the tag \(shortTag(tag)) is not supported in mlgit documents", at: location,
      hint: "write a plain mapping or list")
  }

  /// `!!int` for `tag:yaml.org,2002:int`, other tags as written.
  static func shortTag(_ tag: String) -> String {
    tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
  }
}
