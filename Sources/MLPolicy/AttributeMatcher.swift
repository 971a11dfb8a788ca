import FoundationEssentials
import MLSpec
import Synchronization

/// Splits names into normalised words: `applicantRaceCode2` -> `applicant race code 2`.
///
/// Words break at anything that is not a letter or a digit (snake_case, kebab-case,
/// spaces, dots), at a lower-to-upper change (camelCase), before the last capital of
/// a capital run followed by lower case (`HTTPStatus` -> `http status`), and between
/// letters and digits. Words are lower-cased and singularised.
public enum NameTokenizer {
  enum Kind: Equatable { case lower, upper, digit, other }

  /// ASCII is classified by value: Unicode property look-ups dominate the time otherwise.
  static func kind(_ scalar: Unicode.Scalar) -> Kind {
    switch scalar.value {
    case 97...122: return .lower
    case 65...90: return .upper
    case 48...57: return .digit
    case 0..<128: return .other
    default:
      let properties = scalar.properties
      if properties.isUppercase { return .upper }
      if properties.numericType != nil { return .digit }
      // Letters without case (CJK, Arabic, …) join words like lower case.
      if properties.isAlphabetic { return .lower }
      return .other
    }
  }

  public static func words(_ name: String) -> [String] {
    // Names repeat: every version of a spec lists mostly the same features, and each is
    // matched several times (protected, proxy, sensitive slices). Split each name once.
    memo.value(for: name) { split(name) }
  }

  /// Names already split.
  static let memo = BoundedMemo<[String]>()

  static func split(_ name: String) -> [String] {
    if name.utf8.allSatisfy({ $0 < 0x80 }) {
      var name = name
      return name.withUTF8(splitASCII)
    }
    // NFKC: fullwidth, mathematical and other compatibility letters are the letters they
    // stand for (`ｒａｃｅ` is `race`, `𝐫𝐚𝐜𝐞` too). Case folding follows, word by word, after
    // the case changes have split camelCase.
    var normal = UnicodeCompatibility.nfkc(name)
    if normal.utf8.allSatisfy({ $0 < 0x80 }) { return normal.withUTF8(splitASCII) }
    return splitScalars(normal)
  }

