import Foundation
import XCTest

/// mlgit builds in the Swift 6 language mode, and the compiler checks every value that
/// crosses threads except where a declaration opts out. Checked over the sources: each
/// opt-out (`@unchecked Sendable`, `nonisolated(unsafe)`) says, in the comment above
/// it, what makes it safe; shared state is locked with `Synchronization.Mutex`, the one
/// lock type (GitKit's `Condition` is the one condition variable); and no target goes
/// back to the Swift 5 mode. docs/development.md, "Threads and locks".
final class ConcurrencyAnnotationTests: XCTestCase {
  private var root: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// Every Swift file under `folder` (relative to the repository), this one left out:
  /// its examples are text, not declarations.
  private func swiftFiles(under folder: String) throws -> [(path: String, text: String)] {
    let base = root.appendingPathComponent(folder)
    var files: [(path: String, text: String)] = []
    let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
      guard url.pathExtension == "swift", url.lastPathComponent != "ConcurrencyAnnotationTests.swift" else { continue }
      let relative = folder + "/" + url.path.dropFirst(base.path.count + 1)
      files.append((relative, try String(contentsOf: url, encoding: .utf8)))
    }
    return files.sorted { $0.path < $1.path }
  }

  func testEveryOptOutSaysWhatMakesItSafe() throws {
    var offending: [String] = []
    var checked = 0
    for folder in ["Sources", "Tests"] {
      for file in try swiftFiles(under: folder) {
        checked += 1
        for line in Self.unexplainedOptOuts(in: file.text) { offending.append("\(file.path):\(line)") }
      }
    }
    XCTAssertGreaterThan(checked, 100, "the sources are under \(root.path)")
    XCTAssertEqual(
      offending, [],
      "say in the comment above: `@unchecked Sendable: <the lock or immutability behind it>` "
        + "(`nonisolated(unsafe): <why>`)")
  }

  func testSharedStateIsLockedWithMutex() throws {
    var offending: [String] = []
    for file in try swiftFiles(under: "Sources") where file.path != "Sources/GitKit/Condition.swift" {
      for line in Self.otherLocks(in: file.text) { offending.append("\(file.path):\(line)") }
    }
    XCTAssertEqual(offending, [], "lock with Synchronization.Mutex (a wait: GitKit's Condition)")
  }

  func testEveryTargetBuildsInTheSwift6Mode() throws {
    let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    XCTAssertTrue(manifest.hasPrefix("// swift-tools-version:6."), "the tools version sets the default mode")
    XCTAssertEqual(Self.olderModes(in: manifest), [])
  }

  /// The checkers find what they must and accept what is explained.
  func testCheckersFindWhatTheyMust() {
    let explained = """
      /// The items between two threads.
      /// @unchecked Sendable: every stored `var` is read and written with `condition` held.
      private final class Handoff: @unchecked Sendable {
        /// nonisolated(unsafe): written once, before any other thread starts.
        nonisolated(unsafe) private static var closedAtStart = false
      }
      // @unchecked Sendable in a comment is no declaration.
      """
    XCTAssertEqual(Self.unexplainedOptOuts(in: explained), [])
    let bare = """
      import Foundation

      final class Box: @unchecked Sendable {
        /// A flag.
        nonisolated(unsafe) static var flag = false
      }
      /// Unchecked because it is fine.
      @available(macOS 15, *)
      final class Other: @unchecked Sendable {}
      """
    XCTAssertEqual(Self.unexplainedOptOuts(in: bare), [3, 5, 9])
    // The reason follows its colon; one without a reason does not count.
    XCTAssertEqual(Self.unexplainedOptOuts(in: "/// @unchecked Sendable:\nfinal class A: @unchecked Sendable {}"), [2])
    // Attributes between the comment and the declaration are fine.
    XCTAssertEqual(
      Self.unexplainedOptOuts(
        in: "/// @unchecked Sendable: immutable.\n@usableFromInline\nfinal class A: @unchecked Sendable {}"),
      [])

    XCTAssertEqual(Self.otherLocks(in: "private let lock = NSLock()\nlet c = NSCondition()"), [1, 2])
    XCTAssertEqual(Self.otherLocks(in: "var m = pthread_mutex_t()\nvar l = os_unfair_lock()"), [1, 2])
    XCTAssertEqual(Self.otherLocks(in: "let r = NSRecursiveLock()\nlet q = DispatchQueue(label: \"x\")"), [1, 2])
    XCTAssertEqual(Self.otherLocks(in: "private let state = Mutex(State())\n// NSLock was slower"), [])

    XCTAssertEqual(Self.olderModes(in: "  swiftLanguageModes: [.v5]\n"), [1])
    XCTAssertEqual(Self.olderModes(in: "let s: [SwiftSetting] = [.swiftLanguageMode(.v5)]"), [1])
    XCTAssertEqual(Self.olderModes(in: "swiftLanguageVersions: [.v5]"), [1])
    XCTAssertEqual(Self.olderModes(in: ".target(name: \"GitKit\", swiftSettings: [.swiftLanguageMode(.v6)])"), [])
  }

  /// Lines declaring `@unchecked Sendable` or `nonisolated(unsafe)` whose comment above
  /// (attributes between are skipped) does not give the reason after `@unchecked
  /// Sendable:` (`nonisolated(unsafe):`).
  static func unexplainedOptOuts(in text: String) -> [Int] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    var found: [Int] = []
    for (index, line) in lines.enumerated() where !line.hasPrefix("//") {
      for optOut in ["@unchecked Sendable", "nonisolated(unsafe)"] where line.contains(optOut) {
        var comment = ""
        var above = index - 1
        while above >= 0, lines[above].hasPrefix("@") { above -= 1 }
        while above >= 0, lines[above].hasPrefix("//") {
          comment = lines[above] + " " + comment
          above -= 1
        }
        let reason = comment.components(separatedBy: optOut + ":").dropFirst().first ?? ""
        if reason.filter(\.isLetter).isEmpty { found.append(index + 1) }
      }
    }
    return found
  }

  /// Lines (outside comments) using a lock other than `Mutex`.
  static func otherLocks(in text: String) -> [Int] {
    let locks = [
      "NSLock", "NSRecursiveLock", "NSCondition", "pthread_mutex_t", "os_unfair_lock", "DispatchQueue(label",
    ]
    return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
      let code = line.trimmingCharacters(in: .whitespaces)
      return !code.hasPrefix("//") && locks.contains { code.contains($0) } ? index + 1 : nil
    }
  }

  /// Lines of a manifest that put a target (or the package) in a language mode before 6.
  static func olderModes(in manifest: String) -> [Int] {
    manifest.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
      let code = line.trimmingCharacters(in: .whitespaces)
      let older =
        code.contains("swiftLanguageModes") || code.contains("swiftLanguageVersions")
        || (code.contains("swiftLanguageMode(") && !code.contains("swiftLanguageMode(.v6)"))
      return !code.hasPrefix("//") && older ? index + 1 : nil
    }
  }
}
