import MLPolicy
import MLSpec

/// `mlgit runs compare`: two runs' params and metrics side by side, as a text table or
/// the `mlgit.runs-compare/1` document.
public enum RunComparison {
  /// The table: a row per commit, model, param and metric, the last column saying which
  /// differ (for metrics, by how much).
  public static func text(_ a: RunRecord, _ b: RunRecord) -> String {
    // A nested `a: {b: …}` and a literal `a.b` key flatten to one name: the first (sorted) is shown.
    let paramsA = Dictionary(flatten(a.params), uniquingKeysWith: { first, _ in first })
    let paramsB = Dictionary(flatten(b.params), uniquingKeysWith: { first, _ in first })
    var rows: [[String]] = [["", a.id, b.id, ""]]
    rows.append([
      "commit", String(a.commit.prefix(8)), String(b.commit.prefix(8)), a.commit == b.commit ? "" : "differs",
    ])
    rows.append(["model", a.model, b.model, a.model == b.model ? "" : "differs"])
    rows.append(["params", "", "", ""])
    for key in Set(paramsA.keys).union(paramsB.keys).sorted() {
      let (x, y) = (paramsA[key] ?? "-", paramsB[key] ?? "-")
      rows.append(["  " + key, x, y, x == y ? "" : "differs"])
    }
    rows.append(["metrics", "", "", ""])
    for key in Set(a.metrics.keys).union(b.metrics.keys).sorted() {
      let (x, y) = (a.metrics[key], b.metrics[key])
      var change = ""
      if let x, let y, x != y { change = (y - x >= 0 ? "+" : "") + NumberText.string(delta(x, y)) }
      rows.append(["  " + key, x.map(NumberText.string) ?? "-", y.map(NumberText.string) ?? "-", change])
    }
    return TextColumns.render(rows.map { $0.map { TerminalText.escape($0) } }, trimming: true)
  }

  /// The `mlgit.runs-compare/1` document (docs/runs.md lists its fields). It is written by
  /// the ledger's own canonical JSON writer, not JSONEncoder: JSONEncoder writes a whole
  /// float as an integer (`1.0` as `1`), and a param recorded as a float must read back
  /// as one, as `mlgit runs show --format json` prints it.
  public static func document(_ a: RunRecord, _ b: RunRecord) -> JSONValue {
    func run(_ r: RunRecord) -> JSONValue {
      .object([
        "id": .string(r.id), "commit": .string(r.commit), "model": .string(r.model), "started": .string(r.started),
        "exit": .int(r.exit), "params": r.params, "metrics": .object(r.metrics.mapValues(JSONValue.double)),
      ])
    }
    let (paramsA, paramsB) = (typedLeaves(a.params), typedLeaves(b.params))
    let params: [JSONValue] = Set(paramsA.keys).union(paramsB.keys).sorted().map { key in
      var row: [String: JSONValue] = ["key": .string(key), "differs": .bool(paramsA[key] != paramsB[key])]
      row["first"] = paramsA[key]
      row["second"] = paramsB[key]
      return .object(row)
    }
    let metrics: [JSONValue] = Set(a.metrics.keys).union(b.metrics.keys).sorted().map { name in
      let (x, y) = (a.metrics[name], b.metrics[name])
      var row: [String: JSONValue] = ["name": .string(name), "differs": .bool(x != y)]
      row["first"] = x.map(JSONValue.double)
      row["second"] = y.map(JSONValue.double)
      if let x, let y { row["delta"] = .double(delta(x, y)) }
      return .object(row)
    }
    return .object([
      "schema": .string("mlgit.runs-compare/1"), "runs": .array([run(a), run(b)]),
      "params": .array(params), "metrics": .array(metrics),
    ])
  }

  /// second - first, to 9 decimals (so 0.3 - 0.1 is 0.2, not 0.19999999999999998).
  static func delta(_ x: Double, _ y: Double) -> Double { ((y - x) * 1e9).rounded() / 1e9 }

  /// Nested params as `a.b` keys with their values as recorded (lists stay whole).
  static func typedLeaves(_ value: JSONValue, prefix: String = "") -> [String: JSONValue] {
    if let object = value.objectValue {
      var leaves: [String: JSONValue] = [:]
      // Sorted, so that of a nested `a: {b: …}` and a literal `a.b` key, the same one wins as in the text.
      for key in object.keys.sorted() {
        guard let member = object[key] else { continue }
        leaves.merge(typedLeaves(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { first, _ in first }
      }
      return leaves
    }
    return prefix.isEmpty ? [:] : [prefix: value]
  }

  /// Nested params as `a.b = value` pairs, sorted.
  static func flatten(_ value: JSONValue, prefix: String = "") -> [(String, String)] {
    if let object = value.objectValue {
      return object.keys.sorted().flatMap { key in
        flatten(object[key] ?? .null, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
      }
    }
    return prefix.isEmpty ? [] : [(prefix, value.canonical)]
  }
}
