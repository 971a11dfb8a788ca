import Foundation
import XCTest

/// mlgit's modules import `FoundationEssentials`, never `Foundation`
/// (`#if canImport(FoundationEssentials)` with `import Foundation` in its `#else`, for
/// macOS, is the one exception): importing `Foundation` anywhere puts its
/// internationalisation and ICU's 34 MB of data into the statically linked binary
/// (docs/performance.md). Checked over the sources.
final class FoundationImportTests: XCTestCase {
  /// Every module of mlgit's.
  static let modules = [
    "MLGitErrors", "SQLiteKit", "GitKit", "MLSpec", "MLPolicy", "MLGitReport", "MLGitEngine", "MLGitCommands", "mlgit",
  ]

  private var sources: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources")
  }

  func testLowerModulesImportOnlyFoundationEssentials() throws {
    var offending: [String] = []
    var files = 0
    for module in Self.modules {
      let folder = sources.appendingPathComponent(module)
      let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
      while let url = enumerator?.nextObject() as? URL {
        guard url.pathExtension == "swift" else { continue }
        files += 1
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in Self.foundationImports(in: text) {
          offending.append("Sources/\(module)/\(url.lastPathComponent):\(line)")
        }
      }
    }
    XCTAssertGreaterThanOrEqual(files, Self.modules.count, "the sources are at \(sources.path)")
    XCTAssertEqual(
      offending, [],
      "import FoundationEssentials (#if canImport(FoundationEssentials) … #else import Foundation #endif)")
  }

  /// The checker finds what it must and accepts the one allowed form.
  func testCheckerFindsFoundationImports() {
    let allowed = """
      import MLGitErrors

      #if canImport(FoundationEssentials)
        import FoundationEssentials
      #else
        import Foundation
      #endif
      """
    XCTAssertEqual(Self.foundationImports(in: allowed), [])
    XCTAssertEqual(Self.foundationImports(in: "import FoundationEssentials\n"), [])
    XCTAssertEqual(Self.foundationImports(in: "import Glibc\nimport Foundation\n"), [2])
    XCTAssertEqual(Self.foundationImports(in: "@_exported import Foundation"), [1])
    let members = "import struct Foundation.NSRange\n  import Foundation.NSString"
    XCTAssertEqual(Self.foundationImports(in: members), [1, 2])
    XCTAssertEqual(Self.foundationImports(in: "@preconcurrency import FoundationInternationalization"), [1])
    XCTAssertEqual(Self.foundationImports(in: "import FoundationNetworking"), [1])
    XCTAssertEqual(Self.foundationImports(in: "#if os(Linux)\n#else\nimport Foundation\n#endif"), [3])
    XCTAssertEqual(Self.foundationImports(in: allowed + "\nimport Foundation\n"), [8])
    // Mentions that are not imports.
    XCTAssertEqual(Self.foundationImports(in: "// import Foundation\nlet s = \"import Foundation\""), [])
  }

  /// The lines (1-based) that import Foundation or another Foundation module besides
  /// FoundationEssentials, other than `import Foundation` in the `#else` of
  /// `#if canImport(FoundationEssentials)` right after `import FoundationEssentials`.
  static func foundationImports(in text: String) -> [Int] {
    let pattern = try! NSRegularExpression(
      pattern: #"^\s*(@\w+(\([^)]*\))?\s+)*import\s+((typealias|struct|class|enum|protocol|let|var|func)\s+)?(\w+)"#)
    let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    var found: [Int] = []
    for (index, line) in lines.enumerated() {
      guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
        let range = Range(match.range(at: 5), in: line)
      else { continue }
      let module = String(line[range])
      guard module.hasPrefix("Foundation"), module != "FoundationEssentials" else { continue }
      let before = lines[..<index].filter { !$0.isEmpty }.suffix(3)
      let fallback = Array(before) == ["#if canImport(FoundationEssentials)", "import FoundationEssentials", "#else"]
      if !(line == "import Foundation" && fallback) { found.append(index + 1) }
    }
    return found
  }
}