  /// `splitScalars` for ASCII names, over bytes: the same rules, without building a
  /// scalar view per word (policies list hundreds of ASCII names, specs thousands). A word
  /// is kept as the range of its bytes and lower-cased as it is copied into its string.
  static func splitASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    func classify(_ byte: UInt8) -> Kind {
      switch byte {
      case 97...122: return .lower
      case 65...90: return .upper
      case 48...57: return .digit
      default: return .other
      }
    }
    var words: [String] = []
    words.reserveCapacity(4)
    // The first byte of the word being read, or nil between words.
    var start: Int? = nil
    var previous = Kind.other
    for i in 0..<bytes.count {
      let kind = classify(bytes[i])
      guard kind != .other else {
        if let first = start { words.append(wordASCII(bytes, first..<i)) }
        start = nil
        previous = .other
        continue
      }
      if let first = start {
        let nextIsLower = i + 1 < bytes.count && classify(bytes[i + 1]) == .lower
        let lowerToUpper = previous == .lower && kind == .upper
        let endOfCapitalRun = previous == .upper && kind == .upper && nextIsLower
        let letterDigit = (previous == .digit) != (kind == .digit)
        if lowerToUpper || endOfCapitalRun || letterDigit {
          words.append(wordASCII(bytes, first..<i))
          start = i
        }
      } else {
        start = i
      }
      previous = kind
    }
    if let first = start { words.append(wordASCII(bytes, first..<bytes.count)) }
    return words
  }

  /// The word at `range` of an ASCII name, lower-cased and singularised.
  static func wordASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    let word = String(unsafeUninitializedCapacity: range.count) { buffer in
      for (offset, index) in range.enumerated() {
        let byte = bytes[index]
        buffer[offset] = (65...90).contains(byte) ? byte + 32 : byte
      }
      return range.count
    }
    return singularASCII(word)
  }

  static let irregular: [String: String] = [
    "women": "woman", "men": "man", "people": "person", "children": "child", "wives": "wife",
    "lives": "life", "series": "series", "species": "species", "news": "news", "statuses": "status",
    "bonuses": "bonus", "viruses": "virus", "campuses": "campus", "censuses": "census", "focuses": "focus",
  ]

  /// `singular` of a lower-case ASCII word, without its suffix searches where they cannot
  /// apply: the rules strip an `s`, and the irregular plurals end in `s`, `n` (`women`,
  /// `men`, `children`) or `e` (`people`), none shorter than three letters. About a third
  /// of the cost of building the matcher from a pack's lists went to `singular`
  /// (`SingularTests` checks this against it).
  static func singularASCII(_ word: String) -> String {
    let utf8 = word.utf8
    guard utf8.count >= 3, let last = utf8.last else { return word }
    switch last {
    case UInt8(ascii: "s"): return singular(word)
    case UInt8(ascii: "n"), UInt8(ascii: "e"): return irregular[word] ?? word
    default: return word
    }
  }

  static func splitScalars(_ name: String) -> [String] {
    var words: [String] = []
    var current = String.UnicodeScalarView()
    var previous = Kind.other
    func flush() {
      if !current.isEmpty {
        let word = String(current)
        // Full case folding (`STRASSE` and `straße` are one word), as lower-casing is not.
        words.append(
          singular(word.utf8.allSatisfy { $0 < 0x80 } ? word : UnicodeCompatibility.caseFolded(word)))
      }
      current = String.UnicodeScalarView()
    }
    let scalars = Array(name.unicodeScalars)
    for (i, scalar) in scalars.enumerated() {
      let kind = kind(scalar)
      guard kind != .other else {
        flush()
        previous = .other
        continue
      }
      if !current.isEmpty {
        let nextIsLower = i + 1 < scalars.count && self.kind(scalars[i + 1]) == .lower
        let lowerToUpper = previous == .lower && kind == .upper
        let endOfCapitalRun = previous == .upper && kind == .upper && nextIsLower
        let letterDigit = (previous == .digit) != (kind == .digit)
        if lowerToUpper || endOfCapitalRun || letterDigit { flush() }
      }
      if kind == .upper {
        if scalar.isASCII, let lower = Unicode.Scalar(scalar.value + 32) {
          current.append(lower)
        } else {
          current.append(contentsOf: String(scalar).lowercased().unicodeScalars)
        }
      } else {
        current.append(scalar)
      }
      previous = kind
    }
    flush()
    return words
  }

  /// A plural English noun's singular, by a few suffix rules; words that merely end in
  /// `s` (`status`, `class`, `analysis`, `religious`, `bias`) are left alone. Names and
  /// list entries go through the same function, so an imperfect rule still matches
  /// consistently.
  public static func singular(_ word: String) -> String {
    if let known = irregular[word] { return known }
    // Words are all letters or all digits (see `words`); digits never end in "s".
    guard word.utf8.count > 3, word.hasSuffix("s") else { return word }
    if word.hasSuffix("ies"), word.utf8.count > 4 { return String(word.dropLast(3)) + "y" }
    for suffix in ["sses", "shes", "ches", "xes", "zzes"] where word.hasSuffix(suffix) {
      return String(word.dropLast(2))
    }
    for kept in ["ss", "us", "is", "as", "os"] where word.hasSuffix(kept) { return word }
    return String(word.dropLast())
  }
}

/// What kind of list an attribute entry came from.
public enum AttributeKind: String, Sendable {
  /// `protected_attributes`: the name states the attribute.
  case protected
  /// `proxies`: the name can reveal the attribute.
  case proxy
}

/// One entry of the lists that matched a name.
public struct AttributeMatch: Sendable, Equatable {
  /// The category (`race`, `age`, …).
  public var category: String
  public var kind: AttributeKind
  /// The entry as written in the policy (`date of birth`).
  public var entry: String
  /// Which of the name's words it covers.
  public var words: Range<Int>
  /// Set when the name matches only once its look-alike letters are read as the Latin
  /// letters they imitate: which letters (`Cyrillic 'а' (U+0430) for 'a'`).
  public var lookAlike: String? = nil
}

/// Matches names against the protected-attribute and proxy lists in force.
///
/// Each list entry is split into words exactly as names are; an entry matches a name
/// when its words occur in the name's words, contiguous and in order. An entry written
/// `!words` is an exclusion: a match of its category that overlaps an exclusion's
/// words is dropped (`!credit union` keeps `credit_union_member` out of trade-union
/// membership). A match inside a longer match of any category gives way to it. The index maps an entry's first word to its entries, so a name costs
/// one dictionary look-up per word.
public struct AttributeMatcher: Sendable {
  struct Entry: Sendable {
    var words: [String]
    var category: String
    var kind: AttributeKind
    var text: String
    var isExclusion: Bool
  }

  let index: [String: [Entry]]
  /// The shipped pack whose lists begin these lists: its entries are matched from its
  /// text, already split, and `index` holds only the entries added to them.
  let compiled: CompiledAttributeLists?
  /// The compiled pack's entries by first word, as looked up so far: a history check
  /// matches the same feature names commit after commit.
  let compiledLookups = BoundedMemo<[Entry]>()
  /// What each name matched, as `matches(_:)` answered: a history check or an audit
  /// judges the same feature names in every version of every spec (three rules ask of
  /// each), and the matching itself was 3% of an audit.
  let nameMatches = BoundedMemo<[AttributeMatch]>()
  /// The lists as loaded, for `mlgit policy explain`.
  public let protectedAttributes: [String: [String]]
  public let proxies: [String: [String]]

