#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// A strict JSON reader over UTF-8 bytes, for ledger lines: one record a line,
/// tens of thousands at a time, where Foundation's bridging JSONSerialization is
/// the bottleneck. Integers stay `.int`; numbers with a fraction or exponent are
/// `.double`. Rejects anything that is not JSON (trailing text, NaN, bad escapes).
/// Text that is not JSON: where (a byte offset into the UTF-8 text) and why. A
/// `LocalizedError` too, so `localizedDescription` reads as the description instead of
/// Foundation's generic "The operation could not be completed".
public struct JSONSyntaxError: Error, CustomStringConvertible, LocalizedError, Sendable {
  /// Bytes from the start of the text to where reading stopped.
  public let offset: Int
  public let reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
  public var errorDescription: String? { description }
}

struct JSONByteParser {
  typealias Failure = JSONSyntaxError

  fileprivate let bytes: UnsafeBufferPointer<UInt8>
  fileprivate var index = 0

  fileprivate init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  static func parse(_ text: String) throws -> JSONValue {
    var text = text
    return try text.withUTF8 { buffer in
      var parser = JSONByteParser(buffer)
      parser.skipSpace()
      let value = try parser.value(depth: 0)
      parser.skipSpace()
      guard parser.index == buffer.count else { throw Failure(offset: parser.index, reason: "text after the value") }
      return value
    }
  }

  /// At a key's opening quote: the key, as its bytes when it has no escapes (no String
  /// is made for it), else decoded.
  fileprivate mutating func key() throws -> JSONKey {
    let quote = index
    var scan = index + 1
    var ascii = true
    while scan < bytes.count {
      let byte = bytes[scan]
      if byte == UInt8(ascii: "\"") {
        index = scan + 1
        return JSONKey(raw: UnsafeBufferPointer(rebasing: bytes[(quote + 1)..<scan]), ascii: ascii, escaped: false)
      }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
      if byte >= 0x80 { ascii = false }
      scan += 1
    }
    _ = try string()  // checks the escapes, and steps past the closing quote
    return JSONKey(raw: UnsafeBufferPointer(rebasing: bytes[(quote + 1)..<(index - 1)]), ascii: false, escaped: true)
  }

  /// Checks and steps over one value without building it.
  fileprivate mutating func skipValue(depth: Int) throws {
    guard depth < 512 else { throw fail("nested too deeply") }
    guard index < bytes.count else { throw fail("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
      let isObject = close == UInt8(ascii: "}")
      index += 1
      skipSpace()
      if index < bytes.count, bytes[index] == close {
        index += 1
        return
      }
      while true {
        skipSpace()
        if isObject {
          guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
          try skipString()
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
          index += 1
          skipSpace()
        }
        try skipValue(depth: depth + 1)
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          continue
        }
        if bytes[index] == close {
          index += 1
          return
        }
        throw fail("expected ',' or a closing bracket")
      }
    case UInt8(ascii: "\""):
      try skipString()
    default:
      _ = try value(depth: depth)
    }
  }

