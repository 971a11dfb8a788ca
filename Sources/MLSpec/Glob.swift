/// A gitignore-style path glob: `*` and `?` stay within one path segment, `**`
/// spans segments (`models/**/*.yaml` matches `models/a.yaml` and `models/x/y/a.yaml`).
public struct Glob: Hashable, Sendable, CustomStringConvertible {
  public let pattern: String
  private let segments: [Substring]

  public init(_ pattern: String) {
    self.pattern = pattern
    self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
  }

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
    return parts.joined(separator: "/")
  }

  public func matches(_ path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    return Glob.match(segments[...], parts[...])
  }

  private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
    guard let head = pattern.first else { return path.isEmpty }
    if head == "**" {
      let rest = pattern.dropFirst()
      var remaining = path
      while true {
        if match(rest, remaining) { return true }
        guard !remaining.isEmpty else { return false }
        remaining = remaining.dropFirst()
      }
    }
    guard let segment = path.first, matchSegment(Array(head.unicodeScalars)[...], Array(segment.unicodeScalars)[...]) else {
      return false
    }
    return match(pattern.dropFirst(), path.dropFirst())
  }

  private static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
    var p = pattern.startIndex, t = text.startIndex
    var starP = -1, starT = -1
    while t < text.endIndex {
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
      if p < pattern.endIndex, pattern[p] == "[", let (matched, next) = matchClass(pattern, p, text[t]), matched {
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

  private static func matchClass(_ pattern: ArraySlice<Unicode.Scalar>, _ start: Int, _ ch: Unicode.Scalar) -> (Bool, Int)? {
    var i = start + 1
    var negate = false
    if i < pattern.endIndex, pattern[i] == "!" || pattern[i] == "^" {
      negate = true
      i += 1
    }
    var matched = false
    var first = true
    while i < pattern.endIndex, pattern[i] != "]" || first {
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
