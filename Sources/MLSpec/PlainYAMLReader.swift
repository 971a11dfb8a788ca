/// Reads the plainest YAML documents without libyaml: ASCII text indented with spaces,
/// block mappings whose keys are plain words, block sequences (indented or not), and
/// values that are plain or quoted scalars on one line (quotes without escapes) or
/// one-line flow collections of such values (`{min: 0.7}`, `[a, "b"]`). Comments and
/// blank lines anywhere. Anything else (escapes in quotes, block scalars, anchors, tags,
/// an empty value, a scalar continued on another line, a mapping inside a sequence
/// entry, a duplicate key, a tab, a byte outside printable ASCII, a document marker)
/// returns nil, and `Document.parse` reads the text with
/// libyaml (`YAMLEventReader`, then `YAMLComposer`) as before.
///
/// Why: libyaml spends about 250 instructions a byte on a short spec (75,000 for the
/// bench's 300-byte specs, half of each spec's parse), and a history check or an audit
/// parses every version of every spec: 12% of an audit over 10,000 commits. This reader
/// takes about a tenth of that on the documents it accepts. What it accepts it reads
/// exactly as libyaml does, values, types and locations alike (libyaml's marks: a block
/// mapping is where its first key is, a block sequence where its first `-` is);
/// `PlainYAMLReaderTests` compares both on handwritten and generated documents.
enum PlainYAMLReader {
  static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Node? {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
    var lineStarts: [Int] = [0]
    for offset in 0..<bytes.count {
      let byte = base[offset]
      if byte == 0x0A {
        lineStarts.append(offset + 1)
      } else if byte < 0x20 || byte > 0x7E {
        return nil
      }
    }
    var reader = Reader(base: base, count: bytes.count, lineStarts: lineStarts)
    guard let indent = reader.skipToContent() else { return nil }
    let root =
      reader.startsEntry(at: indent)
      ? reader.sequence(indent: indent, depth: 0) : reader.mapping(indent: indent, depth: 0)
    guard let root, reader.skipToContent() == nil else { return nil }
    return root
  }

  private struct Reader {
    let base: UnsafePointer<UInt8>
    let count: Int
    /// Where each line starts; a last line without a newline ends at `count`.
    let lineStarts: [Int]
    /// The line being read (0-based).
    var line = 0

    init(base: UnsafePointer<UInt8>, count: Int, lineStarts: [Int]) {
      (self.base, self.count, self.lineStarts) = (base, count, lineStarts)
    }

    func start(_ line: Int) -> Int { lineStarts[line] }
    func end(_ line: Int) -> Int { line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : count }

    /// Moves past blank and comment lines; the indent of the line reached, nil at the end.
    mutating func skipToContent() -> Int? {
      while line < lineStarts.count {
        let (first, last) = (start(line), end(line))
        var at = first
        while at < last && base[at] == 0x20 { at += 1 }
        if at < last && base[at] != 0x23 { return at - first }
        line += 1
      }
      return nil
    }

    /// The current line's content (at `indent`) is a block sequence entry: `-` then a
    /// space or the end of the line.
    func startsEntry(at indent: Int) -> Bool {
      let at = start(line) + indent
      return base[at] == 0x2D && (at + 1 == end(line) || base[at + 1] == 0x20)
    }

    func location(_ offset: Int, line: Int) -> SourceLocation {
      SourceLocation(line: line + 1, column: offset - start(line) + 1)
    }

    /// A line that libyaml would read as a document marker (`---`, `...`).
    func isMarker(_ line: Int) -> Bool {
      let at = start(line)
      guard end(line) - at >= 3 else { return false }
      return (base[at] == 0x2D && base[at + 1] == 0x2D && base[at + 2] == 0x2D)
        || (base[at] == 0x2E && base[at + 1] == 0x2E && base[at + 2] == 0x2E)
    }

