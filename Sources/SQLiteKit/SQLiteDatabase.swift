import CSQLite
import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error from SQLite: its (extended) result code and message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
  /// The extended result code (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, …).
  public var code: Int32
  public var message: String

  /// The primary result code (the extended code's low byte).
  public var primaryCode: Int32 { code & 0xff }

  /// The file is not a database, or a damaged one: bad input, not a failure of the machine.
  public var isMalformedDatabase: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

  /// The database has a hot journal: a write that stopped before its commit left pages of
  /// it in the file, which only a connection that may write can roll back.
  /// (SQLITE_READONLY_ROLLBACK, a macro Swift does not import: `SQLITE_READONLY | (3<<8)`.)
  public var isUnfinishedWrite: Bool { code == SQLITE_READONLY | (3 << 8) }

  public var description: String { "\(message) (SQLite error \(code))" }

  init(code: Int32, database: OpaquePointer?) {
    self.code = code
    // sqlite3_errmsg is for the connection's last error; sqlite3_errstr names any code.
    let text = database.flatMap { sqlite3_errmsg($0) } ?? sqlite3_errstr(code)
    self.message = text.map { String(cString: $0) } ?? "SQLite error"
  }
}

/// One value of a result row, as SQLite typed it.
public enum SQLiteValue: Equatable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob(Data)
}

/// An SQLite database connection (`sqlite3 *`), closed on deinit.
public final class SQLiteDatabase {
  public enum Mode: Sendable {
    /// Reading only (`SQLITE_OPEN_READONLY`): the file is never written, and a crafted file
    /// cannot make the connection run functions with side effects from its schema.
    case readOnly
    /// Reading and writing, creating the file if needed (tests build databases with it).
    case readWriteCreate
  }

  let handle: OpaquePointer

  /// Opens the database at `path`. Fails for a missing file in the read-only modes.
  public init(path: String, mode: Mode) throws {
    var flags: Int32 = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI
    switch mode {
    case .readOnly: flags |= SQLITE_OPEN_READONLY
    case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
    }
    // A URI so `mode=ro` can be given; the path is percent-encoded so a name
    // holding `?` or `#` is not read as URI syntax.
    var uri = "file:" + URLPath.percentEncoded(path)
    switch mode {
    case .readOnly: uri += "?mode=ro"
    case .readWriteCreate: break
    }
    var db: OpaquePointer?
    let code = sqlite3_open_v2(uri, &db, flags, nil)
    guard code == SQLITE_OK, let db else {
      let error = SQLiteError(code: code, database: db)
      sqlite3_close_v2(db)
      throw error
    }
    handle = db
    // Defensive settings for a file from elsewhere (sqlite.org/security.html): the schema is
    // not trusted to call functions, and cell sizes are checked so damage is found early.
    _ = mlgit_sqlite_db_config_flag(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)
    _ = mlgit_sqlite_db_config_flag(db, SQLITE_DBCONFIG_DEFENSIVE, 1)
    sqlite3_busy_timeout(db, 5000)
    try execute("PRAGMA cell_size_check = ON")
  }

  deinit { sqlite3_close_v2(handle) }

  /// Whether `data` starts as every SQLite 3 database file does.
  public static func hasHeader(_ data: Data) -> Bool {
    data.starts(with: Array("SQLite format 3\u{0}".utf8))
  }

  /// Runs statements that return no rows.
  public func execute(_ sql: String) throws {
    let code = sqlite3_exec(handle, sql, nil, nil, nil)
    guard code == SQLITE_OK else { throw SQLiteError(code: code, database: handle) }
  }

  /// Prepares one statement, binding `parameters` (`?1`, `?2`, …) to texts or integers.
  public func prepare(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> SQLiteStatement {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    guard code == SQLITE_OK, let statement else { throw SQLiteError(code: code, database: handle) }
    let prepared = SQLiteStatement(database: self, handle: statement)
    for (offset, value) in parameters.enumerated() {
      let index = Int32(offset + 1)
      let bound: Int32
      switch value {
      case .null: bound = sqlite3_bind_null(statement, index)
      case .integer(let number): bound = sqlite3_bind_int64(statement, index, number)
      case .real(let number): bound = sqlite3_bind_double(statement, index, number)
      case .text(let text): bound = mlgit_sqlite_bind_text(statement, index, text)
      case .blob: bound = SQLITE_MISUSE
      }
      guard bound == SQLITE_OK else { throw SQLiteError(code: bound, database: handle) }
    }
    return prepared
  }

  /// Every row of a query, each as its column values.
  public func rows(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
    var rows: [[SQLiteValue]] = []
    try forEachRow(sql, parameters) { row in rows.append((0..<row.columnCount).map { row.value(at: $0) }) }
    return rows
  }

  /// Calls `body` with the statement on each row in turn: a large table is read without
  /// holding all of it.
  public func forEachRow(_ sql: String, _ parameters: [SQLiteValue] = [], _ body: (SQLiteStatement) throws -> Void)
    throws
  {
    let statement = try prepare(sql, parameters)
    while try statement.step() { try body(statement) }
  }

  /// The names of the database's tables (not views, indexes or triggers).
  public func tableNames() throws -> Set<String> {
    Set(try rows("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text })
  }

  /// The names of a table's columns.
  public func columnNames(of table: String) throws -> Set<String> {
    Set(try rows("SELECT name FROM pragma_table_info(?1)", [.text(table)]).compactMap { $0.first?.text })
  }

}

/// A prepared statement (`sqlite3_stmt *`), finalized on deinit. Keeps its database open.
public final class SQLiteStatement {
  let database: SQLiteDatabase
  let handle: OpaquePointer

  init(database: SQLiteDatabase, handle: OpaquePointer) {
    self.database = database
    self.handle = handle
  }

  deinit { sqlite3_finalize(handle) }

  public var columnCount: Int32 { sqlite3_column_count(handle) }

  /// Moves to the next row: true while there is one.
  public func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    case let code: throw SQLiteError(code: code, database: database.handle)
    }
  }

  /// The current row's value in column `index`.
  public func value(at index: Int32) -> SQLiteValue {
    switch sqlite3_column_type(handle, index) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
    case SQLITE_TEXT:
      guard let text = sqlite3_column_text(handle, index) else { return .null }
      let count = Int(sqlite3_column_bytes(handle, index))
      // Decoded by length, not as a C string: a value may hold NUL bytes.
      return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(handle, index))
      guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob(Data()) }
      return .blob(Data(bytes: bytes, count: count))
    default: return .null
    }
  }
}

extension SQLiteValue {
  /// Text as SQLite would convert it: numbers in their decimal form, blobs as UTF-8.
  public var text: String? {
    switch self {
    case .null: return nil
    case .integer(let number): return String(number)
    case .real(let number): return String(number)
    case .text(let text): return text
    case .blob(let data): return String(decoding: data, as: UTF8.self)
    }
  }

  /// An integer, from an integer, an integral real or a decimal text; nil otherwise.
  public var integer: Int64? {
    switch self {
    case .integer(let number): return number
    case .real(let number):
      return number.isFinite && number == number.rounded() && abs(number) < 9.2e18 ? Int64(number) : nil
    case .text(let text): return Int64(text.trimmingWhitespace())
    default: return nil
    }
  }

  /// A number, from an integer, a real or a decimal text; nil otherwise.
  public var real: Double? {
    switch self {
    case .integer(let number): return Double(number)
    case .real(let number): return number
    case .text(let text): return Double(text.trimmingWhitespace())
    default: return nil
    }
  }
}