  public init(protectedAttributes: [String: [String]], proxies: [String: [String]]) {
    self.init(protectedAttributes: protectedAttributes, proxies: proxies, compiled: .defaultPack)
  }

  init(protectedAttributes: [String: [String]], proxies: [String: [String]], compiled: CompiledAttributeLists?) {
    self.protectedAttributes = protectedAttributes
    self.proxies = proxies
    var index: [String: [Entry]] = [:]
    func add(_ kind: AttributeKind, _ category: String, _ text: String) {
      let isExclusion = text.hasPrefix("!")
      // Each list entry is split once here: past the memo, which is for names.
      let words = NameTokenizer.split(isExclusion ? String(text.dropFirst()) : text)
      guard let first = words.first else { return }
      index[first, default: []].append(
        Entry(words: words, category: category, kind: kind, text: text, isExclusion: isExclusion))
    }
    if let compiled, let extras = compiled.extras(protectedAttributes: protectedAttributes, proxies: proxies) {
      self.compiled = compiled
      for extra in extras { add(extra.kind, extra.category, extra.text) }
    } else {
      self.compiled = nil
      // Sized once: growing it entry by entry rehashed it nine times for the built-in lists.
      index.reserveCapacity(
        protectedAttributes.values.reduce(0) { $0 + $1.count } + proxies.values.reduce(0) { $0 + $1.count })
      for (kind, lists) in [(AttributeKind.protected, protectedAttributes), (.proxy, proxies)] {
        for (category, entries) in lists {
          for text in entries { add(kind, category, text) }
        }
      }
    }
    self.index = index
  }

  /// Every list entry the name matches, exclusions applied, in the order of the name's words;
  /// then what the name matches when its Cyrillic and Greek look-alike letters are read as
  /// Latin (`rаce` with U+0430), marked `lookAlike`, where it did not match as written.
  public func matches(_ name: String) -> [AttributeMatch] {
    nameMatches.value(for: name) { matchesUnremembered(name) }
  }

  func matchesUnremembered(_ name: String) -> [AttributeMatch] {
    var found = matches(words: NameTokenizer.words(name))
    // Pure-ASCII names, nearly all of them, have no look-alike letters to read.
    guard !name.utf8.allSatisfy({ $0 < 0x80 }), let disguise = LookAlike.latinReading(of: name) else { return found }
    let direct = found.map { ($0.kind, $0.category) }
    for var match in matches(words: NameTokenizer.words(disguise.latin))
    where !direct.contains(where: { $0 == (match.kind, match.category) }) {
      match.lookAlike = disguise.letters
      found.append(match)
    }
    return found
  }

  func matches(words: [String]) -> [AttributeMatch] {
    var found: [AttributeMatch] = []
    var excluded: [(category: String, kind: AttributeKind, words: Range<Int>)] = []
    for start in words.indices {
      var candidates = index[words[start]] ?? []
      // The compiled pack's entries come first, as its lists begin the lists.
      if let compiled {
        let shipped = compiledLookups.value(for: words[start]) { compiled.entries(first: words[start]) }
        if !shipped.isEmpty { candidates = shipped + candidates }
      }
      for entry in candidates {
        let end = start + entry.words.count
        guard end <= words.count, words[start..<end].elementsEqual(entry.words) else { continue }
        if entry.isExclusion {
          excluded.append((entry.category, entry.kind, start..<end))
        } else {
          found.append(
            AttributeMatch(category: entry.category, kind: entry.kind, entry: entry.text, words: start..<end))
        }
      }
    }
    if !excluded.isEmpty {
      found = found.filter { match in
        !excluded.contains { $0.category == match.category && $0.kind == match.kind && $0.words.overlaps(match.words) }
      }
    }
    // The longest phrase wins: "sex life" is not also "sex", "retirement age" is a proxy, not "age".
    return found.filter { match in
      !found.contains { $0.words.count > match.words.count && $0.words.clamped(to: match.words) == match.words }
    }
  }

  /// The protected categories a name states, longest entry first within each, one match a category.
  public func protectedMatches(_ name: String) -> [AttributeMatch] { firstPerCategory(matches(name), kind: .protected) }

  /// The categories a name can reveal as a proxy, one match a category.
  public func proxyMatches(_ name: String) -> [AttributeMatch] { firstPerCategory(matches(name), kind: .proxy) }