    /// The block mapping whose keys are at `indent`, starting on the current line.
    mutating func mapping(indent: Int, depth: Int) -> Node? {
      guard depth < 60 else { return nil }  // well inside libyaml readers' 64 levels
      var pairs: [(key: Node, value: Node)] = []
      var keys: Set<String>?
      var location: SourceLocation?
      while let found = skipToContent() {
        if found < indent { break }
        guard found == indent, !isMarker(line) else { return nil }
        let (first, last) = (start(line) + indent, end(line))
        var at = first
        guard Reader.isWordStart(base[at]) else { return nil }
        while at < last && Reader.isWord(base[at]) { at += 1 }
        guard at < last, base[at] == 0x3A, at + 1 == last || base[at + 1] == 0x20 else { return nil }
        let keyText = String(decoding: UnsafeBufferPointer(start: base + first, count: at - first), as: UTF8.self)
        guard YAMLEventReader.isNew(keyText, in: pairs, seen: &keys) else { return nil }
        let key = Node(.scalar(keyText, .string), at: self.location(first, line: line))
        if location == nil { location = key.location }
        at += 1
        while at < last && base[at] == 0x20 { at += 1 }
        let value: Node?
        if at == last || base[at] == 0x23 {
          // The value is on the lines below: deeper, or a sequence at the key's own indent.
          line += 1
          guard let next = skipToContent() else { return nil }
          if next > indent {
            value =
              startsEntry(at: next) ? sequence(indent: next, depth: depth + 1) : mapping(indent: next, depth: depth + 1)
          } else if next == indent && startsEntry(at: next) {
            value = sequence(indent: next, depth: depth + 1)
          } else {
            return nil  // an empty value: libyaml's null, left to it
          }
        } else {
          value = inline(at, last, depth: depth + 1)
          line += 1
        }
        guard let value else { return nil }
        pairs.append((key, value))
      }
      guard let location else { return nil }
      return Node(.mapping(pairs), at: location)
    }

    /// The block sequence whose `-` are at `indent`, starting on the current line.
    mutating func sequence(indent: Int, depth: Int) -> Node? {
      guard depth < 60 else { return nil }  // well inside libyaml readers' 64 levels
      var items: [Node] = []
      var location: SourceLocation?
      while let found = skipToContent() {
        if found < indent { break }
        guard found == indent else { return nil }
        // A line at the same indent that is not an entry ends a sequence written at its
        // key's indent; anywhere else the caller finds it out of place.
        guard startsEntry(at: indent) else { break }
        let (dash, last) = (start(line) + indent, end(line))
        if location == nil { location = self.location(dash, line: line) }
        var at = dash + 1
        while at < last && base[at] == 0x20 { at += 1 }
        guard at < last, base[at] != 0x23, let item = inline(at, last, depth: depth + 1) else { return nil }
        items.append(item)
        line += 1
      }
      guard let location else { return nil }
      return Node(.sequence(items), at: location)
    }

    /// A value that starts at `at` on the current line and ends with it (or a comment):
    /// a flow collection of plain words or a plain scalar.
    func inline(_ at: Int, _ last: Int, depth: Int) -> Node? {
      switch base[at] {
      case 0x7B, 0x5B: return flow(at, last, depth: depth)
      case 0x22, 0x27:
        guard let (text, closed) = quoted(at, last) else { return nil }
        var after = closed
        while after < last && base[after] == 0x20 { after += 1 }
        guard after == last || (base[after] == 0x23 && after > closed) else { return nil }
        return Node(.scalar(text, .string), at: location(at, line: line))
      case 0x2D:
        // `-` starts a plain scalar only before a character that is not a space.
        guard at + 1 < last, base[at + 1] != 0x20 else { return nil }
      default:
        guard !Reader.isIndicator(base[at]) else { return nil }
      }
      var end = at
      var scan = at
      while scan < last {
        let byte = base[scan]
        if byte == 0x20 {
          if scan + 1 < last && base[scan + 1] == 0x23 { break }  // a comment
        } else {
          // `: ` or a final `:` would make the line a mapping entry (an error here).
          if byte == 0x3A && (scan + 1 == last || base[scan + 1] == 0x20) { return nil }
          end = scan + 1
        }
        scan += 1
      }
      let text = String(decoding: UnsafeBufferPointer(start: base + at, count: end - at), as: UTF8.self)
      return Node(.scalar(text, ScalarResolver.resolve(text)), at: location(at, line: line))
    }

    /// `"text"` or `'text'` within the line and without escapes (no backslash in double
    /// quotes, no doubled quote in single ones): the text between the quotes and where the
    /// scalar ends.
    func quoted(_ open: Int, _ last: Int) -> (String, Int)? {
      let quote = base[open]
      var at = open + 1
      while at < last && base[at] != quote {
        if base[at] == 0x5C && quote == 0x22 { return nil }
        at += 1
      }
      guard at < last, !(quote == 0x27 && at + 1 < last && base[at + 1] == 0x27) else { return nil }
      return (
        String(decoding: UnsafeBufferPointer(start: base + open + 1, count: at - open - 1), as: UTF8.self), at + 1
      )
    }

