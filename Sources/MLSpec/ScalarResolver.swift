/// Resolves the type of a plain (unquoted) YAML scalar, as YAML 1.1 loaders such as
/// PyYAML do (`yes`/`no`/`on`/`off` are booleans, `~` is null), and also reads
/// exponent floats without a dot (`1e-5`), as JSON and ML configs write them.
///
/// Hand-written instead of Yams' regular-expression resolver, whose patterns take
/// longer to compile than a hook may spend in total.
enum ScalarResolver {
  static func resolve(_ text: String) -> ScalarType {
    // Most plain scalars are words: a first byte that no keyword or number starts with
    // settles it without comparing against every keyword (every key of every spec).
    guard let first = text.utf8.first else { return .null }
    switch first {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
      UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
      UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "o"), UInt8(ascii: "O"):
      break
    default:
      return .string
    }
    if text.utf8.count <= 5 { return resolveShort(text) }
    return resolveNumber(text)
  }

  /// Keywords are at most five bytes long.
  private static func resolveShort(_ text: String) -> ScalarType {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
      "on", "On", "ON", "off", "Off", "OFF":
      return .bool
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
      return .float
    default: return resolveNumber(text)
    }
  }

  private static func resolveNumber(_ text: String) -> ScalarType {
    // Over the text's own bytes (a copy only for small strings): no arrays per scalar.
    var text = text
    return text.withUTF8 { all in
      var bytes = all[...]
      if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
      guard !bytes.isEmpty else { return .string }
      if isInteger(bytes) { return .int }
      if isFloat(bytes) { return .float }
      return .string
    }
  }

  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
  static func isUnderscore(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") }

  static func isInteger(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    let start = s.startIndex
    if s.count > 2, s[start] == UInt8(ascii: "0") {
      let rest = s[(start + 2)...]
      switch s[start + 1] {
      case UInt8(ascii: "x"): return !rest.isEmpty && rest.allSatisfy { isDigit($0) || isUnderscore($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
      case UInt8(ascii: "o"): return !rest.isEmpty && rest.allSatisfy { (0x30...0x37).contains($0) || isUnderscore($0) }
      case UInt8(ascii: "b"): return !rest.isEmpty && rest.allSatisfy { $0 == 0x30 || $0 == 0x31 || isUnderscore($0) }
      default: break
      }
    }
    guard isDigit(s[start]) else { return false }
    return s.allSatisfy { isDigit($0) || isUnderscore($0) }
  }

  /// `1.5`, `1.`, `.5`, `1e-5`, `1.5E+3`, `1_000.5`.
  static func isFloat(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    var i = bytes.startIndex
    var mantissaDigits = 0
    while i < bytes.endIndex, isDigit(bytes[i]) || (mantissaDigits > 0 && isUnderscore(bytes[i])) {
      if isDigit(bytes[i]) { mantissaDigits += 1 }
      i += 1
    }
    var sawDot = false
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
      sawDot = true
      i += 1
      while i < bytes.endIndex, isDigit(bytes[i]) || isUnderscore(bytes[i]) {
        if isDigit(bytes[i]) { mantissaDigits += 1 }
        i += 1
      }
    }
    guard mantissaDigits > 0 else { return false }
    var sawExponent = false
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
      var exponentDigits = 0
      while i < bytes.endIndex, isDigit(bytes[i]) {
        exponentDigits += 1
        i += 1
      }
      guard exponentDigits > 0 else { return false }
      sawExponent = true
    }
    return i == bytes.endIndex && (sawDot || sawExponent)
  }
}
