#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A page from `templates/` (carried in the binary as `ReportTemplates`): named blocks of
/// HTML with `{{slot}}`s, parsed once. A block runs from the line after its
/// `<!-- block: NAME -->` line to the next such line, its last newline included; text
/// before the first block documents the file.
///
/// Slots are filled with HTML the renderer made (`HTMLText.escape` for every text from a
/// repository), never with raw text: the template decides the markup, the data only fills it.
struct HTMLTemplate {
  struct Block {
    enum Part {
      case text(String)
      case slot(String)
    }

    let parts: [Part]

    /// The names of the block's slots.
    var slots: Set<String> {
      Set(parts.compactMap { if case .slot(let name) = $0 { return name } else { return nil } })
    }

    init(_ text: Substring) {
      var parts: [Part] = []
      var rest = text
      while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
        if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
        parts.append(.slot(String(rest[open.upperBound..<close.lowerBound])))
        rest = rest[close.upperBound...]
      }
      if !rest.isEmpty { parts.append(.text(String(rest))) }
      self.parts = parts
    }

    /// The block with each slot replaced by its value (HTML); a slot without one is empty.
    func render(_ values: [String: String]) -> String {
      assert(Set(values.keys) == slots, "slots \(slots.sorted()), values \(values.keys.sorted())")
      var out = ""
      for part in parts {
        switch part {
        case .text(let text): out += text
        case .slot(let name): out += values[name] ?? ""
        }
      }
      return out
    }
  }

  let blocks: [String: Block]

  init(_ text: String) {
    var blocks: [String: Block] = [:]
    var name: String?
    var start = text.startIndex
    var lineStart = text.startIndex
    while lineStart < text.endIndex {
      let lineEnd = text[lineStart...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
      let line = text[lineStart..<lineEnd].trimmingSuffix("\n")
      if line.hasPrefix("<!-- block: "), line.hasSuffix(" -->") {
        if let name { blocks[name] = Block(text[start..<lineStart]) }
        name = String(line.dropFirst("<!-- block: ".count).dropLast(" -->".count))
        start = lineEnd
      }
      lineStart = lineEnd
    }
    if let name { blocks[name] = Block(text[start...]) }
    self.blocks = blocks
  }

  /// The template `templates/NAME` carried in the binary.
  init(named name: String) {
    self.init(ReportTemplates.files[name] ?? "")
  }

  /// A block of the page; the tests check that every block a renderer asks for exists.
  subscript(_ name: String) -> Block {
    blocks[name] ?? Block("")
  }

  /// `templates/NAME` as it is, without its final newline (a style sheet put inside a page).
  static func file(_ name: String) -> String {
    String((ReportTemplates.files[name] ?? "").trimmingSuffix("\n"))
  }
}

extension StringProtocol {
  fileprivate func trimmingSuffix(_ suffix: String) -> SubSequence {
    hasSuffix(suffix) ? self[startIndex..<index(endIndex, offsetBy: -suffix.count)] : self[...]
  }
}