  func firstPerCategory(_ matches: [AttributeMatch], kind: AttributeKind) -> [AttributeMatch] {
    var seen: Set<String> = []
    var out: [AttributeMatch] = []
    // Matches as written come before look-alike ones (their word ranges index other words).
    let ordered = matches.filter { $0.kind == kind }
      .sorted {
        ($0.lookAlike == nil ? 0 : 1, $0.words.lowerBound, -$0.words.count) < (
          $1.lookAlike == nil ? 0 : 1, $1.words.lowerBound, -$1.words.count
        )
      }
    for match in ordered where seen.insert(match.category).inserted { out.append(match) }
    return out
  }
}

extension AttributeMatcher {
  /// Matchers built so far, by the lists they were built from: a check builds the
  /// index once per policy, however many specs and rules use it.
  final class Cache: Sendable {
    struct Key: Hashable {
      var protectedAttributes: [String: [String]]
      var proxies: [String: [String]]
    }
    private struct Built {
      var matchers: [Key: AttributeMatcher] = [:]
      var last: (key: Key, matcher: AttributeMatcher)?
    }
    private let built = Mutex(Built())

    func matcher(protectedAttributes: [String: [String]], proxies: [String: [String]]) -> AttributeMatcher {
      let key = Key(protectedAttributes: protectedAttributes, proxies: proxies)
      return built.withLock { built in
        // A history check asks once per rule per commit, with copies of one policy: equal
        // dictionaries sharing storage compare in constant time, where hashing the key
        // walked every attribute name (a fifth of `check --range`'s work).
        if let last = built.last, last.key == key { return last.matcher }
        // The first policy is held as `last` only, and the table (whose keys are hashed
        // through every attribute name, 170,000 instructions for the built-in lists) starts
        // with the second: a hook or a single check judges one policy.
        if let last = built.last {
          if built.matchers.isEmpty { built.matchers[last.key] = last.matcher }
          if let matcher = built.matchers[key] {
            built.last = (key, matcher)
            return matcher
          }
        }
        // A process judges a handful of policies at most (one per commit in a range).
        if built.matchers.count >= 32 { built.matchers.removeAll() }
        let matcher = AttributeMatcher(protectedAttributes: protectedAttributes, proxies: proxies)
        if built.last != nil { built.matchers[key] = matcher }
        built.last = (key, matcher)
        return matcher
      }
    }
  }

  static let cache = Cache()
}

/// Values worked out from a string key, remembered, bounded so that memory stays flat over
/// long histories: names split into words, compiled attribute look-ups by word.
final class BoundedMemo<Value: Sendable>: Sendable {
  private let known = Mutex<[String: Value]>([:])
  let limit = 16_384

  func value(for key: String, _ make: () -> Value) -> Value {
    if let value = known.withLock({ $0[key] }) { return value }
    let value = make()
    known.withLock { known in
      if known.count >= limit { known.removeAll(keepingCapacity: true) }
      known[key] = value
    }
    return value
  }
}

/// Holds the matcher a policy value built, so it is looked up (and its lists hashed) once.
final class MatcherBox: Sendable {
  private let built = Mutex<AttributeMatcher?>(nil)

  func matcher(_ make: () -> AttributeMatcher) -> AttributeMatcher {
    built.withLock { built in
      if let built { return built }
      let matcher = make()
      built = matcher
      return matcher
    }
  }
}

extension EffectivePolicy {
  /// The matcher for this policy's `protected_attributes` and `proxies`, built once.
  public var attributeMatcher: AttributeMatcher {
    matcherBox.matcher { AttributeMatcher.cache.matcher(protectedAttributes: protectedAttributes, proxies: proxies) }
  }

  /// The written exception allowing `feature` in model `model`, if any.
  public func allowance(model: String, feature: String) -> FeatureAllowance? {
    allowances.first { $0.model == model && $0.feature == feature }
  }
}

/// Names spelt with letters of another script that look like Latin ones: `rаce` with the
/// Cyrillic `а` (U+0430) reads as `race` to a reviewer and to nobody else.
enum LookAlike {
  /// The name with every Cyrillic or Greek look-alike letter replaced by the Latin letter
  /// it imitates (after NFKC, case kept so camelCase still splits), and those letters
  /// described; nil when the name has none.
  static func latinReading(of name: String) -> (latin: String, letters: String)? {
    let normal = UnicodeCompatibility.nfkc(name)
    var latin = String.UnicodeScalarView()
    var letters: [String] = []
    for scalar in normal.unicodeScalars {
      guard let replacement = LookAlikeLetters.latin[scalar.value] else {
        latin.append(scalar)
        continue
      }
      latin.append(replacement)
      let script = (scalar.properties.name ?? "").split(separator: " ").first.map { $0.capitalized } ?? "non-Latin"
      let hex = String(scalar.value, radix: 16, uppercase: true)
      let letter =
        "\(script) '\(scalar)' (U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)) for '\(replacement)'"
      if !letters.contains(letter) { letters.append(letter) }
    }
    guard !letters.isEmpty else { return nil }
    return (String(latin), letters.joined(separator: ", "))
  }
}
