import Foundation
import XCTest

/// The evidence a spec declares in `validation:` besides its bar (slices, fairness gaps,
/// a baseline to beat) and the comparison with the previous version, each a rule of the
/// `strict` pack: a push whose best run misses it is refused at the line of the bound,
/// and accepted once a run meets it; and `mlgit score` raises the tests they feed from 0
/// to 0.5 (a run measured that way) to 1 (the rule enforcing it).
final class MetricEvidenceTests: XCTestCase {
  /// `validation:` with the bar at line 15 (`auc: {min: 0.7}`) and `extra` from line 16.
  static func spec(version: String, _ extra: String = "", before: String = "") -> String {
    Fixtures.spec(version: version, extra: before + "validation:\n  metrics:\n    auc: {min: 0.7}\n" + extra)
  }

  /// A clone under `extends: [strict]` whose first commit (the spec at `version`, and any
  /// `files`) is pushed; `trained` runs are recorded on it first.
  func strictClone(_ spec: String, files: [String: String] = [:], trained: [(spec: String, metrics: String)] = [])
    -> (remote: TempRepository, clone: TempRepository)
  {
    let remote = TempRepository(bare: true, name: "remote.git")
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    // Runs recorded with `mlgit run record` cannot be reproduced; strict's runs/reproduced is
    // RunEvidenceTests' subject, not this file's.
    clone.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\nrules:\n  runs/reproduced: off\n")
    clone.write(".gitignore", "eval/\n")
    clone.write("models/credit.yaml", spec)
    for (path, content) in files { clone.write(path, content) }
    clone.stage()
    clone.commitFixture("model and policy")
    for (spec, metrics) in trained { record(clone, metrics, spec: spec) }
    let push = clone.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    return (remote, clone)
  }

