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

  public init(_ pattern: String) {
    self.pattern = pattern
    self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
    self.compiled = segments.map { segment in
      if segment == "**" { return .anyDepth }
      if segment.unicodeScalars.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
        return .wildcard(Array(segment.unicodeScalars))
      }
      return .literal(Array(segment.utf8))
    }
  }

  public static func == (a: Glob, b: Glob) -> Bool { a.pattern == b.pattern }
  public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

  public var description: String { pattern }

  /// The folder prefix every match starts with ("models" for `models/**/*.yaml`).
  public var literalPrefix: String {
    var parts: [Substring] = []
    for segment in segments.dropLast() {
      if segment.contains(where: { "*?[".contains($0) }) { break }
      parts.append(segment)
    }
    if let last = segments.last, parts.count == segments.count - 1,
      !last.contains(where: { "*?[".contains($0) })
    {
      parts.append(last)
    }
    return parts.joinedText(separator: "/")
  }

  public func matches(_ path: String) -> Bool {
    var steps = 0
    return matches(path, steps: &steps)
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
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
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
  static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>, steps: inout Int)
    -> Bool
  {
    var p = pattern.startIndex
    var t = text.startIndex
    var starP = -1
    var starT = -1
    while t < text.endIndex {
      steps += 1
      if p < pattern.endIndex, pattern[p] == "*" {
        starP = p
        starT = t
        p += 1
        continue
      }
      if p < pattern.endIndex, pattern[p] == "?" || pattern[p] == text[t] {
        p += 1
        t += 1
        continue
      }
      if p < pattern.endIndex, pattern[p] == "[", let (matched, next) = matchClass(pattern, p, text[t], steps: &steps),
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
    while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
    return p == pattern.endIndex
  }

  private static func matchClass(
    _ pattern: ArraySlice<Unicode.Scalar>, _ start: Int, _ ch: Unicode.Scalar, steps: inout Int
  ) -> (Bool, Int)? {
    var i = start + 1
    var negate = false
    if i < pattern.endIndex, pattern[i] == "!" || pattern[i] == "^" {
      negate = true
      i += 1
    }
    var matched = false
    var first = true
    while i < pattern.endIndex, pattern[i] != "]" || first {
      steps += 1
      first = false
      if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
        if pattern[i].value <= ch.value && ch.value <= pattern[i + 2].value { matched = true }
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

/// A set of globs; a path matches when any glob does.
public struct GlobSet: Sendable {
  public let globs: [Glob]
  public init(_ patterns: [String]) { globs = patterns.map(Glob.init) }
  public func matches(_ path: String) -> Bool { globs.contains { $0.matches(path) } }
  /// The folder prefixes a diff can be limited to ("" when a glob can match anywhere).
  public var prefixes: [String] { globs.map(\.literalPrefix) }
}