    /// `{word: value, …}` or `[value, …]` on one line, then nothing but a comment; a value
    /// is a plain word or a quoted text without escapes.
    func flow(_ open: Int, _ last: Int, depth: Int) -> Node? {
      guard depth < 60 else { return nil }  // well inside libyaml readers' 64 levels
      let isMapping = base[open] == 0x7B
      let close: UInt8 = isMapping ? 0x7D : 0x5D
      var at = open + 1
      func skipSpaces() { while at < last && base[at] == 0x20 { at += 1 } }
      /// A plain word inside the brackets, as a scalar node (nil: none there).
      func word() -> (String, SourceLocation)? {
        let first = at
        guard at < last, Reader.isFlowWord(base[at]) else { return nil }
        if base[at] == 0x2D {
          guard at + 1 < last, Reader.isFlowWord(base[at + 1]) else { return nil }
        } else if !Reader.isWordStart(base[at]) && base[at] != 0x2E && base[at] != 0x2B {
          return nil
        }
        while at < last && Reader.isFlowWord(base[at]) { at += 1 }
        let text = String(decoding: UnsafeBufferPointer(start: base + first, count: at - first), as: UTF8.self)
        return (text, self.location(first, line: line))
      }
      /// A value inside the brackets: a quoted text or a plain word.
      func value() -> Node? {
        guard at < last else { return nil }
        if base[at] == 0x22 || base[at] == 0x27 {
          let open = at
          guard let (text, closed) = quoted(open, last) else { return nil }
          at = closed
          return Node(.scalar(text, .string), at: self.location(open, line: line))
        }
        guard let (text, place) = word() else { return nil }
        return Node(.scalar(text, ScalarResolver.resolve(text)), at: place)
      }
      var pairs: [(key: Node, value: Node)] = []
      var items: [Node] = []
      var keys: Set<String>?
      skipSpaces()
      if at < last && base[at] == close {
        at += 1
      } else {
        while true {
          if isMapping {
            guard let (keyText, keyAt) = word(), at + 1 < last, base[at] == 0x3A, base[at + 1] == 0x20,
              YAMLEventReader.isNew(keyText, in: pairs, seen: &keys)
            else { return nil }
            at += 2
            skipSpaces()
            guard let value = value() else { return nil }
            pairs.append((Node(.scalar(keyText, .string), at: keyAt), value))
          } else {
            guard let item = value() else { return nil }
            items.append(item)
          }
          skipSpaces()
          guard at < last else { return nil }
          if base[at] == close {
            at += 1
            break
          }
          guard base[at] == 0x2C else { return nil }
          at += 1
          skipSpaces()
          guard at < last, base[at] != close else { return nil }  // a trailing comma: libyaml's to read
        }
      }
      // Nothing after the collection but spaces and a comment.
      let closed = at
      skipSpaces()
      guard at == last || (base[at] == 0x23 && at > closed) else { return nil }
      let place = self.location(open, line: line)
      return isMapping ? Node(.mapping(pairs), at: place) : Node(.sequence(items), at: place)
    }

    /// What a key may start with: a letter, a digit or `_`.
    static func isWordStart(_ byte: UInt8) -> Bool {
      (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }

    /// A key's later characters: also `-`, `.` and `/`.
    static func isWord(_ byte: UInt8) -> Bool {
      isWordStart(byte) || byte == 0x2D || byte == 0x2E || byte == 0x2F
    }

    /// A plain word in a flow collection: a key's characters and `+`.
    static func isFlowWord(_ byte: UInt8) -> Bool { isWord(byte) || byte == 0x2B }

    /// Characters that give a plain scalar's first character another meaning.
    static func isIndicator(_ byte: UInt8) -> Bool {
      switch byte {
      case 0x2D, 0x3F, 0x3A, 0x2C, 0x5B, 0x5D, 0x7B, 0x7D, 0x23, 0x26, 0x2A, 0x21, 0x7C, 0x3E, 0x27, 0x22, 0x25, 0x40,
        0x60:
        return true
      default:
        return false
      }
    }
  }
}
