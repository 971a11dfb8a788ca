/// Text from specs, configs, commits and notes made safe to print on a terminal.
///
/// Anyone who can commit or push notes chooses these strings, and a terminal obeys the
/// control characters in them: ESC starts a sequence that can erase a line or move the
/// cursor, CR returns to the line's start so what follows overwrites it, and bidi
/// overrides (U+202E) show text in another order than it has. A crafted spec key could
/// hide a change from the reviewer reading `mlgit review diff`. Every text renderer
/// passes user content through `escape` (JSON output is escaped by JSON itself).
///
/// Escaped: the Unicode general categories Cc (C0 controls, DEL, C1 controls), Cf
/// (format characters: bidi embeddings, overrides and isolates, zero-width characters,
/// the byte-order mark), Zl and Zp (line and paragraph separators). They print as
/// Swift writes them in a literal, `\u{1B}`, except tab, line feed and carriage return:
/// `\t`, `\n`, `\r`. Backslashes are left as they are, so ordinary text (Windows paths,
/// regular expressions) reads unchanged; a literal `\u{1B}` typed into a key prints as
/// itself, which hides nothing.
public enum TerminalText {
  /// `text` with every control, format and separator character escaped. Line feeds
  /// are kept when `keepingNewlines` is set, for messages that span lines on purpose.
  public static func escape(_ text: String, keepingNewlines: Bool = false) -> String {
    // Most text is printable ASCII: no copy. (Checked over the UTF-8 buffer: through the
    // string's UTF-8 view the check cost a history check's text output some twenty
    // instructions a byte.)
    var copy = text
    let bytes = copy.withUTF8 { buffer -> [UInt8]? in
      if isPrintableASCII(buffer) { return nil }
      var out: [UInt8] = []
      out.reserveCapacity(buffer.count + 16)
      appendEscaping(buffer, to: &out, keepingNewlines: keepingNewlines)
      return out
    }
    guard let bytes else { return text }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// True when every byte is printable ASCII (space to `~`), which `escape` leaves as it is.
  static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in bytes where byte &- 0x20 >= 0x5F { return false }
    return true
  }

  /// `escape` for UTF-8 bytes appended to a byte buffer (listings written as bytes).
  /// Bytes that are not UTF-8 become U+FFFD, as `String(decoding:as:)` makes them.
  public static func appendEscaping(
    _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], keepingNewlines: Bool = false
  ) {
    if isPrintableASCII(bytes) {
      out.append(contentsOf: bytes)
      return
    }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        if scalar == "\n" && keepingNewlines {
          out.append(0x0A)
        } else if needsEscape(scalar) {
          appendEscape(of: scalar, to: &out)
        } else {
          UTF8.encode(scalar) { out.append($0) }
        }
      case .error:
        UTF8.encode("\u{FFFD}") { out.append($0) }
      case .emptyInput:
        return
      }
    }
  }

  /// True for the characters a terminal may act on or that change how text around them shows.
  public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.value < 0x20 || scalar.value == 0x7F { return true }
    if scalar.value < 0x80 { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator: return true
    default: return false
    }
  }

  private static func appendEscape(of scalar: Unicode.Scalar, to out: inout [UInt8]) {
    switch scalar {
    case "\t": out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
    case "\n": out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
    case "\r": out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
    default: out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".utf8)
    }
  }
}
