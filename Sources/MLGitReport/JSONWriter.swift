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
public struct JSONWriter: Sendable {
  public enum Style: Sendable {
    case indented
    case compact
  }

  public private(set) var bytes: [UInt8] = []
  private let style: Style
  private var depth = 0
  /// The container just opened has no member yet.
  private var empty = false
  #if DEBUG
    /// The last key of each open object (nil in an array, or before the first key).
    private var lastKeys: [String?] = []
  #endif

  public init(style: Style = .indented, reservingCapacity capacity: Int = 0) {
    self.style = style
    bytes.reserveCapacity(capacity)
  }

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

  /// `array(items, body)`, the second half written on another thread: a large history's
  /// report holds megabytes of models.
  mutating func array<Item: Sendable>(
    halvesOf items: [Item], _ body: @escaping @Sendable (inout JSONWriter, Item) -> Void
  ) {
    guard items.count >= 2 else { return array(items, body) }
    let half = items.count / 2
    open(UInt8(ascii: "["))
    var second = JSONWriter(style: style)
    (second.depth, second.empty) = (depth, false)  // as if after the first half
    let write: @Sendable () -> [UInt8] = { [second] in
      var part = second
      for item in items[half...] {
        part.member()
        body(&part, item)
      }
      return part.bytes
    }
    // 8 MiB of stack (JoinableThread's), as the main thread has: values nest as deep as
    // their documents. Where no thread can start, the second half is written after the first.
    let written = WrittenElsewhere()
    let thread = JoinableThread { written.keep(write()) }
    for item in items[..<half] {
      member()
      body(&self, item)
    }
    switch consume thread {
    case .some(let thread):
      thread.join()
      bytes.append(contentsOf: written.bytes())
    case .none:
      bytes.append(contentsOf: write())
    }
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
    bytes.append(0x22)
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
  public mutating func endLine() { bytes.append(10) }

  /// A value written already as JSON (a ledger line), copied as it is. Concrete types, not
  /// a generic collection: a generic copy made from another module goes byte by byte.
  public mutating func json(_ value: ArraySlice<UInt8>) { bytes.append(contentsOf: value) }

  public mutating func json(_ value: String) {
    var value = value
    value.withUTF8 { bytes.append(contentsOf: $0) }
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
    bytes.appendDecimal(number)
  }

  public mutating func field(_ name: StaticString, _ flag: Bool) {
    key(name)
    bool(flag)
  }

  /// A string literal; text that needs no escaping (nearly all) is copied whole.
  public mutating func string(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
        bytes.append(contentsOf: JSONValue.string(String(decoding: utf8, as: UTF8.self)).canonical.utf8)
        return
      }
      bytes.append(0x22)
      bytes.append(contentsOf: utf8)
      bytes.append(0x22)
    }
  }

  public mutating func bool(_ flag: Bool) { if flag { raw("true") } else { raw("false") } }
  public mutating func null() { raw("null") }
  public mutating func double(_ number: Double) { bytes.append(contentsOf: JSONValue.double(number).canonical.utf8) }

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
    default: bytes.append(contentsOf: value.canonical.utf8)
    }
  }

  private mutating func open(_ bracket: UInt8) {
    bytes.append(bracket)
    depth += 1
    empty = true
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    if !empty && style == .indented { newline() }
    bytes.append(bracket)
    empty = false
  }

  /// Before each member of the open container: the comma after the last one, a new line.
  private mutating func member() {
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    if style == .indented { newline() }
  }

  private mutating func newline() {
    bytes.append(10)
    var spaces = 2 * depth
    while spaces > 0 {
      let run = min(spaces, JSONWriter.spaces.utf8CodeUnitCount)
      bytes.append(contentsOf: UnsafeBufferPointer(start: JSONWriter.spaces.utf8Start, count: run))
      spaces -= run
    }
  }

  /// Literal text: appended as bytes (a String literal's UTF-8 view is appended byte by byte).
  private mutating func raw(_ text: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  private static let spaces: StaticString = "                                                                "
}

/// Bytes written on a thread of its own while the caller writes others, read once the
/// thread is joined.
private final class WrittenElsewhere: Sendable {
  private let written = Mutex<[UInt8]>([])

  func keep(_ bytes: [UInt8]) { written.withLock { $0 = bytes } }

  func bytes() -> [UInt8] { written.withLock { $0 } }
}
