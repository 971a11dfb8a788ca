#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLGitErrors
import MLSpec
import Synchronization

/// mlgit's fast JSON writer, for the documents whose speed matters (the audit, `mlgit
/// runs --format json`): written as it goes, into bytes, indented (two spaces a level,
/// `[]` and `{}` when empty) or compact (no space at all). The caller gives each object's
/// keys in sorted order, as JSONEncoder's `.sortedKeys` would write them; debug builds
/// (every test) check that order and stop at the first key out of it. JSON whose speed does
/// not matter is written by `SortedJSON` (JSONEncoder) instead.
///
/// A writer made with a sink hands its bytes on in blocks of about 64 KiB as it writes
/// (the audit's megabytes go to standard output that way, never held whole); one made
/// without keeps them all for `bytes`. A writer owns its bytes: it is not copied.
public struct JSONWriter {
  public enum Style: Sendable {
    case indented
    case compact
  }

  private let written: WrittenBytes
  private let style: Style
  /// Where full blocks go; nil: everything is kept for `bytes`.
  private let sink: ((UnsafeRawBufferPointer) -> Void)?
  /// Whether `array(halvesOf:)` may write its second half on another thread.
  private let secondThread: Bool
  private var depth = 0
  /// The container just opened has no member yet.
  private var empty = false
  #if DEBUG
    /// The last key of each open object (nil in an array, or before the first key).
    private var lastKeys: [String?] = []
  #endif

  /// A writer that keeps what it writes (`bytes`). `secondThread: false` where the process
  /// has one CPU: a second half written on another thread would only be copied once more.
  public init(style: Style = .indented, reservingCapacity capacity: Int = 0, secondThread: Bool = true) {
    self.style = style
    written = WrittenBytes(capacity: capacity)
    sink = nil
    self.secondThread = secondThread
  }

  /// A writer that hands what it writes to `sink` in blocks, and the rest at `finish()`.
  public init(style: Style = .indented, secondThread: Bool = true, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
    self.style = style
    written = WrittenBytes(capacity: JSONWriter.blockSize + 4096)
    self.sink = sink
    self.secondThread = secondThread
  }

  /// What has been written and not handed to a sink.
  public var bytes: [UInt8] { Array(written.contents) }

  /// Hands what is left to the sink (a writer without one keeps it).
  public mutating func finish() {
    guard let sink, written.count > 0 else { return }
    sink(written.contents)
    written.removeAll()
  }

  /// How much a writer with a sink holds before it hands a block on.
  static let blockSize = 64 << 10

  public mutating func object(_ body: (inout JSONWriter) throws -> Void) rethrows {
    open(UInt8(ascii: "{"))
    #if DEBUG
      lastKeys.append(nil)
    #endif
    try body(&self)
    #if DEBUG
      lastKeys.removeLast()
    #endif
    close(UInt8(ascii: "}"))
  }

  /// `array(items, body)`, the second half written on another thread where the writer may
  /// use one: a large history's report holds megabytes of models.
  mutating func array<Item: Sendable>(
    halvesOf items: [Item], _ body: @escaping @Sendable (inout JSONWriter, Item) -> Void
  ) {
    guard items.count >= 2, secondThread else { return array(items, body) }
    let half = items.count / 2
    open(UInt8(ascii: "["))
    let (style, depth) = (self.style, self.depth)
    let write: @Sendable () -> [UInt8] = {
      var part = JSONWriter(style: style, secondThread: false)
      (part.depth, part.empty) = (depth, false)  // as if after the first half
      for item in items[half...] {
        part.member()
        body(&part, item)
      }
      return part.bytes
    }
    // 8 MiB of stack (JoinableThread's), as the main thread has: values nest as deep as
    // their documents. Where no thread can start, the second half is written after the first.
    let elsewhere = WrittenElsewhere()
    let thread = JoinableThread { elsewhere.keep(write()) }
    for item in items[..<half] {
      member()
      body(&self, item)
    }
    let second: [UInt8]
    switch consume thread {
    case .some(let thread):
      thread.join()
      second = elsewhere.bytes()
    case .none:
      second = write()
    }
    second.withUnsafeBytes { written.append($0) }
    empty = false
    close(UInt8(ascii: "]"))
  }

