import Foundation
import MLPolicy
import MLSpec
import XCTest

final class RunGateTests: XCTestCase {
  static let spec = """
    apiVersion: mlgit/v1
    name: credit-risk
    version: 1.4.0
    owner: risk-team
    features: [income]
    hyperparameters:
      max_depth: 6
    validation:
      metrics:
        auc: {min: 0.78}
        logloss: {max: 0.45}

    """
  static let commit = String(repeating: "ab", count: 20)

  func run(_ metrics: [String: Double], id: String, dirty: Bool = false) -> RunRecord {
    RunRecord(
      id: id, commit: Self.commit, model: "credit-risk", started: "2026-01-01T10:00:00Z",
      finished: "2026-01-01T11:00:00Z", user: "u", host: "h", command: "train", exit: 0, metrics: metrics, dirty: dirty)
  }

  func findings(pack: String, branch: String = "main", stage: CheckStage = .push, runs: [RunRecord]) throws -> [Finding]
  {
    let policy = try EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [\(pack)]\n".utf8))
    var context = PolicyContext(policy: policy, stage: stage, branch: branch)
    context.runs[Self.commit] = runs
    let change = ModelChange(
      path: "models/credit.yaml", old: nil,
      new: SpecSnapshot(path: "models/credit.yaml", blob: nil, data: Data(Self.spec.utf8)))
    return PolicyEngine().evaluate(ChangeSet(origin: ChangeOrigin(commit: Self.commit), specs: [change]), in: context)
  }

  func testStrictGatesRefuseThenAccept() throws {
    let none = try findings(pack: "strict", runs: [])
    let gates = { (found: [Finding]) in found.filter { $0.rule.hasPrefix("runs/") || $0.rule.hasPrefix("metrics/") } }
    XCTAssertEqual(gates(none).filter { $0.severity == .error }.map(\.rule), ["runs/required"])
    XCTAssertEqual(none.first { $0.rule == "runs/seed" }?.severity, .warning)
    XCTAssertEqual(none.first { $0.rule == "runs/seed" }?.line, 6)

    let weak = try findings(
      pack: "strict",
      runs: [
        run(["auc": 0.7, "logloss": 0.5], id: "aaaaaaaaaaaa"),
        run(["auc": 0.8, "logloss": 0.5], id: "bbbbbbbbbbbb"),
      ])
    let threshold = weak.filter { $0.rule == "metrics/threshold" }
    XCTAssertEqual(threshold.count, 1)
    XCTAssertEqual(
      threshold.first?.message, "best run bbbbbbbbbbbb of 'credit-risk' misses the bar: logloss 0.5 > max 0.45")
    XCTAssertEqual(threshold.first?.line, 11)
    XCTAssertEqual(threshold.first?.commit, Self.commit)

    let good = try findings(pack: "strict", runs: [run(["auc": 0.8, "logloss": 0.4], id: "cccccccccccc")])
    // strict also asks for a recorded reproduction of the version (RunEvidenceTests covers it end to end).
    XCTAssertEqual(gates(good).filter { $0.severity == .error }.map(\.rule), ["runs/reproduced"])
  }

  func testGatesAreOffInDefaultOffBranchAndAtCommit() throws {
    XCTAssertEqual(
      try findings(pack: "default", runs: []).filter { $0.rule.hasPrefix("runs/") || $0.rule.hasPrefix("metrics/") }, []
    )
    XCTAssertEqual(try findings(pack: "strict", branch: "feature/x", runs: []).filter { $0.severity == .error }, [])
    XCTAssertEqual(try findings(pack: "strict", stage: .commit, runs: []).filter { $0.severity == .error }, [])
  }

  func testDirtyRunIsReported() throws {
    let found = try findings(
      pack: "strict", runs: [run(["auc": 0.9, "logloss": 0.1], id: "dddddddddddd", dirty: true)])
    XCTAssertEqual(
      found.filter { $0.rule == "runs/clean-tree" }.map(\.message),
      ["run dddddddddddd of 'credit-risk' was made from a dirty working tree"])
  }