  /// Checks and steps over a string. A string with an escape is read by `string()`
  /// from its opening quote, so a skipped string and a read one get one verdict (a bad
  /// escape fails both); strings without escapes, the usual case, are only scanned.
  fileprivate mutating func skipString() throws {
    let quote = index
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return
      }
      if byte < 0x20 { throw fail("control character in a string") }
      if byte == UInt8(ascii: "\\") {
        index = quote
        _ = try string()
        return
      }
      index += 1
    }
    throw fail("unterminated string")
  }

  fileprivate mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  fileprivate func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

  private mutating func expect(_ literal: StaticString) throws {
    let count = literal.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw fail("unexpected end") }
    let start = literal.utf8Start
    for offset in 0..<count where bytes[index + offset] != start[offset] { throw fail("unexpected character") }
    index += count
  }

  fileprivate mutating func value(depth: Int) throws -> JSONValue {
    guard depth < 512 else { throw fail("nested too deeply") }
    guard index < bytes.count else { throw fail("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var object: [String: JSONValue] = [:]
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(object)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try string()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
        skipSpace()
        object[key] = try value(depth: depth + 1)
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          continue
        }
        if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(object)
        }
        throw fail("expected ',' or '}'")
      }
    case UInt8(ascii: "["):
      index += 1
      var items: [JSONValue] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          continue
        }
        if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        }
        throw fail("expected ',' or ']'")
      }
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"):
      try expect("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expect("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expect("null")
      return .null
    default:
      return try number()
    }
  }

  fileprivate mutating func number() throws -> JSONValue {
    let start = index
    var isInteger = true
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    let digitsStart = index
    while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
    guard index > digitsStart else { throw fail("expected a value") }
    if bytes[digitsStart] == 48, index - digitsStart > 1 { throw fail("leading zero") }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      let fraction = index
      while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
      guard index > fraction else { throw fail("expected digits after '.'") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      let exponent = index
      while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
      guard index > exponent else { throw fail("expected digits in the exponent") }
    }
    // Integers of up to 18 digits cannot overflow: read them without making a String.
    let negative = bytes[start] == UInt8(ascii: "-")
    if isInteger, index - digitsStart <= 18 {
      var integer = 0
      for offset in digitsStart..<index { integer = integer * 10 + Int(bytes[offset] - 48) }
      return .int(negative ? -integer : integer)
    }
    if !isInteger, let fast = JSONByteParser.exactDecimal(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
      return .double(fast)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    if isInteger, let integer = Int(text) { return .int(integer) }
    if isInteger { return ScalarValue.integer(text) ?? .double(Double(text) ?? 0) }  // exact, beyond Int's range
    guard let double = Double(text) else { throw Failure(offset: start, reason: "bad number") }
    return .double(double)
  }

  /// Powers of ten that a Double holds exactly.
  private static let exactPowers: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
  ]

  /// A JSON number (already checked) as Double, when it has at most 15 significant
  /// digits and a decimal exponent within ±22: then the digits and the power of ten are
  /// both exact and one multiplication or division rounds correctly (Clinger's fast
  /// path), giving what `Double(text)` gives without making a String. Else nil.
  static func exactDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    var negative = false
    if i < text.count, text[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var sawNonZero = false
    while i < text.count, text[i] >= 48, text[i] <= 57 {
      if text[i] != 48 || sawNonZero {
        sawNonZero = true
        digits += 1
      }
      mantissa = mantissa &* 10 &+ UInt64(text[i] - 48)
      i += 1
    }
    if i < text.count, text[i] == UInt8(ascii: ".") {
      i += 1
      while i < text.count, text[i] >= 48, text[i] <= 57 {
        if text[i] != 48 || sawNonZero {
          sawNonZero = true
          digits += 1
        }
        mantissa = mantissa &* 10 &+ UInt64(text[i] - 48)
        exponent -= 1
        i += 1
      }
    }
    guard digits <= 15 else { return nil }
    if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
      i += 1
      var sign = 1
      if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
        if text[i] == UInt8(ascii: "-") { sign = -1 }
        i += 1
      }
      var value = 0
      while i < text.count, text[i] >= 48, text[i] <= 57 {
        value = value * 10 + Int(text[i] - 48)
        if value > 400 { return nil }
        i += 1
      }
      exponent += sign * value
    }
    guard i == text.count, exponent >= -22, exponent <= 22 else { return nil }
    var result = Double(mantissa)
    result = exponent < 0 ? result / exactPowers[-exponent] : result * exactPowers[exponent]
    return negative ? -result : result
  }

  fileprivate mutating func string() throws -> String {
    index += 1  // the opening quote
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail("control character in a string") }
      index += 1
    }
    var scalars = Array(bytes[start..<index])
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return String(decoding: scalars, as: UTF8.self)
      }
      if byte < 0x20 { throw fail("control character in a string") }
      if byte != UInt8(ascii: "\\") {
        scalars.append(byte)
        index += 1
        continue
      }
      let backslash = index
      index += 1
      guard index < bytes.count else { throw fail("unexpected end") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append(0x22)
      case UInt8(ascii: "\\"): scalars.append(0x5C)
      case UInt8(ascii: "/"): scalars.append(0x2F)
      case UInt8(ascii: "b"): scalars.append(0x08)
      case UInt8(ascii: "f"): scalars.append(0x0C)
      case UInt8(ascii: "n"): scalars.append(0x0A)
      case UInt8(ascii: "r"): scalars.append(0x0D)
      case UInt8(ascii: "t"): scalars.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
          guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          else {
            throw fail("lone surrogate")
          }
          index += 2
          let low = try hex4()
          guard (0xDC00...0xDFFF).contains(low) else { throw fail("bad surrogate pair") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(code) {
          throw fail("lone surrogate")
        }
        guard let scalar = Unicode.Scalar(code) else { throw fail("bad \\u escape") }
        scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
      default:
        let shown = (0x21...0x7E).contains(escape) ? " '\\\(Character(Unicode.Scalar(escape)))'" : ""
        throw Failure(offset: backslash, reason: "bad escape\(shown)")
      }
    }
    throw fail("unterminated string")
  }

  private mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count else { throw fail("unexpected end") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case 48...57: digit = UInt32(byte - 48)
      case 97...102: digit = UInt32(byte - 87)
      case 65...70: digit = UInt32(byte - 55)
      default: throw fail("bad \\u escape")
      }
      code = code << 4 | digit
      index += 1
    }
    return code
  }
}

