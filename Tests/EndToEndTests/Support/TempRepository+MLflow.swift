import Foundation
import SQLiteKit

/// The MLflow stores written by real MLflow (fixtures/mlflow, made by
/// fixtures/mlflow/make-stores.py): the same runs in a file store and in an SQLite database,
/// with placeholder commits (40 x '1', 40 x '2') that a test replaces by its own.
extension TempRepository {
  static let mlflowFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/mlflow")

  /// A copy of the file store beside the work tree, its runs' commits `first` and `second`.
  func mlflowFileStore(first: String, second: String) throws -> String {
    let copy = root + "/mlruns"
    try FileManager.default.copyItem(
      atPath: TempRepository.mlflowFixtures.appendingPathComponent("mlruns").path, toPath: copy)
    let files = FileManager.default.enumerator(atPath: copy)
    while let relative = files?.nextObject() as? String {
      guard relative.hasSuffix("tags/mlflow.source.git.commit") else { continue }
      let path = copy + "/" + relative
      let text = try String(contentsOfFile: path, encoding: .utf8)
      try text.replacingOccurrences(of: String(repeating: "1", count: 40), with: first)
        .replacingOccurrences(of: String(repeating: "2", count: 40), with: second)
        .write(toFile: path, atomically: true, encoding: .utf8)
    }
    return copy
  }

  /// A copy of the SQLite store beside the work tree, its runs' commits `first` and `second`.
  func mlflowDatabase(first: String, second: String, name: String = "mlflow.db") throws -> String {
    let copy = root + "/" + name
    try FileManager.default.copyItem(
      atPath: TempRepository.mlflowFixtures.appendingPathComponent("mlflow.db").path, toPath: copy)
    let db = try SQLiteDatabase(path: copy, mode: .readWriteCreate)
    for (placeholder, commit) in [("1", first), ("2", second)] {
      _ = try db.rows(
        "UPDATE tags SET value = ?1 WHERE key = 'mlflow.source.git.commit' AND value = ?2",
        [.text(commit), .text(String(repeating: placeholder, count: 40))])
    }
    let replaced = try db.rows("SELECT count(*) FROM tags WHERE value IN (?1, ?2)", [.text(first), .text(second)])
    precondition(replaced.first?.first?.integer ?? 0 >= 3, "the fixture's placeholder commits were not found")
    return copy
  }
}
