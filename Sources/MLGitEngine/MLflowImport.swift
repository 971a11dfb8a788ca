import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// How an MLflow run becomes a run record.
enum MLflowImport {
  /// The record: its id is derived from the MLflow run id, so importing the same run again
  /// writes the same line (which the ledger keeps once).
  static func record(_ run: MLflowRun, commit: OID, model: String) -> RunRecord {
    var metrics: [String: Double] = [:]
    var steps: [String: JSONValue] = [:]
    for name in Set(run.metrics.keys).union(run.latest.keys) {
      let values = run.metrics[name] ?? []
      guard let last = run.latest[name] ?? values.max(by: { latestOrder($0) < latestOrder($1) }) else { continue }
      steps[name] = .int(max(values.count, 1))
      if last.value.isFinite { metrics[name] = last.value }
    }
    var imported: [String: JSONValue] = [
      "from": .string("mlflow"), "run_id": .string(run.runID), "experiment": .string(run.experiment),
      "status": .string(run.status), "steps": .object(steps),
    ]
    if !run.name.isEmpty { imported["run_name"] = .string(run.name) }
    let exit: Int
    switch run.status {
    case "FINISHED": exit = 0
    case "KILLED": exit = 143
    default: exit = 1
    }
    func time(_ millis: Int64?) -> String {
      millis.map { UTCTimestamp.string(Date(timeIntervalSince1970: Double($0) / 1000)) } ?? ""
    }
    return RunRecord(
      id: String(SHA256Digest.hex("mlflow:" + run.runID).prefix(12)), commit: commit.hex, model: model,
      started: time(run.startTime), finished: time(run.endTime ?? run.startTime), user: run.user, host: "",
      command: run.tags["mlflow.source.name"] ?? "", exit: exit,
      params: .object(run.params.mapValues(typed)), metrics: metrics, imported: .object(imported))
  }

  /// MLflow's rule for a metric's latest value (what its UI shows and its SQL store keeps in
  /// `latest_metrics`): the highest step, then the latest timestamp, then the largest value,
  /// NaN counting as 0 as the SQL store keeps it.
  static func latestOrder(_ value: MLflowMetricValue) -> (Int64, Int64, Double) {
    (value.step, value.timestamp, value.value.isNaN ? 0 : value.value)
  }

  /// MLflow keeps every param as text; numbers and booleans get their type back so they
  /// compare with the spec's hyperparameters (`"0.05"` is 0.05, `"True"` is true).
  static func typed(_ text: String) -> JSONValue {
    if let int = Int(text) { return .int(int) }
    if let double = Double(text), double.isFinite, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
      return .double(double)
    }
    switch text {
    case "True", "true": return .bool(true)
    case "False", "false": return .bool(false)
    default: return .string(text)
    }
  }
}