/// A cursor over JSON text that reads objects key by key, without building them:
/// listings read a few fields of ten thousands of ledger lines. Each value after a key
/// is read once (`value`, `appendString`, `enterObject`) or left to `nextKey`, which
/// checks and skips it. The text must stay valid while the cursor is used.
///
///     var cursor = JSONCursor(bytes)
///     guard try cursor.enterObject() else { … }        // not an object: skipped
///     while let key = try cursor.nextKey() { if key == "id" { … try cursor.value() } }
///     try cursor.end()                                 // nothing but space may follow
public struct JSONCursor {
  private var parser: JSONByteParser
  private var depth = 0
  /// Just inside an object, before its first key.
  private var atFirstKey = false
  /// A key was returned and its value has not been read yet.
  private var valuePending = false

  public init(_ bytes: UnsafeRawBufferPointer) {
    parser = JSONByteParser(bytes.bindMemory(to: UInt8.self))
    parser.skipSpace()
  }

  /// At a value: when it is an object, steps inside it and returns true; otherwise checks
  /// and skips the value and returns false.
  public mutating func enterObject() throws -> Bool {
    valuePending = false
    guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "{") else {
      try parser.skipValue(depth: depth)
      return false
    }
    guard depth < 512 else { throw parser.fail("nested too deeply") }
    parser.index += 1
    depth += 1
    atFirstKey = true
    return true
  }

  /// The next key of the object the cursor is in (its value's reading left to the
  /// caller), or nil after the object's closing brace. An unread value is skipped first.
  public mutating func nextKey() throws -> JSONKey? {
    if valuePending { try parser.skipValue(depth: depth) }
    valuePending = false
    parser.skipSpace()
    guard parser.index < parser.bytes.count else { throw parser.fail("unexpected end") }
    let byte = parser.bytes[parser.index]
    if byte == UInt8(ascii: "}") {
      parser.index += 1
      depth -= 1
      atFirstKey = false  // what follows an object is its parent's next separator
      return nil
    }
    if !atFirstKey {
      guard byte == UInt8(ascii: ",") else { throw parser.fail("expected ',' or '}'") }
      parser.index += 1
      parser.skipSpace()
    }
    atFirstKey = false
    guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
      throw parser.fail("expected a key")
    }
    let key = try parser.key()
    parser.skipSpace()
    guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
      throw parser.fail("expected ':'")
    }
    parser.index += 1
    parser.skipSpace()
    valuePending = true
    return key
  }

  /// Where the cursor is, in bytes from the start of its text.
  public var offset: Int { parser.index }

  /// The value at the cursor, built.
  public mutating func value() throws -> JSONValue {
    valuePending = false
    return try parser.value(depth: depth)
  }

  /// The value when it is a string; nil (the value checked and skipped) when it is not.
  public mutating func string() throws -> String? {
    valuePending = false
    guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
      try parser.skipValue(depth: depth)
      return nil
    }
    return try parser.string()
  }

  /// When the value is a string: appends its text's UTF-8 (escapes decoded, invalid
  /// UTF-8 repaired as `String(decoding:)` does) to `bytes` and returns the range it
  /// took. Otherwise checks and skips the value and returns nil.
  public mutating func appendString(to bytes: inout [UInt8]) throws -> Range<Int>? {
    valuePending = false
    guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
      try parser.skipValue(depth: depth)
      return nil
    }
    let first = parser.index + 1
    var scan = first
    var ascii = true
    while scan < parser.bytes.count {
      let byte = parser.bytes[scan]
      if byte == UInt8(ascii: "\"") {
        let start = bytes.count
        if ascii {
          bytes.append(contentsOf: UnsafeBufferPointer(rebasing: parser.bytes[first..<scan]))
        } else {
          bytes.append(
            contentsOf: String(decoding: UnsafeBufferPointer(rebasing: parser.bytes[first..<scan]), as: UTF8.self).utf8)
        }
        parser.index = scan + 1
        return start..<bytes.count
      }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
      if byte >= 0x80 { ascii = false }
      scan += 1
    }
    let start = bytes.count
    bytes.append(contentsOf: try parser.string().utf8)  // escapes (or a fault to report)
    return start..<bytes.count
  }

  /// After the top-level value: only space may follow.
  public mutating func end() throws {
    if valuePending { try parser.skipValue(depth: depth) }
    valuePending = false
    parser.skipSpace()
    guard parser.index == parser.bytes.count else { throw parser.fail("text after the value") }
  }
}

