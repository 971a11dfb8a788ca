import Foundation
import SQLiteKit
import XCTest

/// `mlgit import mlflow mlflow.db`: runs from MLflow's SQLite store written by real MLflow
/// (fixtures/mlflow/mlflow.db, made by fixtures/mlflow/make-stores.py with the same runs as
/// the file store beside it), each on its commit.
final class ImportMLflowSQLiteTests: XCTestCase {
  func testDatabaseRunsLandOnTheirCommitsOnceWithTypesAndSteps() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let second = repo.commitFile("notes.txt", "more\n", "second commit")
    let db = try repo.mlflowDatabase(first: first, second: second)

    let dry = repo.mlgit("import", "mlflow", db, "--dry-run")
    XCTAssertEqual(dry.status, 0, dry.output)
    XCTAssertTrue(
      dry.stdout.contains(
        "(mlflow 0ba6ec3e24bd4451aeff65ee0a9bbf4b) on \(first.prefix(8)) of credit-risk: exit 0, auc=0.86 loss=0.3 val/acc=0.9"
      ), dry.stdout)
    XCTAssertTrue(
      dry.stdout.contains(
        "(mlflow 51dc31c815764c8f86353c656ae77847) on \(second.prefix(8)) of credit-risk: exit 1, auc=0.61"), dry.stdout
    )
    XCTAssertTrue(
      dry.stdout.contains("skipped 7f3993a49d5b478689b99a3ba4a789ec (notebook): no mlflow.source.git.commit tag"),
      dry.stdout)
    XCTAssertTrue(
      dry.stderr.contains("mlgit: would import 3 runs from \(db); 0 already imported, 1 skipped"), dry.stderr)
    XCTAssertEqual(repo.runLines(first), [], "a dry run records nothing")
    XCTAssertEqual(repo.runLines(second), [])

