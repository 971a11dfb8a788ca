import Foundation
import XCTest

/// Every libgit2 object is freed by the `deinit` of its owner type (LibGit2Objects.swift),
/// never by a call placed by hand, and only GitKit sees libgit2: checked over the sources.
final class LibGit2OwnershipTests: XCTestCase {
  private var sources: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources")
  }

  private func swiftFiles() throws -> [(path: String, text: String)] {
    let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
    var files: [(String, String)] = []
    while let url = enumerator?.nextObject() as? URL {
      guard url.pathExtension == "swift" else { continue }
      files.append(
        (url.path.replacingOccurrences(of: sources.path + "/", with: ""), try String(contentsOf: url, encoding: .utf8)))
    }
    XCTAssertGreaterThan(files.count, 20, "the sources are at \(sources.path)")
    return files
  }

  func testLibGit2ObjectsAreFreedOnlyInDeinit() throws {
    let free = try NSRegularExpression(pattern: #"git_[a-z_]+_(free|dispose)\("#)
    var misplaced: [String] = []
    for (path, text) in try swiftFiles() {
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = String(line)
        guard free.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil else { continue }
        if !line.trimmingCharacters(in: .whitespaces).hasPrefix("deinit {") {
          misplaced.append("\(path):\(number + 1): \(line)")
        }
      }
    }
    XCTAssertEqual(misplaced, [], "free libgit2 objects through an owner type's deinit")
  }

  func testOnlyGitKitImportsLibGit2() throws {
    let importers = try swiftFiles().filter { $0.text.contains("import CLibGit2") }.map(\.path)
    XCTAssertFalse(importers.isEmpty)
    XCTAssertEqual(importers.filter { !$0.hasPrefix("GitKit/") }, [])
  }
}
