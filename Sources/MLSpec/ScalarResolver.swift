/// Resolves the type of a plain (unquoted) YAML scalar, as YAML 1.1 loaders such as
/// PyYAML do (`yes`/`no`/`on`/`off` are booleans, `~` is null), and also reads
/// exponent floats without a dot (`1e-5`), as JSON and ML configs write them.
///
/// Hand-written instead of Yams' regular-expression resolver, whose patterns take
/// longer to compile than a hook may spend in total.
enum ScalarResolver {
  static func resolve(_ text: String) -> ScalarType {
    // Most plain scalars are words: one that starts with a letter no keyword starts with is a string.
    if let first = text.utf8.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"),
      !"tTfFyYnNoO".utf8.contains(first)
    {
      return .string
    }
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
      "on", "On", "ON", "off", "Off", "OFF":
      return .bool
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
      return .float
    default: break
    }
    var bytes = Array(text.utf8)[...]
    if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
    guard !bytes.isEmpty else { return .string }
    if isInteger(bytes) { return .int }
    if isFloat(bytes) { return .float }
    return .string
  }

  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
  static func isUnderscore(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") }

  static func isInteger(_ bytes: ArraySlice<UInt8>) -> Bool {
    let s = Array(bytes)
    if s.count > 2, s[0] == UInt8(ascii: "0") {
      let rest = s[2...]
      switch s[1] {
      case UInt8(ascii: "x"): return !rest.isEmpty && rest.allSatisfy { isDigit($0) || isUnderscore($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
      case UInt8(ascii: "o"): return !rest.isEmpty && rest.allSatisfy { (0x30...0x37).contains($0) || isUnderscore($0) }
      case UInt8(ascii: "b"): return !rest.isEmpty && rest.allSatisfy { $0 == 0x30 || $0 == 0x31 || isUnderscore($0) }
      default: break
      }
    }
    guard isDigit(s[0]) else { return false }
    return s.allSatisfy { isDigit($0) || isUnderscore($0) }
  }

  /// `1.5`, `1.`, `.5`, `1e-5`, `1.5E+3`, `1_000.5`.
  static func isFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
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
