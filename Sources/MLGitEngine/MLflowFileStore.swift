import FoundationEssentials
import MLSpec

/// Reads MLflow's file store (`mlruns/`, written with `MLFLOW_ALLOW_FILE_STORE=true` or by
/// MLflow before 3): `<experiment id>/meta.yaml`, and per run `<run id>/meta.yaml`,
/// `params/<name>`, `tags/<name>` (the value as text) and `metrics/<name>` (lines of
/// `timestamp value step`). Names may hold `/`, so those folders are walked. Deleted
/// experiments and runs (`lifecycle_stage: deleted`, or under `.trash/`) are left out.
enum MLflowFileStore {
  /// MLflow's `RunStatus` numbers, as the file store writes them.
  static let statusNames = [1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"]

  static func runs(in root: String, shownAs label: String, experiment wanted: String?) throws -> [MLflowRun] {
    let fm = FileManager.default
    guard let entries = try? fm.contentsOfDirectory(atPath: root) else {
      throw CommandFailure.usage("mlgit: \(label) is not an MLflow file store (cannot list it)")
    }
    var runs: [MLflowRun] = []
    var experimentsSeen = 0
    var names: [String] = []
    for entry in entries.sorted() where !entry.hasPrefix(".") {
      let folder = root + "/" + entry
      guard let meta = try readMeta(folder + "/meta.yaml"), meta["experiment_id"] != nil else { continue }
      experimentsSeen += 1
      let name = meta["name"]?.scalarText ?? entry
      names.append(name)
      if meta["lifecycle_stage"]?.scalarText == "deleted" { continue }
      if let wanted, wanted != name { continue }
      for runFolder in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
        let path = folder + "/" + runFolder
        guard let runMeta = try readMeta(path + "/meta.yaml") else { continue }
        if runMeta["lifecycle_stage"]?.scalarText == "deleted" { continue }
        let runID = runMeta["run_id"]?.scalarText ?? runMeta["run_uuid"]?.scalarText ?? runFolder
        let statusNumber = runMeta["status"]?.number.map { Int($0) }
        let status = statusNumber.flatMap { statusNames[$0] } ?? runMeta["status"]?.scalarText ?? "UNKNOWN"
        func time(_ key: String) -> Int64? {
          guard let number = runMeta[key]?.number, number.isFinite, number > 0, number < 1e15 else { return nil }
          return Int64(number)
        }
        let tags = try texts(in: path + "/tags")
        var metrics: [String: [MLflowMetricValue]] = [:]
        for (metric, text) in try texts(in: path + "/metrics") {
          metrics[metric] = text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let timestamp = Int64(parts[0]), let value = Double(parts[1]) else { return nil }
            return MLflowMetricValue(
              timestamp: timestamp, value: value, step: parts.count > 2 ? Int64(parts[2]) ?? 0 : 0)
          }
        }
        runs.append(
          MLflowRun(
            runID: runID, name: runMeta["run_name"]?.scalarText ?? tags["mlflow.runName"] ?? "", experiment: name,
            status: status, startTime: time("start_time"), endTime: time("end_time"),
            user: tags["mlflow.user"] ?? runMeta["user_id"]?.scalarText ?? "",
            params: try texts(in: path + "/params"), tags: tags, metrics: metrics))
      }
    }
    if experimentsSeen == 0 {
      throw CommandFailure.usage(
        "mlgit: \(label) is not an MLflow file store: no <experiment>/meta.yaml in it\n  hint: give the mlruns/ folder MLflow wrote"
      )
    }
    if let wanted, !names.contains(wanted) {
      throw CommandFailure.usage(
        "mlgit: no experiment named '\(wanted)' in \(label) (experiments: \(names.sorted().joined(separator: ", ")))")
    }
    return runs
  }

  /// A meta.yaml as a mapping; nil when the file is absent.
  static func readMeta(_ path: String) throws -> Node? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
      let node = try Document.parse(data)
      return node.pairs == nil ? nil : node
    } catch let error as DocumentError {
      throw CommandFailure.usage("\(path):\(error.location.line):\(error.location.column): error: \(error.message)")
    }
  }

  /// The files under `folder` (recursively: names may hold `/`) by relative name -> text.
  static func texts(in folder: String) throws -> [String: String] {
    let fm = FileManager.default
    var result: [String: String] = [:]
    for relative in (try? fm.subpathsOfDirectory(atPath: folder)) ?? [] {
      var isFolder: Bool = false
      let path = folder + "/" + relative
      guard fm.fileExists(atPath: path, isDirectory: &isFolder), !isFolder,
        let data = fm.contents(atPath: path)
      else { continue }
      result[relative] = String(decoding: data, as: UTF8.self)
    }
    return result
  }
}
