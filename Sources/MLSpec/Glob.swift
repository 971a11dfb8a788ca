import MLGitErrors

/// A gitignore-style path glob: `*` and `?` stay within one path segment, `**`
/// spans segments (`models/**/*.yaml` matches `models/a.yaml` and `models/x/y/a.yaml`).
///
/// Globs come from the policy, and on a server the policy is whatever a pusher
/// committed, so matching must stay cheap for any pattern: a path is matched by
/// advancing the set of pattern positions it can have reached, one path segment at a
/// time (an NFA simulation), never by trying each way `**` could split the path, which
/// is exponential in the number of `**`. A segment is matched by a wildcard matcher
/// that backtracks only to the last `*`. The cost is bounded by the pattern's length
/// times the path's length.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
  public let pattern: String
  private let segments: [Substring]
  private let compiled: [Segment]

  /// One `/`-separated piece of the pattern, prepared once.
  enum Segment: Sendable {
    /// `**`: zero or more whole path segments.
    case anyDepth
    /// No wildcard: the path segment must be these bytes.
    case literal([UInt8])
    /// `*`, `?` or `[…]` inside: matched scalar by scalar.
    case wildcard([Unicode.Scalar])
  }

  /// The wildcard segments as bytes, for `matchesASCII` (nil: the pattern is not ASCII,
  /// or has too many segments for a 64-bit set of positions).
  private let asciiWildcards: [[UInt8]]?

  public init(_ pattern: String) {
    self.pattern = pattern
    self.segments = pattern.split(byte: UInt8(ascii: "/"))
    self.compiled = segments.map { segment in
      if segment == "**" { return .anyDepth }
      if segment.unicodeScalars.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
        return .wildcard(Array(segment.unicodeScalars))
      }
      return .literal(Array(segment.utf8))
    }
    if pattern.utf8.allSatisfy({ $0 < 0x80 }) && compiled.count < 64 {
      asciiWildcards = compiled.map { segment in
        if case .wildcard(let scalars) = segment { return scalars.map { UInt8($0.value) } }
        return []
      }
    } else {
      asciiWildcards = nil
    }
  }

  public static func == (a: Glob, b: Glob) -> Bool { a.pattern == b.pattern }
  public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

  public var description: String { pattern }

  /// The folder prefix every match starts with ("models" for `models/**/*.yaml`): the
  /// segments before the first one with a wildcard scalar (as `init` compiles them).
  public var literalPrefix: String {
    // Indices, not `zip`: a generic sequence's first use looks its types up by name.
    var text = ""
    for index in compiled.indices {
      guard case .literal = compiled[index] else { break }
      if index > 0 { text += "/" }
      text += String(segments[index])  // String, not Substring: `append(contentsOf:)` is generic
    }
    return text
  }

  public func matches(_ path: String) -> Bool {
    // Where pattern and path are ASCII, scalars are bytes: the same simulation over the
    // path's bytes, positions in a bit set, allocates nothing. Splitting the path into
    // Characters and arrays of scalars was most of a history check's spec-folder tests.
    if let known = path.utf8.withContiguousStorageIfAvailable({ matchesASCII($0) }), let result = known {
      return result
    }
    var steps = 0
    return matches(path, steps: &steps)
  }

  /// `matches` over an ASCII path's bytes (nil: the pattern or the path is not ASCII).
  /// Agrees with `matches(_:steps:)` (`GlobByteMatchTests`), which `GlobAdversarialTests`
  /// holds to the reference matcher.
  func matchesASCII(_ path: UnsafeBufferPointer<UInt8>) -> Bool? {
    guard let wildcards = asciiWildcards else { return nil }
    let count = compiled.count
    var reached: UInt64 = 1
    closeOverAnyDepth(&reached)
    var start = 0
    while start <= path.count {
      var end = start
      while end < path.count && path[end] != UInt8(ascii: "/") {
        if path[end] >= 0x80 { return nil }
        end += 1
      }
      defer { start = end + 1 }
      if end == start { continue }  // an empty segment (`a//b`, a leading or trailing `/`)
      let part = UnsafeBufferPointer(rebasing: path[start..<end])
      var next: UInt64 = 0
      for i in 0..<count where reached & (1 << UInt64(i)) != 0 {
        switch compiled[i] {
        case .anyDepth:
          next |= 1 << UInt64(i)
        case .literal(let bytes):
          if part.elementsEqual(bytes) { next |= 1 << UInt64(i + 1) }
        case .wildcard:
          var steps = 0
          if Glob.matchSegment(wildcards[i][...], part[...], steps: &steps) { next |= 1 << UInt64(i + 1) }
        }
      }
      if next == 0 {
        // Any byte left must still be checked: a non-ASCII path goes to the scalar matcher.
        for byte in path[end...] where byte >= 0x80 { return nil }
        return false
      }
      reached = next
      closeOverAnyDepth(&reached)
    }
    return reached & (1 << UInt64(count)) != 0
  }

  private func closeOverAnyDepth(_ reached: inout UInt64) {
    for i in compiled.indices where reached & (1 << UInt64(i)) != 0 {
      if case .anyDepth = compiled[i] { reached |= 1 << UInt64(i + 1) }
    }
  }

  /// `matches`, counting the elementary steps taken (pattern positions visited and
  /// scalars compared), so tests can hold the matcher to its bound.
  func matches(_ path: String, steps: inout Int) -> Bool {
    let count = compiled.count
    // reached[i]: the path read so far can end with the pattern's first i segments matched.
    var reached = [Bool](repeating: false, count: count + 1)
    var next = reached
    reached[0] = true
    closeOverAnyDepth(&reached, steps: &steps)
    for part in path.split(byte: UInt8(ascii: "/")) {
      var any = false
      var scalars: [Unicode.Scalar]?
      for i in 0..<count where reached[i] {
        steps += 1
        switch compiled[i] {
        case .anyDepth:
          next[i] = true
          any = true
        case .literal(let bytes):
          steps += bytes.count
          if part.utf8.elementsEqual(bytes) {
            next[i + 1] = true
            any = true
          }
        case .wildcard(let pattern):
          if scalars == nil { scalars = Array(part.unicodeScalars) }
          if Glob.matchSegment(pattern[...], (scalars ?? [])[...], steps: &steps) {
            next[i + 1] = true
            any = true
          }
        }
      }
      guard any else { return false }
      swap(&reached, &next)
      for i in next.indices { next[i] = false }
      closeOverAnyDepth(&reached, steps: &steps)
    }
    return reached[count]
  }

  /// A `**` may match no segment at all: whoever reached it has also reached past it.
  private func closeOverAnyDepth(_ reached: inout [Bool], steps: inout Int) {
    for i in compiled.indices where reached[i] {
      steps += 1
      if case .anyDepth = compiled[i] { reached[i + 1] = true }
    }
  }

  /// One segment against one pattern segment. `*` backtracks to the last `*` only,
  /// which is exact here because every other token matches exactly one scalar; the
  /// cost is at most the pattern's length times the text's.
  static func matchSegment<Pattern: Collection<Character>, Text: Collection<Character>, Character: GlobCharacter>(
    _ pattern: Pattern, _ text: Text, steps: inout Int
  ) -> Bool where Pattern.Index == Int, Text.Index == Int {
    var p = pattern.startIndex
    var t = text.startIndex
    var starP = -1
    var starT = -1
    while t < text.endIndex {
      steps += 1
      if p < pattern.endIndex, pattern[p].code == GlobCode.star {
        starP = p
        starT = t
        p += 1
        continue
      }
      if p < pattern.endIndex, pattern[p].code == GlobCode.question || pattern[p] == text[t] {
        p += 1
        t += 1
        continue
      }
      if p < pattern.endIndex, pattern[p].code == GlobCode.open,
        let (matched, next) = matchClass(pattern, p, text[t], steps: &steps),
        matched
      {
        p = next
        t += 1
        continue
      }
      if starP >= 0 {
        p = starP + 1
        starT += 1
        t = starT
        continue
      }
      return false
    }
    while p < pattern.endIndex, pattern[p].code == GlobCode.star { p += 1 }
    return p == pattern.endIndex
  }

  private static func matchClass<Pattern: Collection<Character>, Character: GlobCharacter>(
    _ pattern: Pattern, _ start: Int, _ ch: Character, steps: inout Int
  ) -> (Bool, Int)? where Pattern.Index == Int {
    var i = start + 1
    var negate = false
    if i < pattern.endIndex, pattern[i].code == GlobCode.bang || pattern[i].code == GlobCode.caret {
      negate = true
      i += 1
    }
    var matched = false
    var first = true
    while i < pattern.endIndex, pattern[i].code != GlobCode.close || first {
      steps += 1
      first = false
      if i + 2 < pattern.endIndex, pattern[i + 1].code == GlobCode.dash, pattern[i + 2].code != GlobCode.close {
        if pattern[i].code <= ch.code && ch.code <= pattern[i + 2].code { matched = true }
        i += 3
      } else {
        if pattern[i] == ch { matched = true }
        i += 1
      }
    }
    guard i < pattern.endIndex else { return nil }
    return (matched != negate, i + 1)
  }
}