    let imported = repo.mlgit("import", "mlflow", db)
    XCTAssertEqual(imported.status, 0, imported.output)
    XCTAssertTrue(
      imported.stderr.contains("mlgit: imported 3 runs from \(db); 0 already imported, 1 skipped"), imported.stderr)
    let onFirst = repo.runLines(first)
    XCTAssertEqual(onFirst.count, 2, onFirst.joined(separator: "\n"))
    let good = try XCTUnwrap(onFirst.first { $0.contains(#""run_id":"0ba6ec3e24bd4451aeff65ee0a9bbf4b""#) })
    // The last value of each metric, how many values were logged, params with their types,
    // the times MLflow recorded (start 2026-01-01T00:00:00Z, end 7 s later).
    XCTAssertTrue(good.contains(#""metrics":{"auc":0.86,"loss":0.3,"val/acc":0.9}"#), good)
    XCTAssertTrue(good.contains(#""steps":{"auc":5,"loss":5,"val/acc":1}"#), good)
    XCTAssertTrue(
      good.contains(#""params":{"learning_rate":0.05,"max_depth":6,"optimizer":"adam","seed":42,"use_gpu":false}"#),
      good)
    XCTAssertTrue(
      good.contains(#""started":"2026-01-01T00:00:00Z""#) && good.contains(#""finished":"2026-01-01T00:00:07Z""#), good)
    XCTAssertTrue(
      good.contains(#""model":"credit-risk""#) && good.contains(#""user":"alice@example.com""#)
        && good.contains(#""exit":0"#), good)
    XCTAssertTrue(
      good.contains(#""from":"mlflow""#) && good.contains(#""status":"FINISHED""#)
        && good.contains(#""experiment":"credit""#), good)
    XCTAssertTrue(good.contains(#""command":"make-stores.py""#) && good.contains(#""run_name":"good""#), good)
    // A tag names the model; deleted runs are left out.
    let ranker = try XCTUnwrap(onFirst.first { $0.contains(#""run_id":"b22e71d894474abfae647872c449c662""#) })
    XCTAssertTrue(ranker.contains(#""model":"ranker""#) && ranker.contains(#""experiment":"ranking""#), ranker)
    XCTAssertFalse(onFirst.contains { $0.contains(#""run_name":"deleted""#) }, onFirst.joined(separator: "\n"))
    // The failed run: exit 1 on its own commit; its diverged loss (an infinity, kept by MLflow as
    // the largest double) and NaN gradient norm (kept as 0 with is_nan) are counted, not recorded.
    let failed = try XCTUnwrap(repo.runLines(second).first)
    XCTAssertEqual(repo.runLines(second).count, 1)
    XCTAssertTrue(
      failed.contains(#""exit":1"#) && failed.contains(#""status":"FAILED""#)
        && failed.contains(#""user":"bob@example.com""#), failed)
    XCTAssertTrue(failed.contains(#""metrics":{"auc":0.61}"#), failed)
    XCTAssertTrue(failed.contains(#""steps":{"auc":1,"grad_norm":1,"loss":2}"#), failed)
    XCTAssertTrue(failed.contains(#""params":{"learning_rate":0.5}"#), failed)
    XCTAssertTrue(repo.mlgit("runs").stdout.contains("auc=0.86"))

    // Again, through the tracking URI MLflow is given (sqlite:/// + an absolute path): nothing new.
    let again = repo.mlgit("import", "mlflow", "sqlite:///" + db)
    XCTAssertEqual(again.status, 0, again.output)
    XCTAssertTrue(
      again.stderr.contains("mlgit: imported 0 runs from sqlite:///\(db); 3 already imported, 1 skipped"), again.stderr)
    XCTAssertEqual(repo.runLines(first), onFirst)
    XCTAssertEqual(repo.runLines(second), [failed])
  }

  /// The two stores MLflow wrote from the same runs give the same ledger lines, and a run
  /// imported from one is not imported again from the other.
  func testDatabaseAndFileStoreRecordTheSameLines() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let second = repo.commitFile("notes.txt", "more\n", "second commit")
    let twin = TempRepository.clone(repo.path)
    XCTAssertEqual(twin.revParse("HEAD"), second)

    let fromFiles = repo.mlgit("import", "mlflow", try repo.mlflowFileStore(first: first, second: second))
    XCTAssertEqual(fromFiles.status, 0, fromFiles.output)
    let db = try twin.mlflowDatabase(first: first, second: second)
    let fromDatabase = twin.mlgit("import", "mlflow", db)
    XCTAssertEqual(fromDatabase.status, 0, fromDatabase.output)
    XCTAssertEqual(repo.runLines(first).count, 2)
    XCTAssertEqual(twin.runLines(first), repo.runLines(first))
    XCTAssertEqual(twin.runLines(second), repo.runLines(second))
    XCTAssertEqual(fromDatabase.stdout, fromFiles.stdout, "the same runs listed the same way")

    let crossed = repo.mlgit("import", "mlflow", try repo.mlflowDatabase(first: first, second: second))
    XCTAssertTrue(
      crossed.stderr.contains("imported 0 runs from \(repo.root)/mlflow.db; 3 already imported, 1 skipped"),
      crossed.stderr)
  }

  func testExperimentFilter() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let db = try repo.mlflowDatabase(first: first, second: first)
    let ranking = repo.mlgit("import", "mlflow", db, "--experiment", "ranking", "--dry-run")
    XCTAssertEqual(ranking.status, 0, ranking.output)
    XCTAssertTrue(
      ranking.stderr.contains("would import 1 run from \(db); 0 already imported, 0 skipped"), ranking.stderr)
    XCTAssertTrue(
      ranking.stdout.contains(
        "(mlflow b22e71d894474abfae647872c449c662) on \(first.prefix(8)) of ranker: exit 0, ndcg=0.71"), ranking.stdout)
    XCTAssertEqual(repo.runLines(first), [])

    let credit = repo.mlgit("import", "mlflow", db, "--experiment", "credit")
    XCTAssertEqual(credit.status, 0, credit.output)
    XCTAssertTrue(credit.stderr.contains("imported 2 runs from \(db); 0 already imported, 1 skipped"), credit.stderr)
    XCTAssertFalse(
      repo.runLines(first).contains { $0.contains(#""experiment":"ranking""#) },
      repo.runLines(first).joined(separator: "\n"))

    let unknown = repo.mlgit("import", "mlflow", db, "--experiment", "nope")
    XCTAssertEqual(unknown.status, 2, unknown.output)
    XCTAssertTrue(
      unknown.stderr.contains("no experiment named 'nope' in \(db) (experiments: Default, credit, ranking)"),
      unknown.stderr)
  }

  /// MLflow logging into the store while mlgit reads it: a writer's open transaction does not
  /// stop the import, which reads the last committed state.
  func testReadsWhileAWriterHoldsTheStore() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let db = try repo.mlflowDatabase(first: first, second: first)
    let writer = try SQLiteDatabase(path: db, mode: .readWriteCreate)
    try writer.execute(
      "BEGIN IMMEDIATE; UPDATE metrics SET value = 0.5 WHERE key = 'ndcg'; UPDATE latest_metrics SET value = 0.5 WHERE key = 'ndcg'"
    )
    let result = repo.mlgit("import", "mlflow", db, "--experiment", "ranking")
    try writer.execute("ROLLBACK")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.stdout.contains("exit 0, ndcg=0.71"), result.stdout)
  }

  /// A write stopped before its commit (MLflow killed mid-transaction) leaves a hot journal and
  /// some of its pages in the file. Read around the journal, the file would give rows of a
  /// write that never happened; mlgit refuses it instead, saying how to roll it back.
  func testAStoreWithAnUnfinishedWriteIsRefusedNotReadTorn() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let db = try repo.mlflowDatabase(first: first, second: first)
    let writer = try SQLiteDatabase(path: db, mode: .readWriteCreate)
    // A one-page cache: the write's pages go into the file before the commit, as a large
    // MLflow batch's do.
    try writer.execute("PRAGMA cache_size = 1; BEGIN")
    for step in 0..<200 {
      _ = try writer.rows(
        "INSERT INTO metrics VALUES ('ndcg', 0.1, ?1, 'b22e71d894474abfae647872c449c662', ?1, 0)",
        [.integer(Int64(step))])
    }
    // Copied as a crash would leave them: the file and its journal, with no process holding a lock.
    let crashed = repo.root + "/crashed.db"
    try FileManager.default.copyItem(atPath: db, toPath: crashed)
    try FileManager.default.copyItem(atPath: db + "-journal", toPath: crashed + "-journal")
    try writer.execute("ROLLBACK")

    let result = repo.mlgit("import", "mlflow", crashed)
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "mlgit: \(crashed) has an unfinished write (a hot journal beside it, crashed.db-journal) that only a writer can roll back"
      ), result.stderr)
    XCTAssertTrue(
      result.stderr.contains("hint: open it once with MLflow or sqlite3 (which roll it back), then import again"),
      result.stderr)
    XCTAssertEqual(repo.runLines(first), [])
    XCTAssertTrue(FileManager.default.fileExists(atPath: crashed + "-journal"), "mlgit never writes the store")

    // Rolled back by a writer (as MLflow or sqlite3 would on opening it), it imports.
    _ = try SQLiteDatabase(path: crashed, mode: .readWriteCreate).tableNames()
    let after = repo.mlgit("import", "mlflow", crashed, "--experiment", "ranking")
    XCTAssertEqual(after.status, 0, after.output)
    XCTAssertTrue(after.stdout.contains("exit 0, ndcg=0.71"), after.stdout)
    XCTAssertTrue(repo.runLines(first).first?.contains(#""steps":{"ndcg":1}"#) ?? false, repo.runLines(first).joined())
  }

  /// libsqlite3 is loaded only when an import opens a database (CSQLite): on a machine
  /// where it cannot be loaded (here a private mount namespace puts an empty file where
  /// Debian's library is), the import is a system failure that names the library and its
  /// package, never a crash, and every other command runs as before.
  func testAMachineWithoutSQLiteGetsAClearError() throws {
    #if !os(Linux)
      throw XCTSkip("mount namespaces are Linux's")
    #else
      let library = "/lib/x86_64-linux-gnu/libsqlite3.so.0"
      guard getuid() == 0, FileManager.default.fileExists(atPath: library),
        FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
      else { throw XCTSkip("needs root, unshare and Debian's libsqlite3 at \(library)") }
      let repo = TempRepository()
      let first = repo.commitTrainableModel()
      let db = try repo.mlflowDatabase(first: first, second: first)
      // `unshare --mount` makes the namespace's mounts private: the bind is seen by mlgit alone.
      let hidden = Shell.run(
        "/usr/bin/unshare",
        [
          "--mount", "/bin/sh", "-c", "mount --bind /dev/null \"$1\" && shift && exec \"$@\"", "sh", library,
          Shell.mlgit, "import", "mlflow", db,
        ], in: repo.path, timeout: 60)
      guard !hidden.stderr.contains("mount:"), !hidden.stderr.contains("unshare:") else {
        throw XCTSkip("no mount namespace here: \(hidden.stderr)")
      }
      XCTAssertEqual(hidden.status, 3, hidden.output)
      XCTAssertTrue(
        hidden.stderr.contains(
          "mlgit: cannot read \(db): cannot load SQLite (libsqlite3.so.0, Debian's libsqlite3-0): \(library): file too short"
        ),
        hidden.stderr)
      XCTAssertEqual(repo.runLines(first), [], "nothing imported")
      let status = Shell.run(
        "/usr/bin/unshare",
        [
          "--mount", "/bin/sh", "-c", "mount --bind /dev/null \"$1\" && shift && exec \"$@\"", "sh", library,
          Shell.mlgit, "check", "--all",
        ],
        in: repo.path, timeout: 60)
      XCTAssertEqual(status.status, 0, status.output)
      XCTAssertEqual(repo.mlgit("import", "mlflow", db).status, 0, "with the library back, the same import runs")
    #endif
  }

  func testUnusableFilesAreClearErrors() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()

    repo.write("notes.db", "this is not a database\n")
    let text = repo.mlgit("import", "mlflow", "notes.db")
    XCTAssertEqual(text.status, 2, text.output)
    XCTAssertTrue(
      text.stderr.contains(
        "mlgit: notes.db is neither an MLflow SQLite database (mlflow.db) nor a file store (a folder such as mlruns/)"),
      text.stderr)

    let missing = repo.mlgit("import", "mlflow", "sqlite:///nowhere.db")
    XCTAssertEqual(missing.status, 2, missing.output)
    XCTAssertTrue(missing.stderr.contains("mlgit: sqlite:///nowhere.db does not exist"), missing.stderr)

    // An SQLite database of something else: named by the table it lacks.
    let other = try SQLiteDatabase(path: repo.root + "/other.db", mode: .readWriteCreate)
    try other.execute("CREATE TABLE songs (title TEXT, seconds INTEGER); INSERT INTO songs VALUES ('a', 1)")
    let foreign = repo.mlgit("import", "mlflow", repo.root + "/other.db")
    XCTAssertEqual(foreign.status, 2, foreign.output)
    XCTAssertTrue(
      foreign.stderr.contains(
        "mlgit: \(repo.root)/other.db is an SQLite database but not an MLflow tracking store: it has no table 'experiments'"
      ), foreign.stderr)

    // Tables of the right names, a column missing.
    let partial = try SQLiteDatabase(path: repo.root + "/partial.db", mode: .readWriteCreate)
    try partial.execute(
      "CREATE TABLE experiments (experiment_id INTEGER, name TEXT); CREATE TABLE runs (run_uuid TEXT, experiment_id INTEGER)"
    )
    let noColumn = repo.mlgit("import", "mlflow", repo.root + "/partial.db")
    XCTAssertEqual(noColumn.status, 2, noColumn.output)
    XCTAssertTrue(
      noColumn.stderr.contains("is not an MLflow tracking store: its table 'runs' has no column 'status'"),
      noColumn.stderr)

    // MLflow's database cut short at several points: an error naming the damage, never a crash
    // and never a partial import.
    let whole = try Data(contentsOf: URL(fileURLWithPath: try repo.mlflowDatabase(first: first, second: first)))
    for size in [50, 4096, 40_000, whole.count / 2, whole.count - 4096] {
      let path = repo.root + "/cut-\(size).db"
      try whole.prefix(size).write(to: URL(fileURLWithPath: path))
      let cut = repo.mlgit("import", "mlflow", path)
      XCTAssertEqual(cut.status, 2, "\(size) bytes: \(cut.output)")
      XCTAssertTrue(
        cut.stderr.contains("mlgit: \(path) cannot be read as an MLflow SQLite store: database disk image is malformed")
          || cut.stderr.contains("mlgit: \(path) is neither an MLflow SQLite database"), "\(size) bytes: \(cut.stderr)")
      XCTAssertEqual(repo.runLines(first), [], "\(size) bytes")
    }
  }
}