  func testRecordLineRoundTrips() throws {
    let record = RunRecord(
      id: "0123456789ab", commit: Self.commit, model: "m", started: "s", finished: "f", user: "u",
      host: "h", command: "python train.py", exit: 0, params: .object(["lr": .double(0.05), "seed": .int(1)]),
      metrics: ["auc": 0.81, "n": 5], data: ["data/a.csv": String(repeating: "0", count: 64)], dirty: true)
    XCTAssertTrue(record.line.hasPrefix(#"{"command":"python train.py","commit":""#), record.line)
    XCTAssertTrue(record.line.contains(#""metrics":{"auc":0.81,"n":5.0}"#), record.line)
    XCTAssertEqual(try RunRecord.parse(record.line), record)
    XCTAssertEqual(try RunRecord.parse(record.line).line, record.line)
  }

  func testMetricsFilesAreValidated() throws {
    XCTAssertEqual(
      try RunRecord.metrics(fromJSON: Data(#"{"auc": 0.8, "n": 3}"#.utf8), file: "m.json"), ["auc": 0.8, "n": 3])
    let cases: [(String, String)] = [
      (#"{"auc": NaN}"#, "m.json: metric 'auc' is NaN; metrics must be finite numbers (line 1)"),
      (#"{"loss": -Infinity}"#, "m.json: metric 'loss' is infinite; metrics must be finite numbers (line 1)"),
      (
        #"{"auc": "0.8"}"#,
        "m.json: no metric is a number ('auc' is the string \"0.8\"); metrics must be numbers, e.g. {\"auc\": 0.81} or {\"test\": {\"auc\": 0.81}}"
      ),
      (
        #"{"auc": true}"#,
        "m.json: no metric is a number ('auc' is a boolean); metrics must be numbers, e.g. {\"auc\": 0.81} or {\"test\": {\"auc\": 0.81}}"
      ),
      (#"[0.8]"#, "m.json: metrics must be a JSON object of name -> number, e.g. {\"auc\": 0.81}"),
    ]
    for (text, message) in cases {
      XCTAssertThrowsError(try RunRecord.metrics(fromJSON: Data(text.utf8), file: "m.json")) { error in
        XCTAssertEqual((error as? RunRecordError)?.message, message)
      }
    }
    XCTAssertThrowsError(try RunRecord.metrics(fromJSON: Data("{auc".utf8), file: "m.json"))
  }

  func testNestedMetricsFlattenToDottedNamesAsDVCShowsThem() throws {
    let json = try MetricsFile.read(
      Data(#"{"test": {"auc": 0.88, "cm": [[1, 2]]}, "train": {"loss": 0.1, "deep": {"n": 3}}, "model": "xgb"}"#.utf8),
      file: "m.json")
    XCTAssertEqual(json.metrics, ["test.auc": 0.88, "train.loss": 0.1, "train.deep.n": 3])
    XCTAssertEqual(json.skipped, ["'model' is the string \"xgb\"", "'test.cm' is a list"])
    let yaml = try MetricsFile.read(Data("test:\n  auc: 0.88\n  tags: [a]\nepochs: 3\n".utf8), file: "m.yaml")
    XCTAssertEqual(yaml.metrics, ["test.auc": 0.88, "epochs": 3])
    XCTAssertEqual(yaml.skipped, ["'test.tags' (line 3) is a list"])
    // No extension: the content decides.
    XCTAssertEqual(try MetricsFile.read(Data("auc: 0.5\n".utf8), file: "metrics").metrics, ["auc": 0.5])
    XCTAssertEqual(try MetricsFile.read(Data(#"{"auc": 0.5}"#.utf8), file: "metrics").metrics, ["auc": 0.5])
    let refused: [(String, String, String)] = [
      ("m.yaml", "test:\n  auc: .nan\n", "m.yaml:2:8: metric 'test.auc' is NaN; metrics must be finite numbers"),
      ("m.yaml", "loss: -.inf\n", "m.yaml:1:7: metric 'loss' is infinite; metrics must be finite numbers"),
      ("m.yaml", "- 0.8\n", "m.yaml:1:1: metrics must be a mapping of name -> number, found a list"),
      ("m.yaml", "auc: [0.8\n", "m.yaml: not a YAML document: "),
      ("m.json", #"{"test.auc": 1, "test": {"auc": 2}}"#, "m.json: metric 'test.auc' is given twice"),
    ]
    for (file, text, message) in refused {
      XCTAssertThrowsError(try MetricsFile.read(Data(text.utf8), file: file)) { error in
        XCTAssertTrue((error as? RunRecordError)?.message.hasPrefix(message) ?? false, "\(error)")
      }
    }
    XCTAssertThrowsError(try MetricsFile.merge([("a.json", ["auc": 1]), ("b.yaml", ["auc": 2])])) { error in
      XCTAssertEqual(
        (error as? RunRecordError)?.message,
        "metric 'auc' is in both a.json and b.yaml; each metric must come from one file")
    }
  }

  func testExitStatusOutsideIntRangeReadsAsUnknownNotACrash() throws {
    for exit in ["-12345678901234567890", "1e300", "12345678901234567890"] {
      let line =
        #"{"commit":"c","exit":"# + exit
        + #","id":"abc","metrics":{"auc":0.5},"model":"m","schema":"mlgit.run/1","started":"s"}"#
      XCTAssertEqual(try RunRecord.parse(line).exit, -1, exit)
      XCTAssertEqual(try RunListing.parse(line).exit, -1, exit)
    }
  }
}