/// What a glob segment is matched over: Unicode scalars, or the bytes of ASCII text
/// (where each byte is a scalar), so one matcher serves both.
protocol GlobCharacter: Equatable {
  var code: UInt32 { get }
}

extension Unicode.Scalar: GlobCharacter {
  var code: UInt32 { value }
}

extension UInt8: GlobCharacter {
  var code: UInt32 { UInt32(self) }
}

/// The scalars glob syntax gives a meaning.
private enum GlobCode {
  static let star: UInt32 = 0x2A  // *
  static let question: UInt32 = 0x3F  // ?
  static let open: UInt32 = 0x5B  // [
  static let close: UInt32 = 0x5D  // ]
  static let bang: UInt32 = 0x21  // !
  static let caret: UInt32 = 0x5E  // ^
  static let dash: UInt32 = 0x2D  // -
}

/// A set of globs; a path matches when any glob does.
public struct GlobSet: Sendable {
  public let globs: [Glob]
  /// The folder prefixes a diff can be limited to ("" when a glob can match anywhere),
  /// worked out once: a history check asks for them on every commit.
  public let prefixes: [String]
  public init(_ patterns: [String]) {
    globs = patterns.map(Glob.init)
    prefixes = globs.map(\.literalPrefix)
  }
  /// True when this set was made from exactly `patterns`, in this order.
  public func isMade(of patterns: [String]) -> Bool {
    guard patterns.count == globs.count else { return false }
    for index in globs.indices where globs[index].pattern != patterns[index] { return false }
    return true
  }
  public func matches(_ path: String) -> Bool { globs.contains { $0.matches(path) } }
}