  public mutating func array<Items: Sequence>(_ items: Items, _ body: (inout JSONWriter, Items.Element) -> Void) {
    open(UInt8(ascii: "["))
    #if DEBUG
      lastKeys.append(nil)
    #endif
    for item in items {
      member()
      body(&self, item)
    }
    #if DEBUG
      lastKeys.removeLast()
    #endif
    close(UInt8(ascii: "]"))
  }

  /// An object's next key (a plain name, written as it is); its value follows.
  public mutating func key(_ name: StaticString) {
    #if DEBUG
      checkOrder(name.description)
    #endif
    member()
    written.append(0x22)
    raw(name)
    raw(style == .indented ? "\": " : "\":")
  }

  /// An object's next key, from data (a metric's name, say).
  public mutating func key(text name: String) {
    #if DEBUG
      checkOrder(name)
    #endif
    member()
    string(name)
    raw(style == .indented ? ": " : ":")
  }

  /// The newline that ends a document.
  public mutating func endLine() { written.append(10) }

  /// A value written already as JSON (a ledger line), copied as it is. Concrete types, not
  /// a generic collection: a generic copy made from another module goes byte by byte.
  public mutating func json(_ value: ArraySlice<UInt8>) { value.withUnsafeBytes { written.append($0) } }

  public mutating func json(_ value: String) {
    var value = value
    value.withUTF8 { written.append(UnsafeRawBufferPointer($0)) }
  }

  #if DEBUG
    /// Stops at a key that does not sort after the one before it in the same object.
    private mutating func checkOrder(_ name: String) {
      guard let index = lastKeys.indices.last else { return }
      if let last = lastKeys[index] {
        precondition(last < name, "JSONWriter: key \"\(name)\" written after \"\(last)\"; keys go in sorted order")
      }
      lastKeys[index] = name
    }
  #endif

  public mutating func field(_ name: StaticString, _ text: String?) {
    key(name)
    if let text { string(text) } else { null() }
  }

  public mutating func field(_ name: StaticString, _ number: Int) {
    key(name)
    written.appendDecimal(number)
  }

  public mutating func field(_ name: StaticString, _ flag: Bool) {
    key(name)
    bool(flag)
  }

  /// A string literal; text that needs no escaping (nearly all) is copied whole.
  public mutating func string(_ text: String) {
    var text = text
    let written = self.written
    let plain = text.withUTF8 { utf8 in
      guard JSONWriter.needsNoEscape(utf8) else { return false }
      written.append(0x22)
      written.append(UnsafeRawBufferPointer(utf8))
      written.append(0x22)
      return true
    }
    if !plain { append(JSONValue.string(text).canonical) }
  }

