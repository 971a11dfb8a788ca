#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// The few text operations mlgit needs that FoundationEssentials lacks (its modules import
// FoundationEssentials alone: `Foundation` brings its internationalisation and ICU's data
// into the static link, docs/performance.md). Each gives the output of the Foundation call
// it replaces; MLGitErrorsTests checks them against Foundation. They live here, at the
// bottom of the module graph, so that every module has the one implementation.

extension StringProtocol {
  /// Without leading and trailing spaces and tabs: the scalars of Unicode's category Zs,
  /// U+0009 and U+200B (zero width space, in Zs in the Unicode tables Foundation's sets
  /// were built from), the set of Foundation's `CharacterSet.whitespaces`, trimmed scalar
  /// by scalar as `trimmingCharacters(in: .whitespaces)` does.
  public func trimmingWhitespace() -> String {
    trimmingScalars { $0 == "\t" || $0 == "\u{200B}" || $0.properties.generalCategory == .spaceSeparator }
  }

  /// Without leading and trailing whitespace and line breaks: the scalars above, those of
  /// categories Zl and Zp, U+000A-U+000D and U+0085, the set of
  /// `CharacterSet.whitespacesAndNewlines`.
  public func trimmingWhitespaceAndNewlines() -> String {
    trimmingScalars { scalar in
      switch scalar.value {
      case 0x09...0x0D, 0x85, 0x200B: return true
      default:
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
      }
    }
  }

  /// Every occurrence of `target` replaced by `replacement`, matched scalar by scalar
  /// (byte by byte in UTF-8, which finds only whole scalars), so that the `\r` of a
  /// `\r\n` is found as `replacingOccurrences(of:with:)` finds it. The standard library's
  /// `replacing(_:with:)` matches whole characters and would not. An empty `target`
  /// replaces nothing.
  public func replacingEvery(_ target: String, with replacement: String) -> String {
    let pattern = Array(target.utf8)
    guard let head = pattern.first else { return String(self) }
    let insert = Array(replacement.utf8)
    var out: [UInt8] = []
    var found = false
    let bytes = Array(utf8)
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == head, index + pattern.count <= bytes.count,
        bytes[index..<index + pattern.count].elementsEqual(pattern)
      {
        out.append(contentsOf: insert)
        index += pattern.count
        found = true
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return found ? String(decoding: out, as: UTF8.self) : String(self)
  }

  private func trimmingScalars(_ isTrimmed: (Unicode.Scalar) -> Bool) -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
      let last = scalars.lastIndex(where: { !isTrimmed($0) })
    else { return "" }
    var kept = String.UnicodeScalarView()
    kept.append(contentsOf: scalars[first...last])
    return String(kept)
  }
}

/// Numbers as C's `printf` formats them (`%.1f`, `%06x`), which is what `String(format:)` printed.
public enum CFormat {
  /// `value` with `digits` digits after the point, rounded as `%.<digits>f` rounds (the
  /// exact binary value, ties to even): `0.05` with one digit is `0.1`, `0.25` is `0.2`;
  /// `nan`, `inf`, `-inf`. The C library does the rounding: it is what `String(format:)`
  /// called, and a decimal rounding written here would differ in the last digit.
  public static func fixed(_ value: Double, digits: Int) -> String {
    let format = "%.\(max(0, min(digits, 40)))f"
    // 309 digits before the point at most (Double's largest), 40 after, sign and point.
    var buffer = [CChar](repeating: 0, count: 360)
    let written = withVaList([value]) { arguments in
      buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
    }
    guard written >= 0 else { return "\(value)" }
    let bytes = buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `value` in lower-case hexadecimal, zero-padded to at least `width` digits (`%0<width>x`).
  public static func hex<Value: UnsignedInteger>(_ value: Value, width: Int) -> String {
    let digits = String(value, radix: 16)
    return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
  }
}

/// Paths written into URLs.
public enum URLPath {
  /// `path` for a URL (a `file:` URI, a SARIF location): every UTF-8 byte outside the characters a URL's path
  /// allows, and `?`, `#` and `%`, as `%XX` (upper-case hex), as Foundation's
  /// `addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)` writes them.
  public static func percentEncoded(_ path: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for byte in path.utf8 {
      if uriPathAllowed.contains(byte) {
        out.append(byte)
      } else {
        out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `CharacterSet.urlPathAllowed` (ASCII letters, digits and `!$&'()*+,-./:=@_~`).
  static let uriPathAllowed = Set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$&'()*+,-./:=@_~".utf8)
}

extension Array where Element: StringProtocol {
  /// `joined(separator:)`, for arrays of strings and substrings. The standard library's
  /// generic `joined(separator:)` looks up its collection's associated types by mangled
  /// name on its first call, some 190,000 instructions of a pre-commit hook; this one is
  /// specialised where it is called.
  @inlinable
  public func joinedText(separator: String) -> String {
    var text = ""
    for index in indices {
      if index != startIndex { text += separator }
      text += String(self[index])
    }
    return text
  }
}

extension String {
  /// The pieces between occurrences of an ASCII byte, as `split(separator:)` gives them
  /// (empty pieces left out unless `omittingEmpty` is false), found byte by byte:
  /// `split(separator:)` walks the text by Character, breaking graphemes, some 11,000
  /// instructions for a 26-byte path. A byte below 0x80 is never part of another
  /// scalar's UTF-8, so the pieces are the ones git itself cuts a path into.
  @inlinable
  public func split(byte separator: UInt8, omittingEmpty: Bool = true) -> [Substring] {
    var parts: [Substring] = []
    let bytes = utf8
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      if bytes[index] == separator {
        if !omittingEmpty || start != index { parts.append(self[start..<index]) }
        start = bytes.index(after: index)
      }
      index = bytes.index(after: index)
    }
    if !omittingEmpty || start != bytes.endIndex { parts.append(self[start..<bytes.endIndex]) }
    return parts
  }
}
