/// Resolves the type of a plain (unquoted) YAML scalar exactly as PyYAML's YAML 1.1
/// resolver does (`yes`/`no`/`on`/`off` are booleans, `~` is null, `010` is octal,
/// `0b1010` binary, `0x1F` hexadecimal, `1:30` sexagesimal, `.5` and `1.` floats), with
/// one documented extension: a number with an exponent but without a dot or without a
/// sign in the exponent (`1e-5`, `1e5`, `1.5E3`) is a float, as JSON and ML configs
/// write them (PyYAML reads those as strings).
///
/// Two deviations where PyYAML does not give a value to compare: dates and timestamps
/// (`2026-01-01`) stay strings (compared by their exact text), and `0b_`/`0x_` (digits
/// that are all underscores), on which PyYAML's loader fails, are strings.
///
/// Hand-written instead of a regular-expression resolver (as YAML libraries carry), whose
/// patterns take longer to compile than a hook may spend in total; `ScalarResolverDifferentialTests`
/// checks it against PyYAML on a generated corpus.
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
    // Compared as one integer each (the bytes and the length packed): a switch over the
    // strings compared them one literal after another, some 1,500 instructions a scalar
    // ("name", "owner", "seed": most keys of a spec start with a keyword's letter).
    let key = packed(text.utf8)
    for (keyword, type) in keywords where keyword == key { return type }
    return resolveNumber(text)
  }

  /// Up to seven bytes and their count in one integer (the count in the top byte).
  private static func packed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
    var value: UInt64 = 0
    var count: UInt64 = 0
    for byte in bytes {
      guard count < 7 else { return .max }
      value |= UInt64(byte) << (8 * count)
      count += 1
    }
    return value | count << 56
  }

  private static let keywords: [(UInt64, ScalarType)] = {
    var table: [(UInt64, ScalarType)] = []
    for word in ["", "~", "null", "Null", "NULL"] { table.append((packed(word.utf8), .null)) }
    for word in [
      "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
      "on", "On", "ON", "off", "Off", "OFF",
    ] {
      table.append((packed(word.utf8), .bool))
    }
    for word in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"] {
      table.append((packed(word.utf8), .float))
    }
    return table
  }()

  private static func resolveNumber(_ text: String) -> ScalarType {
    // Over the text's own bytes (a copy only for small strings): no arrays per scalar.
    var text = text
    return text.withUTF8 { all in
      let bytes = all[...]
      if isInteger(bytes) { return .int }
      if isFloat(bytes) || isExponentFloat(bytes) { return .float }
      return .string
    }
  }

  typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
  static func isUnderscore(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") }
  static func isSign(_ b: UInt8) -> Bool { b == UInt8(ascii: "-") || b == UInt8(ascii: "+") }
  static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || (0x61...0x66).contains(b) || (0x41...0x46).contains(b) }

  /// PyYAML's int pattern: `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) |
  /// [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`, except that a binary or
  /// hexadecimal body needs a digit (PyYAML fails to load `0b_`).
  static func isInteger(_ s: Bytes) -> Bool {
    var i = s.startIndex
    if i < s.endIndex, isSign(s[i]) { i += 1 }
    guard i < s.endIndex else { return false }
    let rest = s[i...]
    if rest.count >= 2, rest[i] == UInt8(ascii: "0") {
      let body = rest[(i + 2)...]
      switch rest[i + 1] {
      case UInt8(ascii: "b"):
        return body.contains { $0 != UInt8(ascii: "_") }
          && body.allSatisfy { $0 == 0x30 || $0 == 0x31 || isUnderscore($0) }
      case UInt8(ascii: "x"):
        return body.contains { $0 != UInt8(ascii: "_") } && body.allSatisfy { isHexDigit($0) || isUnderscore($0) }
      default:
        return rest.dropFirst().allSatisfy { (0x30...0x37).contains($0) || isUnderscore($0) }
      }
    }
    if rest.count == 1 && rest[i] == UInt8(ascii: "0") { return true }
    guard (0x31...0x39).contains(rest[i]) else { return false }
    var j = i + 1
    while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
    if j == s.endIndex { return true }
    guard let end = sexagesimalGroups(s, from: j), end > j else { return false }
    return end == s.endIndex
  }

  /// Reads `(:[0-5]?[0-9])*` from `start`; returns where it stopped (nil: a `:` not followed by a group).
  static func sexagesimalGroups(_ s: Bytes, from start: Int) -> Int? {
    var j = start
    while j < s.endIndex, s[j] == UInt8(ascii: ":") {
      j += 1
      guard j < s.endIndex, isDigit(s[j]) else { return nil }
      // Two digits when the first is 0-5 and a digit follows; a third digit then fails the
      // whole pattern either way, so the greedy choice is the only one that can match.
      if (0x30...0x35).contains(s[j]), j + 1 < s.endIndex, isDigit(s[j + 1]) { j += 2 } else { j += 1 }
    }
    return j
  }

  /// PyYAML's float pattern: `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? |
  /// \.[0-9][0-9_]*([eE][-+][0-9]+)? | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* |
  /// [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`.
  static func isFloat(_ s: Bytes) -> Bool {
    var i = s.startIndex
    var signed = false
    if i < s.endIndex, isSign(s[i]) {
      signed = true
      i += 1
    }
    guard i < s.endIndex else { return false }
    if s[i] == UInt8(ascii: ".") {
      let word = String(decoding: s[(i + 1)...], as: UTF8.self)
      if word == "inf" || word == "Inf" || word == "INF" { return true }
      if !signed && (word == "nan" || word == "NaN" || word == "NAN") { return true }
      // `\.[0-9][0-9_]*` and an optional exponent, without a sign in front.
      guard !signed, i + 1 < s.endIndex, isDigit(s[i + 1]) else { return false }
      var j = i + 2
      while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
      return signedExponent(s, from: j) == s.endIndex
    }
    guard isDigit(s[i]) else { return false }
    var j = i + 1
    while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
    guard j < s.endIndex else { return false }
    if s[j] == UInt8(ascii: ":") {
      guard let end = sexagesimalGroups(s, from: j), end < s.endIndex, s[end] == UInt8(ascii: ".") else { return false }
      return s[(end + 1)...].allSatisfy { isDigit($0) || isUnderscore($0) }
    }
    guard s[j] == UInt8(ascii: ".") else { return false }
    j += 1
    while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
    return signedExponent(s, from: j) == s.endIndex
  }

  /// Reads an optional `[eE][-+][0-9]+` from `start` (PyYAML wants the sign); returns
  /// where it stopped, or nil when an exponent starts but is malformed.
  static func signedExponent(_ s: Bytes, from start: Int) -> Int? {
    guard start < s.endIndex else { return start }
    guard s[start] == UInt8(ascii: "e") || s[start] == UInt8(ascii: "E") else { return start }
    var j = start + 1
    guard j < s.endIndex, isSign(s[j]) else { return nil }
    j += 1
    let digits = j
    while j < s.endIndex, isDigit(s[j]) { j += 1 }
    return j > digits ? j : nil
  }

  /// mlgit's extension: `[-+]?([0-9][0-9_]*(\.[0-9_]*)? | \.[0-9][0-9_]*)[eE][-+]?[0-9]+`,
  /// a number with an exponent, as JSON writes it (`1e-5`, `1e5`, `-2.5E3`).
  static func isExponentFloat(_ s: Bytes) -> Bool {
    var j = s.startIndex
    if j < s.endIndex, isSign(s[j]) { j += 1 }
    guard j < s.endIndex else { return false }
    if s[j] == UInt8(ascii: ".") {
      j += 1
      guard j < s.endIndex, isDigit(s[j]) else { return false }
      while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
    } else {
      guard isDigit(s[j]) else { return false }
      while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
      if j < s.endIndex, s[j] == UInt8(ascii: ".") {
        j += 1
        while j < s.endIndex, isDigit(s[j]) || isUnderscore(s[j]) { j += 1 }
      }
    }
    guard j < s.endIndex, s[j] == UInt8(ascii: "e") || s[j] == UInt8(ascii: "E") else { return false }
    j += 1
    if j < s.endIndex, isSign(s[j]) { j += 1 }
    let digits = j
    while j < s.endIndex, isDigit(s[j]) { j += 1 }
    return j > digits && j == s.endIndex
  }

  /// True when `text` resolves to `type` implicitly (for explicit `!!int` / `!!float` tags).
  static func matches(_ text: String, _ type: ScalarType) -> Bool {
    var text = text
    return text.withUTF8 { all in
      switch type {
      case .int: return isInteger(all[...])
      case .float: return isFloat(all[...]) || isExponentFloat(all[...])
      default: return false
      }
    }
  }
}

