/// NFKC and full case folding for attribute names, without ICU: Foundation's
/// `precomposedStringWithCompatibilityMapping` and `folding(options: .caseInsensitive)`
/// are the only calls of mlgit's that need it, and ICU's code and data were 41 MB of the
/// 74 MB binary (docs/performance.md, "Size"). The standard library has the canonical
/// half (NFC, Hangul included) and the lower-case mappings; `UnicodeCompatibilityTables`
/// adds the rest, generated from Foundation by UnicodeCompatibilityTests, which also
/// checks both functions against Foundation scalar by scalar.
enum UnicodeCompatibility {
  /// `text` in Normalization Form KC: every scalar replaced by its full compatibility
  /// decomposition, then canonically composed (NFC of the decomposed text is NFKC: the
  /// decomposition is already full, and NFC reorders the combining marks across scalars).
  static func nfkc(_ text: String) -> String {
    var decomposed = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard
        let range = UnicodeCompatibilityTables.range(of: scalar.value, in: UnicodeCompatibilityTables.decompositionKeys)
      else {
        decomposed.append(scalar)
        continue
      }
      append(UnicodeCompatibilityTables.decompositions, range, to: &decomposed)
    }
    return String(decoding: String(decomposed)._nfcCodeUnits, as: UTF8.self)
  }

  /// `text` under Unicode's full case folding (`ß` is `ss`, `ς` is `σ`), as Foundation's
  /// `.caseInsensitive` folding gives it: each scalar's lower-case mapping, but where the
  /// folding differs.
  static func caseFolded(_ text: String) -> String {
    var folded = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if let range = UnicodeCompatibilityTables.range(of: scalar.value, in: UnicodeCompatibilityTables.foldingKeys) {
        append(UnicodeCompatibilityTables.foldings, range, to: &folded)
      } else {
        folded.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
      }
    }
    return String(folded)
  }

  private static func append(_ values: [UInt32], _ range: Range<Int>, to view: inout String.UnicodeScalarView) {
    for value in values[range] {
      if let scalar = Unicode.Scalar(value) { view.append(scalar) }
    }
  }
}

extension UnicodeCompatibilityTables {
  /// Where `value`'s replacement lies in the values beside `keys`: `keys` holds, sorted,
  /// `[scalar, start, end]` triples.
  static func range(of value: UInt32, in keys: [UInt32]) -> Range<Int>? {
    var low = 0
    var high = keys.count / 3
    while low < high {
      let middle = (low + high) / 2
      let key = keys[middle * 3]
      if key == value { return Int(keys[middle * 3 + 1])..<Int(keys[middle * 3 + 2]) }
      if key < value { low = middle + 1 } else { high = middle }
    }
    return nil
  }
}
