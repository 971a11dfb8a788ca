import FoundationEssentials
import SQLiteKit

/// Reads MLflow's SQLite tracking store (`mlflow.db`, what `sqlite:///mlflow.db` names), the
/// tables its SQLAlchemy store writes: `experiments`, `runs`, `params`, `tags`, `metrics` (every
/// logged value) and `latest_metrics` (MLflow's own choice of each metric's latest value).
/// Deleted experiments and runs (`lifecycle_stage = 'deleted'`) are left out.
///
/// The file is opened read-only (`SQLITE_OPEN_READONLY`, `mode=ro`) and read in one read
/// transaction, so runs and their metrics come from one committed state of the store even
/// while MLflow logs to it; an MLflow commit waits for that read (SQLite's shared lock).
/// `immutable=1` (no locks) is not used: it reads whatever pages are in the file, including
/// those of a write in progress or one stopped before its commit.
enum MLflowSQLiteStore {
  /// The columns mlgit needs; a table without one of them is not an MLflow store.
  static let requiredColumns: [(table: String, columns: [String])] = [
    ("experiments", ["experiment_id", "name"]),
    ("runs", ["run_uuid", "experiment_id", "status"]),
    ("params", ["key", "value", "run_uuid"]),
    ("tags", ["key", "value", "run_uuid"]),
    ("metrics", ["key", "value", "timestamp", "run_uuid"]),
  ]

  static func runs(in path: String, shownAs label: String, experiment wanted: String?) throws -> [MLflowRun] {
    do {
      let database = try SQLiteDatabase(path: path, mode: .readOnly)
      try database.execute("BEGIN")
      defer { try? database.execute("COMMIT") }
      return try read(database, label: label, experiment: wanted)
    } catch let error as SQLiteError {
      if error.isUnfinishedWrite {
        // Not read around with immutable=1: the file then holds the stopped write's pages,
        // and what it gives is neither the state before nor after that write.
        throw CommandFailure.usage(
          "mlgit: \(label) has an unfinished write (a hot journal beside it, \(PathText.lastComponent(path))-journal) that only a writer can roll back: \(error)\n  hint: open it once with MLflow or sqlite3 (which roll it back), then import again"
        )
      }
      if error.isMalformedDatabase {
        throw CommandFailure.usage(
          "mlgit: \(label) cannot be read as an MLflow SQLite store: \(error)\n  hint: the file is damaged or not a database; give MLflow's mlflow.db or an mlruns/ folder"
        )
      }
      throw CommandFailure.system("mlgit: cannot read \(label): \(error)")
    }
  }