  /// Records a run on HEAD with these metrics (a JSON object's inside), a second after any
  /// earlier run, so it is the latest (runs tied on the bar are ranked by when they finished).
  @discardableResult
  func record(
    _ repo: TempRepository, _ metrics: String, spec: String = "models/credit.yaml",
    file: StaticString = #filePath, line: UInt = #line
  ) -> String {
    if !repo.runLines().isEmpty { Thread.sleep(forTimeInterval: 1.1) }
    repo.write("eval/metrics.json", "{\(metrics)}\n")
    let run = repo.mlgit("run", "record", "--metrics", "eval/metrics.json", "--spec", spec)
    XCTAssertEqual(run.status, 0, run.output, file: file, line: line)
    let last = repo.runLines().last ?? ""
    let object = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any]
    return object?["id"] as? String ?? ""
  }

  /// Pushes main and expects a refusal carrying each of `expected`, then nothing pushed.
  func assertRefused(
    _ clone: TempRepository, _ remote: TempRepository, _ expected: [String],
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let refused = clone.git("push", "origin", "main")
    XCTAssertNotEqual(refused.status, 0, refused.output, file: file, line: line)
    for text in expected {
      XCTAssertTrue(refused.stderr.contains(text), "\(text)\n---\n\(refused.stderr)", file: file, line: line)
    }
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), clone.head, file: file, line: line)
  }

  func assertAccepted(
    _ clone: TempRepository, _ remote: TempRepository, file: StaticString = #filePath, line: UInt = #line
  ) {
    let accepted = clone.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output, file: file, line: line)
    XCTAssertEqual(remote.revParse("refs/heads/main"), clone.head, file: file, line: line)
  }

  func testASliceBelowItsBoundIsRefusedAtTheBoundsLineAndAcceptedOnceMet() {
    let (remote, clone) = strictClone(Self.spec(version: "1.0.0"))
    // Slices declared with a version bump; the hyperparameters are unchanged, so no review is needed.
    let slices = "  slices:\n    new_customers:\n      auc: {min: 0.72}\n    region_eu:\n      auc: {min: 0.75}\n"
    let change = clone.commitFile(
      "models/credit.yaml", Self.spec(version: "1.1.0", slices), "slices the model must hold on")
    let weak = record(clone, #""auc": 0.81, "slice": {"new_customers": {"auc": 0.69}, "region_eu": {"auc": 0.8}}"#)
    assertRefused(
      clone, remote,
      [
        "\(change.prefix(8)): models/credit.yaml:18:7: error: best run \(weak) of 'credit-risk' misses the bar on slice 'new_customers': slice.new_customers.auc 0.69 < min 0.72 [metrics/slices]"
      ])
    // A slice the run did not measure is missed too, at its own bound's line.
    let partial = record(clone, #""auc": 0.81, "slice/new_customers/auc": 0.74"#)
    assertRefused(
      clone, remote,
      [
        "models/credit.yaml:20:7: error: best run \(partial) of 'credit-risk' misses the bar on slice 'region_eu': slice/region_eu/auc was not reported [metrics/slices]"
      ])
    record(clone, #""auc": 0.81, "slice/new_customers/auc": 0.74, "slice/region_eu/auc": 0.8"#)
    assertAccepted(clone, remote)
  }

  func testAFairnessGapOverMaxGapIsRefusedAndTheAttributesAreNeverFlaggedAsFeatures() throws {
    let (remote, clone) = strictClone(Self.spec(version: "1.0.0"))
    // Fairness across sex, race and age: protected attributes, evaluated, never inputs.
    let fairness =
      "  fairness:\n    sex: {metric: tpr, max_gap: 0.05}\n    race: {metric: demographic_parity_difference, max_gap: 0.1, groups: [a, b]}\n    age: {metric: demographic_parity_difference, max_gap: 0.1}\n"
    clone.write("models/credit.yaml", Self.spec(version: "1.1.0", fairness, before: "sensitive_attributes: [sex]\n"))
    clone.stage()
    let commit = clone.git("commit", "-q", "-m", "fairness bounds")
    XCTAssertEqual(commit.status, 0, commit.output)
    XCTAssertFalse(commit.output.contains("features/"), commit.output)
    // Judged as a push to main: only the missing run is reported, no protected attribute.
    let checked = clone.mlgit("check", "--format", "json", "HEAD")
    let findings =
      try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])["findings"]
      as? [[String: Any]]
    XCTAssertEqual(findings?.map { $0["rule"] as? String ?? "" }, ["runs/required"], checked.stdout)
    let change = try XCTUnwrap(clone.revParse("HEAD"))

    // Line 18: `sex: {metric: tpr, max_gap: 0.05}`, max_gap's value at column 33.
    let unfair = record(
      clone,
      #""auc": 0.81, "fairness": {"sex": {"female": {"tpr": 0.71}, "male": {"tpr": 0.8}}, "race": {"a": {"demographic_parity_difference": 0}, "b": {"demographic_parity_difference": 0}}}, "fairness/age/demographic_parity_difference": 0.04"#
    )
    assertRefused(
      clone, remote,
      [
        "\(change.prefix(8)): models/credit.yaml:18:33: error: best run \(unfair) of 'credit-risk' is unfair on sex: tpr gap 0.09 > max_gap 0.05 (female 0.71, male 0.8) [metrics/fairness]"
      ])
    // Groups listed under groups: must each be reported; a gap recorded directly is read as one.
    let missing = record(
      clone,
      #""auc": 0.81, "fairness/sex/female/tpr": 0.78, "fairness/sex/male/tpr": 0.8, "fairness/race/a/demographic_parity_difference": 0.02, "fairness/age/demographic_parity_difference": -0.2"#
    )
    assertRefused(
      clone, remote,
      [
        "models/credit.yaml:19:5: error: best run \(missing) of 'credit-risk' does not measure fairness on race: no demographic_parity_difference for group 'b'",
        "models/credit.yaml:20:59: error: best run \(missing) of 'credit-risk' is unfair on age: demographic_parity_difference gap 0.2 > max_gap 0.1 (recorded as fairness/age/demographic_parity_difference) [metrics/fairness]",
      ])
    record(
      clone,
      #""auc": 0.81, "fairness/sex/female/tpr": 0.78, "fairness/sex/male/tpr": 0.8, "fairness/race/a/demographic_parity_difference": 0.02, "fairness/race/b/demographic_parity_difference": 0.05, "fairness/age/demographic_parity_difference": 0.03"#
    )
    assertAccepted(clone, remote)

    // A fairness attribute used as a feature is refused like a listed sensitive attribute.
    clone.write(
      "models/credit.yaml",
      Self.spec(version: "1.1.1", "  fairness:\n    region: {metric: tpr, max_gap: 0.05}\n")
        .replacingOccurrences(of: "  - debt_ratio\n", with: "  - debt_ratio\n  - region\n"))
    clone.stage()
    let refused = clone.git("commit", "-q", "-m", "region as an input")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:9:5: error: feature 'region' is also listed in validation.fairness (line 18) [features/protected]"
      ), refused.stderr)
  }

  func testABaselineIsBeatenByValuesAndByABaselineModelsBestRun() {
    let baselineSpec = Fixtures.spec(
      name: "credit-risk-baseline", version: "1.0.0", features: ["income"],
      hyperparameters: "  c: 1.0\n", extra: "validation:\n  metrics:\n    auc: {min: 0.6}\n")
    // The bar is the best value the baseline's runs reached (0.8), not its later, weaker run.
    let (remote, clone) = strictClone(
      Self.spec(version: "1.0.0"), files: ["models/baseline.yaml": baselineSpec],
      trained: [("models/baseline.yaml", #""auc": 0.8"#), ("models/baseline.yaml", #""auc": 0.65"#)])
    let baselineRun = runID(clone, auc: 0.8)

    // Values: a simpler model's auc, at line 16.
    let change = clone.commitFile(
      "models/credit.yaml", Self.spec(version: "1.1.0", "  baseline: {auc: 0.75}\n"), "a baseline")
    let weak = record(clone, #""auc": 0.74"#)
    assertRefused(
      clone, remote,
      [
        "\(change.prefix(8)): models/credit.yaml:16:14: error: best run \(weak) of 'credit-risk' does not beat the baseline: auc 0.74 against 0.75 (higher is better) [metrics/baseline]"
      ])
    record(clone, #""auc": 0.76"#)
    assertAccepted(clone, remote)

    // A baseline model of the repository: its best recorded auc is the bar.
    let named = clone.commitFile(
      "models/credit.yaml", Self.spec(version: "1.2.0", "  baseline: {model: credit-risk-baseline}\n"),
      "the baseline model")
    let behind = record(clone, #""auc": 0.79"#)
    assertRefused(
      clone, remote,
      [
        "\(named.prefix(8)): models/credit.yaml:16:21: error: best run \(behind) of 'credit-risk' does not beat baseline 'credit-risk-baseline' (run \(baselineRun)): auc 0.79 against 0.8 (higher is better) [metrics/baseline]"
      ])
    record(clone, #""auc": 0.83"#)
    assertAccepted(clone, remote)

    // A baseline model that was never trained is no bar: said at the baseline's line.
    clone.commitFile(
      "models/credit.yaml", Self.spec(version: "1.3.0", "  baseline: untrained-model\n"), "an untrained baseline")
    record(clone, #""auc": 0.84"#)
    assertRefused(
      clone, remote,
      [
        "models/credit.yaml:16:13: error: baseline model 'untrained-model' has no successful recorded run on this commit or before it, so 'credit-risk' cannot be shown to beat it [metrics/baseline]"
      ])
  }

  func testANewVersionWorseThanThePreviousVersionsBestRunIsRefused() {
    // 1.0.0's best run is the one meeting its bar (auc >= 0.7), not its later, weaker one.
    let (remote, clone) = strictClone(
      Self.spec(version: "1.0.0"),
      trained: [("models/credit.yaml", #""auc": 0.85"#), ("models/credit.yaml", #""auc": 0.65"#)])
    let previousBest = runID(clone, auc: 0.85)
    let change = clone.commitFile("models/credit.yaml", Self.spec(version: "1.1.0"), "1.1.0")
    let worse = record(clone, #""auc": 0.8"#)
    assertRefused(
      clone, remote,
      [
        "\(change.prefix(8)): models/credit.yaml:15:5: error: best run \(worse) of 'credit-risk' 1.1.0 regresses from 1.0.0 (run \(previousBest)): auc 0.8 against 0.85, higher is better, tolerance 1% [metrics/regression]"
      ])
    // Within 1% of 0.85 is not a regression.
    record(clone, #""auc": 0.845"#)
    assertAccepted(clone, remote)
  }

  /// The previous version is found in the pushed commit's history only: a higher version
  /// trained on a branch that was never merged is not it, whether the runs are few (one
  /// ancestry question each) or many (one walk of the history).
  func testThePreviousVersionComesFromTheCommitsHistoryOnly() throws {
    let repo = TempRepository()
    // Recorded runs cannot be reproduced: runs/reproduced is RunEvidenceTests' subject.
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\nrules:\n  runs/reproduced: off\n")
    repo.write(".gitignore", "eval/\n")
    repo.write("models/credit.yaml", Self.spec(version: "1.0.0"))
    repo.stage()
    repo.commitFixture("1.0.0")
    record(repo, #""auc": 0.8"#)
    XCTAssertEqual(repo.git("checkout", "-q", "-b", "experiment").status, 0)
    repo.commitFile("models/credit.yaml", Self.spec(version: "1.0.5"), "an experiment never merged")
    record(repo, #""auc": 0.95"#)
    XCTAssertEqual(repo.git("checkout", "-q", "main").status, 0)
    repo.commitFile("models/credit.yaml", Self.spec(version: "1.1.0"), "1.1.0")
    record(repo, #""auc": 0.85"#)
    let few = repo.mlgit("check", "HEAD")
    XCTAssertEqual(few.status, 0, few.output)

    // More run commits than GitRunHistory.walkAbove (16): versions 1.1.1 … 1.1.15 on main,
    // then 1.2.0, whose previous version is 1.1.15, still never 1.0.5.
    for patch in 1...15 {
      repo.commitFile("models/credit.yaml", Self.spec(version: "1.1.\(patch)"), "1.1.\(patch)")
      record(repo, #""auc": 0.846"#)
    }
    let many = repo.mlgit("check", "HEAD")
    XCTAssertEqual(many.status, 0, many.output)
    repo.commitFile("models/credit.yaml", Self.spec(version: "1.2.0"), "1.2.0")
    let drop = record(repo, #""auc": 0.8"#)
    let refused = repo.mlgit("check", "HEAD")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stdout.contains(
        "models/credit.yaml:15:5: error: best run \(drop) of 'credit-risk' 1.2.0 regresses from 1.1.15 (run \(runID(repo, auc: 0.846, rev: "HEAD~1"))): auc 0.8 against 0.846"
      ), refused.stdout)
  }

  /// The id of the run recorded on `rev` with this auc.
  func runID(_ repo: TempRepository, auc: Double, rev: String = "HEAD") -> String {
    repo.runLines(rev).compactMap { line -> String? in
      let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
      return (object?["metrics"] as? [String: Any])?["auc"] as? Double == auc ? object?["id"] as? String : nil
    }.first ?? "?"
  }

  func testMalformedEvidenceBlocksAreSchemaErrorsAtTheirLineAtCommit() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(
      "models/credit.yaml",
      Self.spec(
        version: "1.0.0",
        "  slices:\n    new/customers: {auc: {min: 0.7}}\n  fairness:\n    sex: {metric: tpr, max_gap: -0.05}\n  baseline: {logloss: 0.5}\n  slice: {}\n"
      ))
    repo.stage()
    let refused = repo.git("commit", "-q", "-m", "malformed evidence")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    for expected in [
      "models/credit.yaml:17:5: error: slice name 'new/customers' contains '/', which separates the parts of a recorded metric name [spec/schema]",
      "models/credit.yaml:19:33: error: fairness 'sex': max_gap must be a finite number, 0 or more [spec/schema]",
      "models/credit.yaml:20:14: error: baseline 'logloss': validation.metrics does not bound it, so which way is better is unknown [spec/schema]",
      "models/credit.yaml:21:3: error: unknown field 'validation.slice' [spec/schema]",
      "hint: did you mean 'slices'?",
    ] {
      XCTAssertTrue(refused.stderr.contains(expected), "\(expected)\n---\n\(refused.stderr)")
    }
  }

  func testScoreRisesFromNothingToHalfWithRunsToOneWithTheStrictPack() throws {
    let repo = TempRepository()
    let blocks =
      "  slices:\n    new_customers:\n      auc: {min: 0.72}\n  fairness:\n    sex: {metric: tpr, max_gap: 0.05}\n  baseline: {auc: 0.7}\n"
    repo.write("models/credit.yaml", Self.spec(version: "1.0.0", blocks))
    repo.write(".gitignore", "eval/\n")
    repo.stage()
    repo.commitFixture("a model with its evidence declared")
    let tests = ["model-5", "model-6", "model-7", "monitor-7"]
    func points(_ id: String) throws -> (points: Double, kinds: [String], hint: String) {
      let result = repo.mlgit("score", "--format", "json")
      XCTAssertEqual(result.status, 0, result.output)
      let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      let model = try XCTUnwrap((document["models"] as? [[String: Any]])?.first)
      let all = ((model["sections"] as? [[String: Any]]) ?? []).flatMap { ($0["tests"] as? [[String: Any]]) ?? [] }
      let test = try XCTUnwrap(all.first { $0["id"] as? String == id })
      let kinds = ((test["evidence"] as? [[String: Any]]) ?? []).filter { ($0["points"] as? Double ?? 0) > 0 }.map {
        $0["kind"] as? String ?? ""
      }
      return (test["points"] as? Double ?? -1, kinds, test["hint"] as? String ?? "")
    }
    for id in tests {
      let (earned, kinds, hint) = try points(id)
      XCTAssertEqual(earned, 0, id)
      XCTAssertEqual(kinds, [], id)
      XCTAssertTrue(hint.contains("{severity: error, branches: protected}"), hint)
    }
    XCTAssertTrue(try points("monitor-7").hint.contains("record runs of two versions"))

    // A run measured on the slice, across the groups and against the baseline: half a point each.
    let first = record(
      repo,
      #""auc": 0.8, "slice/new_customers/auc": 0.75, "fairness/sex/female/tpr": 0.77, "fairness/sex/male/tpr": 0.8"#)
    XCTAssertEqual(try points("model-5").kinds, ["baseline-beaten"])
    XCTAssertEqual(try points("model-6").kinds, ["sliced-run"])
    XCTAssertEqual(try points("model-7").kinds, ["fair-run"])
    for id in tests.dropLast() { XCTAssertEqual(try points(id).points, 0.5, id) }
    XCTAssertEqual(try points("monitor-7").points, 0)

    // A second version no worse than the first: half a point for regressions.
    repo.commitFile("models/credit.yaml", Self.spec(version: "1.1.0", blocks), "1.1.0")
    let second = record(
      repo,
      #""auc": 0.81, "slice/new_customers/auc": 0.75, "fairness/sex/female/tpr": 0.77, "fairness/sex/male/tpr": 0.8"#)
    let regression = try points("monitor-7")
    XCTAssertEqual(regression.points, 0.5)
    XCTAssertEqual(regression.kinds, ["no-regression"])
    let text = repo.mlgit("score").stdout
    XCTAssertTrue(text.contains("best run \(second) is not worse than 1.0.0's best run \(first) on auc"), text)

    // The strict pack enforces all four on the protected branch: a full point each.
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\n")
    repo.stage()
    repo.commitFixture("strict")
    for id in tests {
      let (earned, kinds, _) = try points(id)
      XCTAssertEqual(earned, 1, id)
      XCTAssertEqual(kinds.first, "rule", id)
    }
  }
}