/// The values of typed scalars, constructed as PyYAML's `construct_yaml_int` and
/// `construct_yaml_float` do: exact integers of any size, octal for a leading `0`,
/// base 60 for `:`, underscores ignored.
public enum ScalarValue {
  /// The exact value of an integer scalar: `.int` when it fits in `Int`, else `.bigInt`
  /// with its decimal digits; nil when the text is not an integer in any of the forms.
  public static func integer(_ text: String) -> JSONValue? {
    // Most integers are short plain decimals (`6`, `-1`, `42`): read them without arrays.
    let utf8 = text.utf8
    let unsigned = utf8.first == UInt8(ascii: "-") ? utf8.dropFirst() : utf8[...]
    if unsigned.count <= 18, let first = unsigned.first, first != UInt8(ascii: "0") || unsigned.count == 1,
      unsigned.allSatisfy(ScalarResolver.isDigit), let small = Int(text)
    {
      return .int(small)
    }
    var digits = Array(text.utf8.filter { $0 != UInt8(ascii: "_") })[...]
    var negative = false
    if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
      negative = sign == UInt8(ascii: "-")
      digits = digits.dropFirst()
    }
    guard !digits.isEmpty else { return nil }
    var number = Magnitude()
    func add(_ body: ArraySlice<UInt8>, radix: UInt32) -> Bool {
      guard !body.isEmpty else { return false }
      for byte in body {
        guard let digit = Magnitude.digit(byte), digit < radix else { return false }
        number.multiply(by: radix, adding: digit)
      }
      return true
    }
    let start = digits.startIndex
    if digits.count >= 2, digits[start] == UInt8(ascii: "0"), digits[start + 1] == UInt8(ascii: "b") {
      guard add(digits.dropFirst(2), radix: 2) else { return nil }
    } else if digits.count >= 2, digits[start] == UInt8(ascii: "0"), digits[start + 1] == UInt8(ascii: "x") {
      guard add(digits.dropFirst(2), radix: 16) else { return nil }
    } else if digits.contains(UInt8(ascii: ":")) {
      // Base 60: the first part any decimal, the others 0-59.
      for (index, part) in digits.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).enumerated() {
        if index > 0 { number.multiply(by: 60, adding: 0) }
        var value = Magnitude()
        guard !part.isEmpty else { return nil }
        for byte in part {
          guard let digit = Magnitude.digit(byte), digit < 10 else { return nil }
          value.multiply(by: 10, adding: digit)
        }
        guard index == 0 || (value.isSmall && value.small < 60) else { return nil }
        number.add(value)
      }
    } else if digits[start] == UInt8(ascii: "0") {
      guard add(digits, radix: 8) else { return nil }
    } else {
      guard add(digits, radix: 10) else { return nil }
    }
    return number.value(negative: negative)
  }

  /// The value of a float scalar (`1.5`, `1_000.5`, `.5`, `1.`, `1e-5`, `1:30.5`, `.inf`,
  /// `-.inf`, `.nan`), or nil when the text is not one.
  public static func float(_ text: String) -> Double? {
    // Most floats are plain decimals (`0.05`, `1e-5`): Double reads those as they are.
    if text.utf8.allSatisfy({
      ScalarResolver.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
        || $0 == UInt8(ascii: "E") || ScalarResolver.isSign($0)
    }), text.utf8.contains(where: ScalarResolver.isDigit),
      let value = Double(text)
    {
      return value
    }
    var cleaned = String(text.unicodeScalars.filter { $0 != "_" }).lowercased()
    var sign = 1.0
    if cleaned.hasPrefix("-") { sign = -1 }
    if cleaned.hasPrefix("-") || cleaned.hasPrefix("+") { cleaned.removeFirst() }
    if cleaned == ".inf" { return sign * .infinity }
    if cleaned == ".nan" { return .nan }
    if cleaned.contains(":") {
      // As PyYAML sums it: from the last part, each worth 60 times the one after.
      var value = 0.0
      var base = 1.0
      for part in cleaned.split(separator: ":", omittingEmptySubsequences: false).reversed() {
        guard let number = decimal(String(part)) else { return nil }
        value += number * base
        base *= 60
      }
      return sign * value
    }
    return decimal(cleaned).map { sign * $0 }
  }

  /// `[0-9]+(\.[0-9]*)? | \.[0-9]+`, with an optional `e[-+]?[0-9]+`: the decimal forms
  /// the float scalars reduce to (Double's own parser would also take hex and `nan`).
  private static func decimal(_ text: String) -> Double? {
    let bytes = Array(text.utf8)
    var i = 0
    var mantissa = 0
    while i < bytes.count, ScalarResolver.isDigit(bytes[i]) {
      i += 1
      mantissa += 1
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      while i < bytes.count, ScalarResolver.isDigit(bytes[i]) {
        i += 1
        mantissa += 1
      }
    }
    guard mantissa > 0 else { return nil }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") {
      i += 1
      if i < bytes.count, ScalarResolver.isSign(bytes[i]) { i += 1 }
      let digits = i
      while i < bytes.count, ScalarResolver.isDigit(bytes[i]) { i += 1 }
      guard i > digits else { return nil }
    }
    guard i == bytes.count else { return nil }
    return Double(text)
  }
}