  static func read(_ db: SQLiteDatabase, label: String, experiment wanted: String?) throws -> [MLflowRun] {
    let tables = try db.tableNames()
    var columns: [String: Set<String>] = [:]
    for (table, needed) in requiredColumns {
      guard tables.contains(table) else {
        throw CommandFailure.usage(
          "mlgit: \(label) is an SQLite database but not an MLflow tracking store: it has no table '\(table)'\n  hint: give the mlflow.db MLflow writes with MLFLOW_TRACKING_URI=sqlite:///mlflow.db"
        )
      }
      let present = try db.columnNames(of: table)
      if let missing = needed.first(where: { !present.contains($0) }) {
        throw CommandFailure.usage(
          "mlgit: \(label) is not an MLflow tracking store: its table '\(table)' has no column '\(missing)'")
      }
      columns[table] = present
    }
    // Columns older MLflow schemas lack: NULL stands in (run names were only a tag, metric
    // steps and NaN flags came later, latest_metrics later still).
    func column(_ table: String, _ name: String) -> String {
      columns[table]?.contains(name) == true ? "\"\(name)\"" : "NULL"
    }

    var experimentNames: [Int64: String] = [:]
    var names: [String] = []
    var deletedExperiments: Set<Int64> = []
    for row in try db.rows("SELECT experiment_id, name, \(column("experiments", "lifecycle_stage")) FROM experiments") {
      guard let id = row[0].integer, let name = row[1].text else { continue }
      names.append(name)
      experimentNames[id] = name
      if row[2].text == "deleted" { deletedExperiments.insert(id) }
    }
    if let wanted, !names.contains(wanted) {
      throw CommandFailure.usage(
        "mlgit: no experiment named '\(wanted)' in \(label) (experiments: \(names.sorted().joined(separator: ", ")))")
    }

    var runs: [String: MLflowRun] = [:]
    var order: [String] = []
    let runRows = try db.rows(
      """
      SELECT run_uuid, \(column("runs", "name")), experiment_id, status, \(column("runs", "start_time")),
             \(column("runs", "end_time")), \(column("runs", "user_id")), \(column("runs", "lifecycle_stage"))
      FROM runs ORDER BY run_uuid
      """)
    for row in runRows {
      guard let runID = row[0].text, let experimentID = row[2].integer,
        let experiment = experimentNames[experimentID]
      else { continue }
      if row[7].text == "deleted" || deletedExperiments.contains(experimentID) { continue }
      if let wanted, wanted != experiment { continue }
      func time(_ value: SQLiteValue) -> Int64? {
        guard let millis = value.integer, millis > 0, millis < 1_000_000_000_000_000 else { return nil }
        return millis
      }
      runs[runID] = MLflowRun(
        runID: runID, name: row[1].text ?? "", experiment: experiment, status: row[3].text ?? "UNKNOWN",
        startTime: time(row[4]), endTime: time(row[5]), user: row[6].text ?? "",
        params: [:], tags: [:], metrics: [:])
      order.append(runID)
    }
    guard !runs.isEmpty else { return [] }

    // Rows of the kept runs only; with --experiment, SQLite leaves the others unread.
    var filter = ""
    var parameters: [SQLiteValue] = []
    if let wanted {
      let ids = experimentNames.filter { $0.value == wanted }.keys.sorted()
      filter =
        " WHERE run_uuid IN (SELECT run_uuid FROM runs WHERE experiment_id IN (\(ids.indices.map { "?\($0 + 1)" }.joined(separator: ", "))))"
      parameters = ids.map { .integer($0) }
    }
    try db.forEachRow("SELECT run_uuid, key, value FROM params" + filter, parameters) { row in
      guard let runID = row.value(at: 0).text, runs[runID] != nil, let key = row.value(at: 1).text else { return }
      runs[runID]?.params[key] = row.value(at: 2).text ?? ""
    }
    try db.forEachRow("SELECT run_uuid, key, value FROM tags" + filter, parameters) { row in
      guard let runID = row.value(at: 0).text, runs[runID] != nil, let key = row.value(at: 1).text else { return }
      runs[runID]?.tags[key] = row.value(at: 2).text ?? ""
    }
    // Every logged value, in table order: the record needs the count and MLflow's latest,
    // not the order, and a sort of a large history would cost more than the read.
    try db.forEachRow(
      """
      SELECT run_uuid, key, value, timestamp, \(column("metrics", "step")), \(column("metrics", "is_nan"))
      FROM metrics\(filter)
      """, parameters
    ) { row in
      guard let runID = row.value(at: 0).text, runs[runID] != nil, let key = row.value(at: 1).text,
        let value = metricValue(row.value(at: 2), row.value(at: 3), row.value(at: 4), row.value(at: 5))
      else { return }
      runs[runID]?.metrics[key, default: []].append(value)
    }
    let latestColumns = tables.contains("latest_metrics") ? try db.columnNames(of: "latest_metrics") : []
    if ["run_uuid", "key", "value", "timestamp", "step"].allSatisfy(latestColumns.contains) {
      let nan = latestColumns.contains("is_nan") ? "is_nan" : "NULL"
      try db.forEachRow("SELECT run_uuid, key, value, timestamp, step, \(nan) FROM latest_metrics" + filter, parameters)
      { row in
        guard let runID = row.value(at: 0).text, runs[runID] != nil, let key = row.value(at: 1).text,
          let value = metricValue(row.value(at: 2), row.value(at: 3), row.value(at: 4), row.value(at: 5))
        else { return }
        runs[runID]?.latest[key] = value
      }
    }
    for (runID, run) in runs {
      // Run names before MLflow 1.29 lived only in the mlflow.runName tag; the user likewise.
      if run.name.isEmpty, let name = run.tags["mlflow.runName"] { runs[runID]?.name = name }
      if let user = run.tags["mlflow.user"] { runs[runID]?.user = user }
    }
    return order.compactMap { runs[$0] }
  }

  /// One metric row. MLflow's SQL store keeps NaN as 0 with `is_nan` set, and an infinity as
  /// the largest double with its sign (it has no column type for them): both are turned back,
  /// so the import treats them as it does the file store's `nan` and `inf`.
  static func metricValue(_ value: SQLiteValue, _ timestamp: SQLiteValue, _ step: SQLiteValue, _ isNaN: SQLiteValue)
    -> MLflowMetricValue?
  {
    guard var number = value.real else { return nil }
    if isNaN.integer == 1 {
      number = .nan
    } else if abs(number) == .greatestFiniteMagnitude {
      number = number > 0 ? .infinity : -.infinity
    }
    return MLflowMetricValue(timestamp: timestamp.integer ?? 0, value: number, step: step.integer ?? 0)
  }
}
