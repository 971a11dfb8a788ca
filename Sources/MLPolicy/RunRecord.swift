import FoundationEssentials
import MLGitErrors
import MLSpec

/// One training run, as recorded in `refs/notes/mlgit/runs` on the commit it ran
/// from: one canonical JSON line (PRODUCT.md, "Notes").
public struct RunRecord: Sendable, Equatable {
  public static let schema = "mlgit.run/1"

  public var id: String
  /// The commit (40 hex) the run ran from.
  public var commit: String
  /// The model's name (the spec's `name`), empty when the run names no spec.
  public var model: String
  /// ISO-8601 UTC times, e.g. `2026-01-31T12:00:00Z`.
  public var started: String
  public var finished: String
  public var user: String
  public var host: String
  public var command: String
  public var exit: Int
  /// The spec's hyperparameters (or a parameters file) at run time.
  public var params: JSONValue
  /// Finite numbers only.
  public var metrics: [String: Double]
  /// Declared data file path -> sha256 of its content at run time.
  public var data: [String: String]
  public var dirty: Bool
  /// The signal (`SIGINT`, `SIGTERM`, `SIGHUP`) that interrupted the run: `mlgit run`
  /// received it, forwarded it to the command's process group and waited for the command
  /// to end. nil (no `interrupted` key in the line) for a run that ended by itself.
  public var interrupted: String?
  /// Where an imported run came from (`mlgit import mlflow`): `{"from": "mlflow", "run_id": …,
  /// "experiment": …, "status": …, "steps": {metric: values logged}}`; nil (no `imported` key)
  /// for a run mlgit recorded itself.
  public var imported: JSONValue?
  /// What the command used (`mlgit run` measures it; docs/runs.md, "Resource usage"); nil
  /// (no `resources` key) for a run recorded elsewhere, or recorded before mlgit measured.
  public var resources: RunResources?
  /// The spec's `version` when the run was recorded; nil (no `version` key) when the run
  /// names no spec, or was recorded before mlgit kept it. The rules that compare a version
  /// with the previous one (`runs/budget`) and judge its newest run (`runs/stale`) read it.
  public var version: String?

  public init(
    id: String, commit: String, model: String, started: String, finished: String, user: String,
    host: String, command: String, exit: Int, params: JSONValue = .object([:]),
    metrics: [String: Double] = [:], data: [String: String] = [:], dirty: Bool = false,
    interrupted: String? = nil, imported: JSONValue? = nil, resources: RunResources? = nil,
    version: String? = nil
  ) {
    self.id = id
    self.commit = commit
    self.model = model
    self.started = started
    self.finished = finished
    self.user = user
    self.host = host
    self.command = command
    self.exit = exit
    self.params = params
    self.metrics = metrics
    self.data = data
    self.dirty = dirty
    self.interrupted = interrupted
    self.imported = imported
    self.resources = resources
    self.version = version
  }

  /// The record as a JSON value.
  public var json: JSONValue {
    var fields: [String: JSONValue] = [
      "schema": .string(RunRecord.schema), "id": .string(id), "commit": .string(commit), "model": .string(model),
      "started": .string(started), "finished": .string(finished), "user": .string(user), "host": .string(host),
      "command": .string(command), "exit": .int(exit), "params": params,
      "metrics": .object(metrics.mapValues(JSONValue.double)),
      "data": .object(data.mapValues(JSONValue.string)), "dirty": .bool(dirty),
    ]
    if let interrupted { fields["interrupted"] = .string(interrupted) }
    if let imported { fields["imported"] = imported }
    if let resources { fields["resources"] = resources.json }
    if let version { fields["version"] = .string(version) }
    return .object(fields)
  }

  /// The ledger line: canonical JSON, one line.
  public var line: String { json.canonical }

  /// True when the run finished with status 0.
  public var succeeded: Bool { exit == 0 }

  /// Parses a ledger line; lines of other schemas or malformed lines throw.
  public static func parse(_ line: String) throws -> RunRecord {
    var copy = line
    return try copy.withUTF8 { try parse(utf8: UnsafeRawBufferPointer($0)) }
  }

  /// Parses a ledger line from its UTF-8 bytes, field by field as the reader meets them
  /// (only `params` is built as a JSON value). A key given twice counts by its last
  /// value, as in a parsed object.
  public static func parse(utf8 line: UnsafeRawBufferPointer) throws -> RunRecord {
    var run = RunRecord(
      id: "", commit: "", model: "", started: "", finished: "", user: "", host: "", command: "", exit: -1)
    var isRun = false
    var exit: JSONValue?
    do {
      var cursor = JSONCursor(line)
      guard try cursor.enterObject() else {
        try cursor.end()
        throw RunRecordError("not an \(schema) record")
      }
      while let key = try cursor.nextKey() {
        // By length first: the names are plain ASCII, so equal text has equal length.
        switch key.utf8Count {
        case 2 where key == "id": run.id = try cursor.string() ?? ""
        case 4 where key == "exit": exit = try cursor.value()
        case 4 where key == "host": run.host = try cursor.string() ?? ""
        case 4 where key == "user": run.user = try cursor.string() ?? ""
        case 4 where key == "data":
          run.data = [:]
          if try cursor.enterObject() {
            while let name = try cursor.nextKey() { run.data[name.string] = try cursor.string() }
          }
        case 5 where key == "model": run.model = try cursor.string() ?? ""
        case 5 where key == "dirty":
          if case .bool(let flag) = try cursor.value() { run.dirty = flag } else { run.dirty = false }
        case 6 where key == "schema": isRun = try cursor.string() == schema
        case 6 where key == "commit": run.commit = try cursor.string() ?? ""
        case 6 where key == "params": run.params = try cursor.value()
        case 7 where key == "started": run.started = try cursor.string() ?? ""
        case 7 where key == "command": run.command = try cursor.string() ?? ""
        case 7 where key == "version": run.version = try cursor.string()
        case 9 where key == "resources": run.resources = RunResources(try cursor.value())
        case 7 where key == "metrics":
          run.metrics = [:]
          if try cursor.enterObject() {
            while let name = try cursor.nextKey() {
              let number = try cursor.value().doubleValue
              run.metrics[name.string] = number.flatMap { $0.isFinite ? $0 : nil }
            }
          }
        case 8 where key == "finished": run.finished = try cursor.string() ?? ""
        case 8 where key == "imported": run.imported = try cursor.value()
        case 11 where key == "interrupted": run.interrupted = try cursor.string()
        default: break
        }
      }
      try cursor.end()
    } catch let error as RunRecordError {
      throw error
    } catch {
      throw RunRecordError("not JSON: \(String(decoding: line, as: UTF8.self).prefix(80))")
    }
    guard isRun else { throw RunRecordError("not an \(schema) record") }
    guard !run.id.isEmpty else { throw RunRecordError("run record without an id") }
    run.exit = RunListings.exitCode(exit)
    return run
  }

