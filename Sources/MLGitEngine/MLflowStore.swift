import FoundationEssentials
import GitKit
import SQLiteKit

/// Where an MLflow tracking store is, and which kind it is: both kinds give the same
/// `MLflowRun` values, which one import path records.
enum MLflowStore {
  /// An SQLite database (MLflow's default backend, `mlflow.db`).
  case sqlite(path: String, label: String)
  /// A file store: the `mlruns/` folder.
  case fileStore(path: String, label: String)

  /// The store `argument` names: a folder is a file store, a file starting with SQLite's
  /// header an SQLite store. MLflow's tracking URIs are read too: `sqlite:///rel.db`,
  /// `sqlite:////abs.db` (SQLAlchemy's form: the path follows the third slash) and
  /// `file:./mlruns` or `file:///abs/mlruns`.
  static func locate(_ argument: String) throws -> MLflowStore {
    var given = argument
    if argument.hasPrefix("sqlite:") {
      guard argument.hasPrefix("sqlite:///"), argument.count > "sqlite:///".count else {
        throw CommandFailure.usage(
          "mlgit: \(argument) is not an SQLite tracking URI MLflow writes\n  hint: use sqlite:///mlflow.db (a relative path) or sqlite:////abs/path/mlflow.db, or give the file's path"
        )
      }
      given = String(argument.dropFirst("sqlite:///".count))
      if let query = given.firstIndex(of: "?") { given = String(given[..<query]) }
    } else if argument.hasPrefix("file://") {
      given = String(argument.dropFirst("file://".count))
    } else if argument.hasPrefix("file:") {
      given = String(argument.dropFirst("file:".count))
    }
    let path = absolutePath(given, relativeTo: FileManager.default.currentDirectoryPath)
    var isFolder: Bool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw CommandFailure.usage("mlgit: \(argument) does not exist")
    }
    if isFolder { return .fileStore(path: path, label: argument) }
    guard let file = OpenFile(forReadingAtPath: path) else {
      throw CommandFailure.system("mlgit: cannot open \(argument)")
    }
    let header = file.readPrefix(16)
    guard SQLiteDatabase.hasHeader(header) else {
      throw CommandFailure.usage(
        "mlgit: \(argument) is neither an MLflow SQLite database (mlflow.db) nor a file store (a folder such as mlruns/)\n  hint: give the file MLFLOW_TRACKING_URI=sqlite:///mlflow.db names, or the mlruns/ folder"
      )
    }
    return .sqlite(path: path, label: argument)
  }

  func runs(experiment: String?) throws -> [MLflowRun] {
    let runs: [MLflowRun]
    switch self {
    case .sqlite(let path, let label):
      runs = try MLflowSQLiteStore.runs(in: path, shownAs: label, experiment: experiment)
    case .fileStore(let path, let label):
      runs = try MLflowFileStore.runs(in: path, shownAs: label, experiment: experiment)
    }
    // In the order they started (then by id), whichever store and whatever its folder or
    // table order: both kinds list the same runs the same way.
    return runs.sorted { ($0.startTime ?? 0, $0.runID) < ($1.startTime ?? 0, $1.runID) }
  }
}