/// An object key met by a `JSONCursor`: valid while the cursor's text is.
public struct JSONKey {
  /// The key as written, between its quotes (escapes not decoded).
  private let raw: UnsafeBufferPointer<UInt8>
  /// `raw` is plain ASCII.
  private let ascii: Bool
  /// `raw` holds escapes (checked when the key was read), decoded when the text is asked for.
  private let escaped: Bool

  fileprivate init(raw: UnsafeBufferPointer<UInt8>, ascii: Bool, escaped: Bool) {
    self.raw = raw
    self.ascii = ascii
    self.escaped = escaped
  }

  /// The key's text (escapes decoded).
  public var string: String {
    guard escaped, let base = raw.baseAddress else { return String(decoding: raw, as: UTF8.self) }
    var parser = JSONByteParser(UnsafeBufferPointer(start: base - 1, count: raw.count + 2))  // with its quotes
    return (try? parser.string()) ?? ""
  }

  /// Appends the key's text as UTF-8 (as `string` has it) and returns the range it took.
  public func append(to bytes: inout [UInt8]) -> Range<Int> {
    let start = bytes.count
    if ascii {
      bytes.append(contentsOf: raw)
    } else {
      bytes.append(contentsOf: string.utf8)
    }
    return start..<bytes.count
  }

  /// The key's length in UTF-8 bytes (of the decoded text when it had escapes).
  public var utf8Count: Int { escaped ? string.utf8.count : raw.count }

  /// True when the key is `literal`, compared as text, without making a String.
  public static func == (key: JSONKey, literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    let start = literal.utf8Start
    if !key.escaped {
      if key.raw.count == count && (count == 0 || memcmp(start, key.raw.baseAddress!, count) == 0) { return true }
      if key.ascii && literal.isASCII { return false }  // ASCII text is equal only byte for byte
      // Unequal bytes can still be canonically equivalent text (String ==) only when the
      // literal holds 'K', ';', '`' (targets of Unicode's singleton decompositions into
      // ASCII) or non-ASCII. (Invalid UTF-8 in a key decodes to U+FFFD: never a match.)
      var special = false
      for offset in 0..<count
      where start[offset] == 0x4B || start[offset] == 0x3B || start[offset] == 0x60 || start[offset] >= 0x80 {
        special = true
        break
      }
      if !special { return false }
    }
    return key.string == String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
  }
}