  /// The same record read through `JSONValue.parse` (the reference the tests compare with).
  static func parseViaValue(_ line: String) throws -> RunRecord {
    let value: JSONValue
    do {
      value = try JSONValue.parse(line)
    } catch {
      throw RunRecordError("not JSON: \(line.prefix(80))")
    }
    guard value["schema"]?.stringValue == schema else { throw RunRecordError("not an \(schema) record") }
    func text(_ key: String) -> String { value[key]?.stringValue ?? "" }
    guard let id = value["id"]?.stringValue, !id.isEmpty else { throw RunRecordError("run record without an id") }
    var metrics: [String: Double] = [:]
    for (key, metric) in value["metrics"]?.objectValue ?? [:] {
      if let number = metric.doubleValue, number.isFinite { metrics[key] = number }
    }
    var dirty = false
    if case .bool(let flag)? = value["dirty"] { dirty = flag }
    return RunRecord(
      id: id, commit: text("commit"), model: text("model"), started: text("started"), finished: text("finished"),
      user: text("user"), host: text("host"), command: text("command"), exit: RunListings.exitCode(value["exit"]),
      params: value["params"] ?? .object([:]), metrics: metrics,
      data: (value["data"]?.objectValue ?? [:]).compactMapValues(\.stringValue), dirty: dirty,
      interrupted: value["interrupted"]?.stringValue, imported: value["imported"],
      resources: RunResources(value["resources"]), version: value["version"]?.stringValue)
  }

  /// The run records of a note, skipping lines that are not runs (a ledger is shared text).
  public static func records(inNote lines: [String]) -> [RunRecord] {
    lines.compactMap { try? parse($0) }
  }

  /// Reads a JSON metrics file a training command wrote (`MetricsFile` says what is kept).
  public static func metrics(fromJSON data: Data, file: String) throws -> [String: Double] {
    try MetricsFile.read(data, file: file, format: .json).metrics
  }

  static func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "a boolean"
    case .string(let s): return "the string \"\(s.prefix(20))\""
    case .array: return "a list"
    case .object: return "an object"
    case .int, .bigInt, .double: return "a number"
    }
  }

  /// A new run id: 12 hex characters, 6 from the time (milliseconds, wrapping every
  /// 4.6 hours) and 6 random, so concurrent writers do not collide.
  public static func newID(now: Date = Date()) -> String {
    let millis = UInt64(now.timeIntervalSince1970 * 1000) & 0xFF_FFFF
    let random = UInt64.random(in: 0..<(1 << 24))
    return CFormat.hex(millis, width: 6) + CFormat.hex(random, width: 6)
  }
}

/// A run record or metrics file that cannot be used (exit 2).
public struct RunRecordError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// How a run measures against a spec's `validation.metrics` bounds.
public struct MetricCheck: Sendable, Equatable {
  public var bound: MetricBound
  /// The run's value; nil when the run did not report the metric.
  public var value: Double?
  public var passed: Bool {
    guard let value else { return false }
    if let min = bound.min, value < min { return false }
    if let max = bound.max, value > max { return false }
    return true
  }

  /// `auc 0.71 < min 0.78`, `logloss missing`.
  public var explanation: String {
    guard let value else { return "\(bound.metric) was not reported" }
    if let min = bound.min, value < min {
      return "\(bound.metric) \(NumberText.string(value)) < min \(NumberText.string(min))"
    }
    if let max = bound.max, value > max {
      return "\(bound.metric) \(NumberText.string(value)) > max \(NumberText.string(max))"
    }
    return "\(bound.metric) \(NumberText.string(value)) ok"
  }

  /// Each bound checked against one run.
  public static func check(_ run: RunRecord, against bounds: [MetricBound]) -> [MetricCheck] {
    bounds.map { MetricCheck(bound: $0, value: run.metrics[$0.metric]) }
  }

  /// The best run against the bounds: most bounds met, then the latest to finish.
  public static func best(of runs: [RunRecord], against bounds: [MetricBound]) -> (
    run: RunRecord, checks: [MetricCheck]
  )? {
    runs.map { ($0, check($0, against: bounds)) }
      .max { a, b in
        let (pa, pb) = (a.1.filter(\.passed).count, b.1.filter(\.passed).count)
        return pa != pb ? pa < pb : (a.0.finished, a.0.id) < (b.0.finished, b.0.id)
      }
  }
}
