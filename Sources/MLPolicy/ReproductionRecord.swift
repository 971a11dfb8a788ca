import FoundationEssentials
import MLSpec

/// The verdict of `mlgit reproduce`, recorded in `refs/notes/mlgit/runs` on the commit
/// of the run it reproduced, beside that run: one canonical JSON line (docs/runs.md,
/// "Reproductions").
///
///     {"schema":"mlgit.reproduction/1","id":…,"run":…,"commit":…,"model":…,"reproduced":true,
///      "tolerance":0.001,"user":…,"host":…,"at":…,"exit":0,
///      "metrics":{"auc":{"recorded":0.81,"reproduced":0.8104,"difference":0.0004}}}
public struct ReproductionRecord: Sendable, Equatable {
  public static let schema = "mlgit.reproduction/1"

  /// One metric compared: the run's value, the reproduction's, and their absolute difference
  /// (nil where one side has no value).
  public struct MetricComparison: Sendable, Equatable {
    public var recorded: Double?
    public var reproduced: Double?
    public var difference: Double? {
      guard let recorded, let reproduced else { return nil }
      return abs(reproduced - recorded)
    }

    public init(recorded: Double?, reproduced: Double?) {
      self.recorded = recorded
      self.reproduced = reproduced
    }
  }

  public var id: String
  /// The reproduced run's id.
  public var run: String
  /// The reproduced run's commit (40 hex): the note the record is in.
  public var commit: String
  public var model: String
  /// True when every recorded metric came back within `tolerance` and the exit status matched.
  public var reproduced: Bool
  /// The largest absolute difference accepted per metric.
  public var tolerance: Double
  public var user: String
  public var host: String
  /// When the verdict was reached (ISO-8601 UTC).
  public var at: String
  /// The reproduction's exit status.
  public var exit: Int
  public var metrics: [String: MetricComparison]
  /// Why it did not reproduce besides the metrics (no metrics file written, say).
  public var problem: String?
  /// What the reproduction used (`RunResources`).
  public var resources: RunResources?

  public init(
    id: String, run: String, commit: String, model: String, reproduced: Bool, tolerance: Double,
    user: String, host: String, at: String, exit: Int, metrics: [String: MetricComparison] = [:],
    problem: String? = nil, resources: RunResources? = nil
  ) {
    self.id = id
    self.run = run
    self.commit = commit
    self.model = model
    self.reproduced = reproduced
    self.tolerance = tolerance
    self.user = user
    self.host = host
    self.at = at
    self.exit = exit
    self.metrics = metrics
    self.problem = problem
    self.resources = resources
  }

  public var json: JSONValue {
    var fields: [String: JSONValue] = [
      "schema": .string(ReproductionRecord.schema), "id": .string(id), "run": .string(run), "commit": .string(commit),
      "model": .string(model), "reproduced": .bool(reproduced), "tolerance": .double(tolerance), "user": .string(user),
      "host": .string(host), "at": .string(at), "exit": .int(exit),
      "metrics": .object(
        metrics.mapValues { comparison in
          var sides: [String: JSONValue] = [:]
          if let recorded = comparison.recorded { sides["recorded"] = .double(recorded) }
          if let reproduced = comparison.reproduced { sides["reproduced"] = .double(reproduced) }
          if let difference = comparison.difference { sides["difference"] = .double(difference) }
          return .object(sides)
        }),
    ]
    if let problem { fields["problem"] = .string(problem) }
    if let resources { fields["resources"] = resources.json }
    return .object(fields)
  }

  /// The ledger line: canonical JSON, one line.
  public var line: String { json.canonical }

  /// True for a line that claims to be a reproduction (whether or not it is a valid one):
  /// a cheap test before parsing, as runs ledgers hold mostly run records.
  public static func claims(_ line: String) -> Bool { line.contains("\"\(schema)\"") }

  /// Parses a ledger line; lines of other schemas, and reproductions missing a field the
  /// rules read (id, run, commit, reproduced, tolerance, at), throw.
  public static func parse(_ line: String) throws -> ReproductionRecord {
    let value: JSONValue
    do {
      value = try JSONValue.parse(line)
    } catch {
      throw RunRecordError("not JSON")
    }
    guard value["schema"]?.stringValue == schema else { throw RunRecordError("not an \(schema) record") }
    func text(_ key: String) throws -> String {
      guard let found = value[key]?.stringValue, !found.isEmpty else {
        throw RunRecordError("\(schema) record without '\(key)'")
      }
      return found
    }
    guard case .bool(let reproduced)? = value["reproduced"] else {
      throw RunRecordError("\(schema) record without 'reproduced' true or false")
    }
    guard let tolerance = value["tolerance"]?.doubleValue, tolerance.isFinite, tolerance >= 0 else {
      throw RunRecordError("\(schema) record without a finite 'tolerance' >= 0")
    }
    let commit = try text("commit")
    guard commit.utf8.count == 40, commit.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
      throw RunRecordError("\(schema) record whose 'commit' is not 40 hex digits")
    }
    var metrics: [String: MetricComparison] = [:]
    for (name, sides) in value["metrics"]?.objectValue ?? [:] {
      metrics[name] = MetricComparison(
        recorded: sides["recorded"]?.doubleValue, reproduced: sides["reproduced"]?.doubleValue)
    }
    return ReproductionRecord(
      id: try text("id"), run: try text("run"), commit: commit, model: value["model"]?.stringValue ?? "",
      reproduced: reproduced, tolerance: tolerance, user: value["user"]?.stringValue ?? "",
      host: value["host"]?.stringValue ?? "", at: try text("at"), exit: RunListings.exitCode(value["exit"]),
      metrics: metrics, problem: value["problem"]?.stringValue, resources: RunResources(value["resources"]))
  }

  /// The reproduction records of a note, skipping every other line.
  public static func records(inNote lines: [String]) -> [ReproductionRecord] {
    lines.compactMap { claims($0) ? try? parse($0) : nil }
  }
}
