import Foundation

/// A source file of the repository that a test writes (tables, pack code): the test
/// compares it with what it generates, and `MLGIT_REGENERATE=1` rewrites it instead.
public enum GeneratedSource {
  /// The file's text as the test should compare it: the file as it stands, or, under
  /// `MLGIT_REGENERATE=1` with a stale file, `expected` once written over it. nil when
  /// the file cannot be read. `path` is relative to the repository's root.
  public static func current(_ path: String, expected: String) throws -> String? {
    // Tests/TestSupport/GeneratedSource.swift -> the repository's root.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let file = root.appendingPathComponent(path)
    let current = try? String(contentsOf: file, encoding: .utf8)
    guard current != expected, ProcessInfo.processInfo.environment["MLGIT_REGENERATE"] == "1" else { return current }
    try expected.write(to: file, atomically: true, encoding: .utf8)
    return expected
  }
}
