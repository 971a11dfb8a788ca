#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import MLGitErrors

/// A shipped pack's protected-attribute and proxy lists with each entry already split into
/// words (`NameTokenizer.split`, at build time), kept as text in the binary's read-only
/// data and searched where it lies.
///
/// Building the matcher's index from the `default` pack's 314 entries took a million
/// instructions at every start, a sixth of a pre-commit hook (docs/performance.md). Lists
/// that begin with a compiled pack's lists (the built-in policy, and any config that only
/// adds entries) are matched from this text, and only the entries added to them are split
/// and indexed at run time. `CompiledAttributeListsTests` writes the text from the pack
/// and fails when it is stale.
struct CompiledAttributeLists: Sendable {
  /// Every entry in list order, one line each: `P` or `X` (protected, proxy), the
  /// category and the entry as written, separated by tabs.
  let lists: StaticString
  /// The entries that split into at least one word, one line each, in byte order of
  /// their first word (list order among equal first words): the first word, `P` or `X`,
  /// the category, the entry as written and the remaining words separated by spaces,
  /// separated by tabs.
  let index: StaticString

  /// The entries of `protectedAttributes` and `proxies` beyond this pack's, in list
  /// order, when every list of the pack begins the list of its category; nil otherwise.
  func extras(protectedAttributes: [String: [String]], proxies: [String: [String]]) -> [(
    kind: AttributeKind, category: String, text: String
  )]? {
    // The lists of the `default` pack as this process loaded it (the built-in policy's, or
    // a config's that changes none): nothing beyond them, without reading the text. The
    // compiled text and the pack's document are both written from policies/default.yaml
    // and kept to it by their tests. Lists made from the pack share its strings, so the
    // comparison is mostly of references: 5,000 instructions against 200,000 for the walk.
    if lists.utf8Start == CompiledAttributeLists.defaultPack.lists.utf8Start,
      let pack = EffectivePolicy.loadedShippedPack("default"),
      pack.protectedAttributes == protectedAttributes, pack.proxies == proxies
    {
      return []
    }
    // How many entries of each category's list the pack's lists cover.
    var coveredProtected: [String: Int] = [:]
    var coveredProxies: [String: Int] = [:]
    let matched: Bool = lists.withUTF8Buffer { bytes in
      // The category being compared: its kind, its bytes in `lists`, its list, the next entry.
      var current: (kind: AttributeKind, name: Range<Int>, list: [String], next: Int)?
      func finish() {
        guard let done = current else { return }
        let name = CompiledAttributeLists.text(bytes, done.name)
        if done.kind == .protected { coveredProtected[name] = done.next } else { coveredProxies[name] = done.next }
      }
      var start = 0
      while start < bytes.count {
        let end = CompiledAttributeLists.lineEnd(bytes, from: start)
        var cursor = start
        let kindField = CompiledAttributeLists.nextField(bytes, &cursor, end)
        let category = CompiledAttributeLists.nextField(bytes, &cursor, end)
        let entry = CompiledAttributeLists.nextField(bytes, &cursor, end)
        guard let kind = CompiledAttributeLists.kind(bytes, kindField) else { return false }
        if current == nil || current?.kind != kind
          || !CompiledAttributeLists.same(bytes, current?.name ?? 0..<0, category)
        {
          finish()
          let name = CompiledAttributeLists.text(bytes, category)
          current = (kind, category, (kind == .protected ? protectedAttributes : proxies)[name] ?? [], 0)
        }
        guard let open = current, open.next < open.list.count,
          CompiledAttributeLists.equal(open.list[open.next], bytes, entry)
        else { return false }
        current?.next += 1
        start = end + 1
      }
      finish()
      return true
    }
    guard matched else { return nil }
    var extras: [(kind: AttributeKind, category: String, text: String)] = []
    for (kind, lists, covered) in [
      (AttributeKind.protected, protectedAttributes, coveredProtected), (.proxy, proxies, coveredProxies),
    ] {
      for (category, entries) in lists {
        let skipped = covered[category] ?? 0
        for text in entries.dropFirst(skipped) { extras.append((kind, category, text)) }
      }
    }
    return extras
  }

