import CLibYAML

/// Reads the common case of a YAML document straight from libyaml's events into `Node`s:
/// one document, no tags, anchors or aliases, scalar keys, no key given twice, at most 64
/// levels deep. Anything else (including every malformed document) returns nil, and
/// `Document.parse` reads it with `YAMLComposer`, for the same results and its messages.
///
/// Why: a history check parses thousands of spec blobs, and building the whole tree (tags,
/// anchors, keys compared as nodes) and then converting it was most of the parse. Both read
/// the same libyaml events and marks, so values, styles and locations are the same;
/// `YAMLEventReaderTests` compares both paths.
enum YAMLEventReader {
  /// libyaml's 0-based mark as a 1-based location.
  static func location(_ mark: yaml_mark_t) -> SourceLocation {
    SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
  }

  static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Node? {
    // libyaml's parser keeps pointers into its own buffers: it stays at one address.
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else { return nil }
    defer { yaml_parser_delete(parser) }
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
    var reader = Reader(parser: parser)
    // Events in order: stream start, document start, the root, document end, stream end.
    guard reader.next(YAML_STREAM_START_EVENT), reader.next(YAML_DOCUMENT_START_EVENT),
      let root = reader.node(depth: 0), reader.next(YAML_DOCUMENT_END_EVENT), reader.next(YAML_STREAM_END_EVENT)
    else { return nil }
    return root
  }

  /// Where `key` is given a second time in the mapping whose first `key` is at `first`
  /// (else in any mapping): the location to report a duplicate key at. Read from libyaml's
  /// events, so a key written another way (`"n\x61me"`, `'name'`, `? name`) is found as
  /// the key it is.
  static func secondOccurrence(of key: String, after first: SourceLocation, in bytes: UnsafeBufferPointer<UInt8>)
    -> SourceLocation?
  {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else { return nil }
    defer { yaml_parser_delete(parser) }
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
    // One frame per open collection: for a mapping, whether the next node is a key, and
    // where each scalar key was first seen.
    struct Frame {
      var isMapping: Bool
      var expectsKey = true
      var keys: [String: SourceLocation] = [:]
    }
    var stack: [Frame] = []
    var anywhere: SourceLocation?
    var event = yaml_event_t()
    /// A node ended: in a mapping, keys and values alternate.
    func completed(_ stack: inout [Frame]) {
      if let last = stack.indices.last, stack[last].isMapping { stack[last].expectsKey.toggle() }
    }
    while yaml_parser_parse(parser, &event) == 1 {
      defer { yaml_event_delete(&event) }
      let location = YAMLEventReader.location(event.start_mark)
      switch event.type {
      case YAML_STREAM_END_EVENT:
        return anywhere
      case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
        stack.append(Frame(isMapping: event.type == YAML_MAPPING_START_EVENT))
      case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
        _ = stack.popLast()
        completed(&stack)
      case YAML_SCALAR_EVENT, YAML_ALIAS_EVENT:
        if event.type == YAML_SCALAR_EVENT, let last = stack.indices.last, stack[last].isMapping, stack[last].expectsKey
        {
          let scalar = event.data.scalar
          let text =
            scalar.length == 0 || scalar.value == nil
            ? "" : String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
          if let earlier = stack[last].keys[text] {
            if text == key {
              if earlier.line == first.line { return location }
              if anywhere == nil { anywhere = location }
            }
          } else {
            stack[last].keys[text] = location
          }
        }
        completed(&stack)
      default:
        break
      }
    }
    return anywhere
  }

  /// True when no pair has the key `text` yet (and then `text` counts as seen). Spec
  /// mappings hold a handful of keys: comparing them costs less than hashing each into
  /// a set, which only large mappings get.
  static func isNew(_ text: String, in pairs: [(key: Node, value: Node)], seen: inout Set<String>?) -> Bool {
    if seen == nil && pairs.count >= 16 {
      seen = Set(pairs.compactMap { if case .scalar(let key, _) = $0.key.value { key } else { nil } })
    }
    if seen != nil { return seen!.insert(text).inserted }
    for pair in pairs { if case .scalar(let key, _) = pair.key.value, key == text { return false } }
    return true
  }

  private struct Reader {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    var event = yaml_event_t()

    init(parser: UnsafeMutablePointer<yaml_parser_t>) { self.parser = parser }

    /// Reads the next event; false on a parse error.
    mutating func advance() -> Bool {
      yaml_parser_parse(parser, &event) == 1
    }

    /// Reads the next event and checks its type.
    mutating func next(_ type: yaml_event_type_t) -> Bool {
      guard advance() else { return false }
      defer { yaml_event_delete(&event) }
      return event.type == type
    }

    /// The node starting at the next event, or nil when the fast path does not apply.
    mutating func node(depth: Int) -> Node? {
      guard advance() else { return nil }
      return node(startingAt: depth)
    }

    /// The node whose first event was just read (and is owned here).
    mutating func node(startingAt depth: Int) -> Node? {
      let location = YAMLEventReader.location(event.start_mark)
      guard depth <= 64 else {
        yaml_event_delete(&event)
        return nil
      }
      switch event.type {
      case YAML_SCALAR_EVENT:
        defer { yaml_event_delete(&event) }
        let scalar = event.data.scalar
        guard scalar.anchor == nil, scalar.tag == nil else { return nil }
        let text =
          scalar.length == 0 || scalar.value == nil
          ? "" : String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
        // An untagged quoted or block scalar is a string; a plain one is typed by its text.
        let type: ScalarType = scalar.style == YAML_PLAIN_SCALAR_STYLE ? ScalarResolver.resolve(text) : .string
        return Node(.scalar(text, type), at: location)
      case YAML_SEQUENCE_START_EVENT:
        let start = event.data.sequence_start
        let plain = start.anchor == nil && (start.implicit != 0 || start.tag == nil)
        yaml_event_delete(&event)
        guard plain else { return nil }
        var items: [Node] = []
        while true {
          guard advance() else { return nil }
          if event.type == YAML_SEQUENCE_END_EVENT {
            yaml_event_delete(&event)
            return Node(.sequence(items), at: location)
          }
          guard let item = node(startingAt: depth + 1) else { return nil }
          items.append(item)
        }
      case YAML_MAPPING_START_EVENT:
        let start = event.data.mapping_start
        let plain = start.anchor == nil && (start.implicit != 0 || start.tag == nil)
        yaml_event_delete(&event)
        guard plain else { return nil }
        var pairs: [(key: Node, value: Node)] = []
        // Keys seen, kept in a set once the mapping is large (small ones are searched).
        var keys: Set<String>?
        while true {
          guard advance() else { return nil }
          if event.type == YAML_MAPPING_END_EVENT {
            yaml_event_delete(&event)
            return Node(.mapping(pairs), at: location)
          }
          // Keys must be scalars given once; anything else is the slow path's to report
          // (the event read is owned here until handed to `node(startingAt:)`).
          guard event.type == YAML_SCALAR_EVENT else {
            yaml_event_delete(&event)
            return nil
          }
          guard let key = node(startingAt: depth + 1),
            case .scalar(let keyText, _) = key.value, YAMLEventReader.isNew(keyText, in: pairs, seen: &keys),
            let value = node(depth: depth + 1)
          else { return nil }
          // Comparing keys resolves their tags (`YAMLComposer.checkDuplicates`): every key
          // comes out a string (`off:` is the key "off").
          pairs.append((Node(.scalar(keyText, .string), at: key.location), value))
        }
      default:
        // Aliases (and anything unexpected) go the slow way.
        yaml_event_delete(&event)
        return nil
      }
    }
  }
}