  /// True when no byte is a control character, a quote or a backslash: eight bytes at a
  /// time (a byte at a time was most of the cost of writing the audit's strings).
  static func needsNoEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    // Nonzero when a byte of `word` is below 0x20, or is 0 once xor-ed with a quote or a
    // backslash (a byte below n shows as a borrow into its high bit, for n up to 0x80).
    func flagged(_ word: UInt64) -> Bool {
      let control = (word &- 0x20 &* ones) & ~word
      let quote = word ^ (0x22 &* ones)
      let backslash = word ^ (0x5C &* ones)
      return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs != 0
    }
    guard let base = utf8.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var offset = 0
    while offset + 8 <= utf8.count {
      if flagged(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return false }
      offset += 8
    }
    while offset < utf8.count {
      let byte = utf8[offset]
      if byte < 0x20 || byte == 0x22 || byte == 0x5C { return false }
      offset += 1
    }
    return true
  }

  public mutating func bool(_ flag: Bool) { if flag { raw("true") } else { raw("false") } }
  public mutating func null() { raw("null") }
  public mutating func double(_ number: Double) { append(JSONValue.double(number).canonical) }

  /// Any value, objects with their keys sorted; scalars as the canonical form writes them.
  public mutating func value(_ value: JSONValue) {
    switch value {
    case .array(let items): array(items) { $0.value($1) }
    case .object(let members):
      object { out in
        for name in members.keys.sorted() {
          out.key(text: name)
          out.value(members[name] ?? .null)
        }
      }
    case .string(let text): string(text)
    default: append(value.canonical)
    }
  }

  /// Text written as it is.
  private mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { written.append(UnsafeRawBufferPointer($0)) }
  }

  private mutating func open(_ bracket: UInt8) {
    written.append(bracket)
    depth += 1
    empty = true
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    if !empty && style == .indented { newline(comma: false) }
    written.append(bracket)
    empty = false
  }

  /// Before each member of the open container: the comma after the last one, a new line.
  /// A writer with a sink hands its bytes on here once it holds a block.
  private mutating func member() {
    if let sink, written.count >= JSONWriter.blockSize {
      sink(written.contents)
      written.removeAll()
    }
    if style == .indented {
      newline(comma: !empty)
    } else if !empty {
      written.append(UInt8(ascii: ","))
    }
    empty = false
  }

  /// A new line and the indent of the open container, after a comma when asked: one copy
  /// from `separator` (`,`, a newline, then spaces) at every depth it covers.
  private mutating func newline(comma: Bool) {
    let spaces = 2 * depth
    let skip = comma ? 0 : 1
    if spaces + 2 <= JSONWriter.separator.utf8CodeUnitCount {
      written.append(JSONWriter.separator.utf8Start + skip, count: 2 - skip + spaces)
      return
    }
    written.append(JSONWriter.separator.utf8Start + skip, count: 2 - skip)
    for _ in 0..<spaces { written.append(0x20) }
  }

  /// Literal text, copied as bytes.
  private mutating func raw(_ text: StaticString) {
    written.append(text.utf8Start, count: text.utf8CodeUnitCount)
  }

  private static let separator: StaticString =
    ",\n                                                                "
}

/// The bytes a writer holds: one block of memory that grows by doubling, appended to by
/// pointer. (As an Array, each append of a few bytes checked the array's uniqueness and
/// capacity through the writer's closures: some hundred instructions, for keys and
/// indents written hundreds of thousands of times in an audit.) One writer's own, never
/// shared: used by one thread at a time.
private final class WrittenBytes {
  private var start: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 256)
    start = .allocate(capacity: self.capacity)
  }

  deinit { start.deallocate() }

  var contents: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

  func removeAll() { count = 0 }

  func append(_ byte: UInt8) {
    if count == capacity { grow(to: count + 1) }
    start[count] = byte
    count += 1
  }

  func append(_ bytes: UnsafePointer<UInt8>, count added: Int) {
    if count + added > capacity { grow(to: count + added) }
    (start + count).update(from: bytes, count: added)
    count += added
  }

  func append(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    append(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
  }

  /// `String(value)`'s digits, without making the String.
  func appendDecimal(_ value: Int) {
    guard value >= 0 else {
      var text = String(value)  // rare; Int.min has no positive twin
      text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
      return
    }
    var digits = 1
    var rest = value / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    if count + digits > capacity { grow(to: count + digits) }
    rest = value
    var at = count + digits
    repeat {
      at -= 1
      start[at] = UInt8(48 + rest % 10)
      rest /= 10
    } while rest > 0
    count += digits
  }

  private func grow(to needed: Int) {
    var larger = capacity * 2
    while larger < needed { larger *= 2 }
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    moved.initialize(from: start, count: count)
    start.deallocate()
    start = moved
    capacity = larger
  }
}

/// Bytes written on a thread of its own while the caller writes others, read once the
/// thread is joined.
private final class WrittenElsewhere: Sendable {
  private let written = Mutex<[UInt8]>([])

  func keep(_ bytes: [UInt8]) { written.withLock { $0 = bytes } }

  func bytes() -> [UInt8] { written.withLock { $0 } }
}