  /// The pack's entries whose first word is `word`, in list order.
  func entries(first word: String) -> [AttributeMatcher.Entry] {
    var word = word
    return word.withUTF8 { wanted in
      index.withUTF8Buffer { bytes in
        // The first line whose first word is not below `wanted`: a binary search over
        // byte offsets, each probe read from the start of the line it falls in.
        var low = 0
        var high = bytes.count
        while low < high {
          let middle = CompiledAttributeLists.lineStart(bytes, at: (low + high) / 2)
          let end = CompiledAttributeLists.lineEnd(bytes, from: middle)
          if CompiledAttributeLists.compareFirstField(bytes, middle..<end, wanted) < 0 {
            low = end + 1
          } else {
            high = middle
          }
        }
        var found: [AttributeMatcher.Entry] = []
        var start = low
        while start < bytes.count {
          let end = CompiledAttributeLists.lineEnd(bytes, from: start)
          guard CompiledAttributeLists.compareFirstField(bytes, start..<end, wanted) == 0 else { break }
          var cursor = start
          let first = CompiledAttributeLists.nextField(bytes, &cursor, end)
          let kindField = CompiledAttributeLists.nextField(bytes, &cursor, end)
          let category = CompiledAttributeLists.nextField(bytes, &cursor, end)
          let entry = CompiledAttributeLists.nextField(bytes, &cursor, end)
          let rest = CompiledAttributeLists.nextField(bytes, &cursor, end)
          if let kind = CompiledAttributeLists.kind(bytes, kindField) {
            let text = CompiledAttributeLists.text(bytes, entry)
            var words = [CompiledAttributeLists.text(bytes, first)]
            if !rest.isEmpty {
              words += CompiledAttributeLists.text(bytes, rest).split(byte: UInt8(ascii: " ")).map(String.init)
            }
            found.append(
              AttributeMatcher.Entry(
                words: words, category: CompiledAttributeLists.text(bytes, category), kind: kind, text: text,
                isExclusion: text.hasPrefix("!")))
          }
          start = end + 1
        }
        return found
      }
    }
  }

  static func kind(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> AttributeKind? {
    guard field.count == 1 else { return nil }
    switch bytes[field.lowerBound] {
    case UInt8(ascii: "P"): return .protected
    case UInt8(ascii: "X"): return .proxy
    default: return nil
    }
  }

  /// The field that starts at `cursor` (up to the next tab or `end`); `cursor` moves past it.
  static func nextField(_ bytes: UnsafeBufferPointer<UInt8>, _ cursor: inout Int, _ end: Int) -> Range<Int> {
    let start = min(cursor, end)
    let stop = find(UInt8(ascii: "\t"), in: bytes, from: start, to: end)
    cursor = stop + 1
    return start..<stop
  }

  static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[field]), as: UTF8.self)
  }

  static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty, let base = bytes.baseAddress else { return true }
    return memcmp(base + a.lowerBound, base + b.lowerBound, a.count) == 0
  }

  static func lineStart(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
    var start = offset
    while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
    return start
  }

  static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    find(UInt8(ascii: "\n"), in: bytes, from: start, to: bytes.count)
  }

  /// The offset of the first `byte` in `start..<end`, or `end`.
  static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
    guard start < end, let base = bytes.baseAddress,
      let found = memchr(base + start, Int32(byte), end - start)
    else { return end }
    return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
  }

  /// The line's first field against `wanted`, byte by byte: negative, zero or positive.
  static func compareFirstField(
    _ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ wanted: UnsafeBufferPointer<UInt8>
  ) -> Int {
    var index = line.lowerBound
    var other = 0
    while true {
      let atEnd = index == line.upperBound || bytes[index] == UInt8(ascii: "\t")
      if atEnd { return other == wanted.count ? 0 : -1 }
      if other == wanted.count { return 1 }
      if bytes[index] != wanted[other] { return bytes[index] < wanted[other] ? -1 : 1 }
      index += 1
      other += 1
    }
  }

  static func equal(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Bool {
    guard text.utf8.count == field.count else { return false }
    guard !field.isEmpty, let base = bytes.baseAddress else { return true }
    let same = text.utf8.withContiguousStorageIfAvailable { own in
      own.baseAddress.map { memcmp($0, base + field.lowerBound, field.count) == 0 } ?? false
    }
    return same ?? text.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[field]))
  }
}