/// A non-negative integer of any size, in base-10⁹ limbs (least significant first): enough
/// arithmetic to read integer scalars exactly (multiply by a radix, add).
struct Magnitude {
  static let limbBase: UInt64 = 1_000_000_000
  var limbs: [UInt32] = [0]

  static func digit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case 0x30...0x39: return UInt32(byte - 0x30)
    case 0x61...0x66: return UInt32(byte - 0x61 + 10)
    case 0x41...0x46: return UInt32(byte - 0x41 + 10)
    default: return nil
    }
  }

  mutating func multiply(by factor: UInt32, adding addend: UInt32) {
    var carry = UInt64(addend)
    for index in limbs.indices {
      let product = UInt64(limbs[index]) * UInt64(factor) + carry
      limbs[index] = UInt32(product % Magnitude.limbBase)
      carry = product / Magnitude.limbBase
    }
    while carry > 0 {
      limbs.append(UInt32(carry % Magnitude.limbBase))
      carry /= Magnitude.limbBase
    }
  }

  mutating func add(_ other: Magnitude) {
    var carry: UInt64 = 0
    for index in 0..<max(limbs.count, other.limbs.count) {
      if index == limbs.count { limbs.append(0) }
      let sum = UInt64(limbs[index]) + UInt64(index < other.limbs.count ? other.limbs[index] : 0) + carry
      limbs[index] = UInt32(sum % Magnitude.limbBase)
      carry = sum / Magnitude.limbBase
    }
    if carry > 0 { limbs.append(UInt32(carry)) }
  }

  var isSmall: Bool { limbs.dropFirst().allSatisfy { $0 == 0 } }
  var small: UInt32 { limbs[0] }

  /// The decimal digits, without leading zeros.
  var decimal: String {
    var trimmed = limbs
    while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
    var text = String(trimmed.last ?? 0)
    for limb in trimmed.dropLast().reversed() {
      let part = String(limb)
      text += String(repeating: "0", count: 9 - part.count) + part
    }
    return text
  }

  /// `.int` when the signed value fits in `Int`, else `.bigInt` (negative zero is zero).
  func value(negative: Bool) -> JSONValue {
    let digits = decimal
    let signed = negative && digits != "0" ? "-" + digits : digits
    if let small = Int(signed) { return .int(small) }
    return .bigInt(signed)
  }
}
