import FoundationEssentials
import MLSpec

/// One run as an MLflow tracking store holds it.
struct MLflowRun {
  var runID: String
  var name: String
  var experiment: String
  /// MLflow's status name: FINISHED, FAILED, KILLED, RUNNING, SCHEDULED.
  var status: String
  /// Milliseconds since 1970; nil when not recorded (a run still going has no end).
  var startTime: Int64?
  var endTime: Int64?
  var user: String
  var params: [String: String]
  var tags: [String: String]
  /// Every logged value of each metric, in the order the store lists them.
  var metrics: [String: [MLflowMetricValue]]
  /// Each metric's latest value as the store itself recorded it (the SQLite store's
  /// `latest_metrics`); empty where the store keeps none (the file store).
  var latest: [String: MLflowMetricValue] = [:]
}

struct MLflowMetricValue {
  var timestamp: Int64
  var value: Double
  var step: Int64
}
