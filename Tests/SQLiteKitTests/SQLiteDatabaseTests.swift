import Foundation
import SQLiteKit
import XCTest

final class SQLiteDatabaseTests: XCTestCase {
  var folder = ""

  override func setUpWithError() throws {
    folder = NSTemporaryDirectory() + "sqlitekit-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

  /// A database at `name` with one table `t(k TEXT, v)` holding `rows`.
  func makeDatabase(_ name: String, rows: [(String, String)]) throws -> String {
    let path = folder + "/" + name
    let db = try SQLiteDatabase(path: path, mode: .readWriteCreate)
    try db.execute("CREATE TABLE t (k TEXT, v); CREATE VIEW w AS SELECT k FROM t")
    try db.execute("BEGIN")
    for (key, value) in rows {
      _ = try db.rows("INSERT INTO t VALUES (?1, ?2)", [.text(key), .text(value)])
    }
    try db.execute("COMMIT")
    return path
  }

  func testReadsTypedValuesTablesAndColumnsReadOnly() throws {
    // A name with the characters URIs give a meaning to: it must still name the file.
    let path = try makeDatabase("odd ?name#%.db", rows: [("a", "1")])
    let db = try SQLiteDatabase(path: path, mode: .readOnly)
    XCTAssertEqual(try db.tableNames(), ["t"], "views are not tables")
    XCTAssertEqual(try db.columnNames(of: "t"), ["k", "v"])
    let rows = try db.rows(
      "SELECT k, v, 42, 0.5, NULL, x'00ff', 'a' || char(0) || 'b' FROM t WHERE k = ?1", [.text("a")])
    XCTAssertEqual(
      rows, [[.text("a"), .text("1"), .integer(42), .real(0.5), .null, .blob(Data([0, 255])), .text("a\u{0}b")]])
    XCTAssertEqual(rows[0][1].integer, 1)
    XCTAssertEqual(rows[0][3].integer, nil, "0.5 is no integer")
    XCTAssertEqual(rows[0][2].real, 42)
    XCTAssertThrowsError(try db.execute("INSERT INTO t VALUES ('b', '2')")) { error in
      XCTAssertEqual((error as? SQLiteError)?.primaryCode, 8, "SQLITE_READONLY: \(error)")
    }
  }

  func testDamagedAndForeignFilesAreErrorsNotCrashes() throws {
    let path = try makeDatabase("big.db", rows: (0..<400).map { ("key\($0)", String(repeating: "v", count: 200)) })
    XCTAssertTrue(SQLiteDatabase.hasHeader(try Data(contentsOf: URL(fileURLWithPath: path))))
    // Cut in half: the header still says how many pages there were.
    let whole = try Data(contentsOf: URL(fileURLWithPath: path))
    let truncated = folder + "/truncated.db"
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
    XCTAssertThrowsError(
      try SQLiteDatabase(path: truncated, mode: .readOnly).rows("SELECT count(*), max(length(v)) FROM t")
    ) { error in
      XCTAssertTrue((error as? SQLiteError)?.isMalformedDatabase ?? false, "\(error)")
    }
    let text = folder + "/text.db"
    try Data(
      "not a database at all, but long enough to have a header's worth of bytes in it".utf8
        + Array(repeating: 0x20, count: 200)
    )
    .write(to: URL(fileURLWithPath: text))
    XCTAssertFalse(SQLiteDatabase.hasHeader(try Data(contentsOf: URL(fileURLWithPath: text))))
    XCTAssertThrowsError(try SQLiteDatabase(path: text, mode: .readOnly).tableNames()) { error in
      XCTAssertTrue((error as? SQLiteError)?.isMalformedDatabase ?? false, "\(error)")
    }
    XCTAssertThrowsError(try SQLiteDatabase(path: folder + "/missing.db", mode: .readOnly)) { error in
      XCTAssertEqual((error as? SQLiteError)?.primaryCode, 14, "SQLITE_CANTOPEN: \(error)")
    }
  }
}
