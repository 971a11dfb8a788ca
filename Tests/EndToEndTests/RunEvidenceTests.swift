import Foundation
import XCTest

/// The evidence `mlgit run` and `mlgit reproduce` collect (resource usage, versions,
/// reproduction verdicts) and the rules that gate releases on it: `runs/budget`,
/// `runs/stale`, `runs/reproduced`; and the ML Test Score tests they feed.
final class RunEvidenceTests: XCTestCase {
  /// Allocates and touches about 100 MiB, holds it, sleeps, and writes metrics.json.
  static let trainScript = """
    import json, time
    block = bytearray(100 * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(1.0)
    json.dump({"auc": 0.81}, open("metrics.json", "w"))

    """

  /// A spec with the given extra blocks, its data and a training script that allocates.
  func writeModel(_ repo: TempRepository, version: String = "1.4.0", extra: String = "") {
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(version: version, extra: "validation:\n  metrics:\n    auc: {min: 0.78}\n" + extra))
    repo.write("train.py", RunEvidenceTests.trainScript)
    repo.write(".gitignore", "metrics.json\n")
  }

  /// A bare remote with the server hook and a clone whose root commit (the policy) is on it.
  func remoteWithPolicy(_ rules: String) -> (remote: TempRepository, clone: TempRepository) {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    clone.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n\(rules)")
    clone.stage()
    clone.commitFixture("policy")
    let push = clone.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    return (remote, clone)
  }

  /// Pushes the runs ledger, then main; the ledger is accepted whatever main's fate.
  func pushRunsThenMain(_ clone: TempRepository, file: StaticString = #filePath, line: UInt = #line) -> CommandResult {
    let notes = clone.git("push", "-q", "origin", "refs/notes/mlgit/runs")
    XCTAssertEqual(notes.status, 0, notes.output, file: file, line: line)
    return clone.git("push", "origin", "main")
  }

  func runIDs(_ repo: TempRepository) -> [String] {
    let listed = repo.mlgit("runs", "--format", "json")
    let document = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [String: Any]
    return ((document?["runs"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
  }

  /// A run line written by hand into the ledger (a run recorded elsewhere, or forged).
  func forgeRun(_ repo: TempRepository, id: String, finished: String, version: String = "1.4.0") {
    let line =
      #"{"commit":"\#(repo.head)","command":"python3 train.py","data":{},"dirty":false,"exit":0,"finished":"\#(finished)","host":"h","id":"\#(id)","metrics":{"auc":0.81},"model":"credit-risk","params":{},"schema":"mlgit.run/1","started":"\#(finished)","user":"mallory@example.com","version":"\#(version)"}"#
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "append", "-m", line, repo.head).status, 0)
  }

  static func iso(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  // MARK: Resource usage

  func testRunRecordsWallCPUAndPeakMemoryOfTheCommandsProcessTree() throws {
    let repo = TempRepository()
    writeModel(repo)
    repo.stage()
    repo.commitFixture("model")
    // Through a shell, so the allocating process is a grandchild of mlgit.
    let run = repo.mlgit("run", "--metrics", "metrics.json", "--", "sh", "-c", "python3 train.py")
    XCTAssertEqual(run.status, 0, run.output)
    XCTAssertTrue(run.stderr.contains("peak RSS"), run.stderr)

    let listed = repo.mlgit("runs", "--format", "json")
    let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
    let record = try XCTUnwrap((document["runs"] as? [[String: Any]])?.first)
    XCTAssertEqual(record["version"] as? String, "1.4.0")
    let resources = try XCTUnwrap(record["resources"] as? [String: Double], "\(record)")
    let wall = try XCTUnwrap(resources["wall_seconds"])
    let cpu = try XCTUnwrap(resources["cpu_seconds"])
    let peak = try XCTUnwrap(resources["peak_rss_bytes"])
    XCTAssertGreaterThanOrEqual(wall, 1.0, "the command slept 1 s")
    XCTAssertLessThan(cpu, wall, "it slept most of the time")
    XCTAssertGreaterThan(cpu, 0)
    XCTAssertEqual(cpu, (resources["user_seconds"] ?? -1) + (resources["system_seconds"] ?? -1), accuracy: 0.0015)
    XCTAssertGreaterThanOrEqual(peak, 100 * 1024 * 1024, "the grandchild touched 100 MiB")

    let id = try XCTUnwrap(record["id"] as? String)
    let shown = repo.mlgit("runs", "show", id)
    XCTAssertEqual(shown.status, 0, shown.output)
    XCTAssertTrue(shown.stdout.contains("version  1.4.0\n"), shown.stdout)
    XCTAssertTrue(shown.stdout.contains("resources\n  wall   "), shown.stdout)
    XCTAssertTrue(shown.stdout.contains("  peak   \(Int(peak)) bytes ("), shown.stdout)
    XCTAssertTrue(repo.mlgit("runs", "show", id, "--format", "json").stdout.contains(#""resources":{"cpu_seconds":"#))
  }

  func testARecordWithoutResourcesStillReads() throws {
    let repo = TempRepository()
    writeModel(repo)
    repo.stage()
    repo.commitFixture("model")
    let old =
      #"{"command":"train","commit":"\#(repo.head)","data":{},"dirty":false,"exit":0,"finished":"2026-01-01T00:00:01Z","host":"h","id":"oldrecord001","metrics":{"auc":0.8},"model":"credit-risk","params":{},"schema":"mlgit.run/1","started":"2026-01-01T00:00:00Z","user":"u"}"#
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "add", "-m", old, repo.head).status, 0)
    let shown = repo.mlgit("runs", "show", "oldrecord001")
    XCTAssertEqual(shown.status, 0, shown.output)
    XCTAssertFalse(shown.stdout.contains("resources"), shown.stdout)
    XCTAssertTrue(shown.stdout.contains("auc = 0.8"), shown.stdout)
    XCTAssertEqual(repo.mlgit("runs", "show", "oldrecord001", "--format", "json").stdout, old + "\n")
  }

  // MARK: The spec's fields

  func testBudgetAndStalenessAreCheckedAtTheirLines() {
    let repo = TempRepository()
    writeModel(
      repo,
      extra:
        "budget:\n  train_seconds: 0\n  peak_memory: 2048\n  max_increase_percent: -5\nstaleness: {max_age_days: soon}\n"
    )
    let check = repo.mlgit("check", "--files", "models/credit.yaml")
    XCTAssertEqual(check.status, 1, check.output)
    for expected in [
      "models/credit.yaml:17:18: error: budget: 'train_seconds' must be a positive finite number, found an integer '0' [spec/schema]",
      "models/credit.yaml:18:3: error: budget: unknown field 'peak_memory' [spec/schema]",
      "models/credit.yaml:19:25: error: budget: 'max_increase_percent' must be a finite number >= 0, found an integer '-5' [spec/schema]",
      "models/credit.yaml:20:27: error: staleness: 'max_age_days' must be a positive finite number, found a string 'soon' [spec/schema]",
    ] {
      XCTAssertTrue(check.stdout.contains(expected), "missing \(expected) in\n\(check.stdout)")
    }
    writeModel(
      repo,
      extra:
        "budget: {train_seconds: 3600, peak_memory_mb: 512.5, max_increase_percent: 0}\nstaleness: {max_age_days: 0.5}\n"
    )
    let good = repo.mlgit("check", "--files", "models/credit.yaml")
    XCTAssertEqual(good.status, 0, good.output)
  }

  // MARK: runs/budget

  func testBudgetRefusesAPushOverItAndAcceptsOneWithin() {
    let (remote, clone) = remoteWithPolicy("  runs/budget: {severity: error, branches: protected}\n")
    writeModel(clone, extra: "budget:\n  train_seconds: 600\n  peak_memory_mb: 50\n")
    clone.stage()
    clone.commitFixture("model with a 50 MiB budget")
    let run = clone.mlgit("run", "--metrics", "metrics.json", "--", "python3", "train.py")
    XCTAssertEqual(run.status, 0, run.output)
    let refused = pushRunsThenMain(clone)
    XCTAssertNotEqual(refused.status, 0, refused.output)
    // Line 17, column 19: the value of peak_memory_mb.
    XCTAssertTrue(
      refused.stderr.contains("remote: \(clone.head.prefix(8)): models/credit.yaml:18:19: error: best run "),
      refused.stderr)
    XCTAssertTrue(refused.stderr.contains("over budget.peak_memory_mb 50 [runs/budget]"), refused.stderr)
    XCTAssertFalse(refused.stderr.contains("train_seconds 600 [runs/budget]"), refused.stderr)

    // The refused commit is still the pusher's: amended with a budget that fits, trained again.
    writeModel(clone, extra: "budget:\n  train_seconds: 600\n  peak_memory_mb: 2048\n")
    clone.stage()
    XCTAssertEqual(clone.git("commit", "-q", "--no-verify", "--amend", "-m", "model with a budget that fits").status, 0)
    XCTAssertEqual(clone.mlgit("run", "--metrics", "metrics.json", "--", "python3", "train.py").status, 0)
    let accepted = pushRunsThenMain(clone)
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("main"), clone.head)
  }

  func testBudgetRefusesGrowthOverThePreviousVersionsBestRun() {
    let (remote, clone) = remoteWithPolicy("  runs/budget: {severity: error, branches: protected}\n")
    defer { withExtendedLifetime(remote) {} }
    writeModel(clone, version: "1.4.0", extra: "budget: {max_increase_percent: 10}\n")
    clone.stage()
    clone.commitFixture("1.4.0")
    // 1.4.0 trained in a few hundred milliseconds with little memory.
    XCTAssertEqual(
      clone.mlgit("run", "--", "python3", "-c", "open('metrics.json','w').write('{\"auc\": 0.8}')").status, 0)
    XCTAssertEqual(pushRunsThenMain(clone).status, 0)
    // 1.5.0 takes over a second and 100 MiB more.
    writeModel(clone, version: "1.5.0", extra: "budget: {max_increase_percent: 10}\n")
    clone.stage()
    clone.commitFixture("1.5.0")
    XCTAssertEqual(clone.mlgit("run", "--metrics", "metrics.json", "--", "python3", "train.py").status, 0)
    let refused = pushRunsThenMain(clone)
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains("remote: \(clone.head.prefix(8)): models/credit.yaml:16:32: error: best run "),
      refused.stderr)
    XCTAssertTrue(refused.stderr.contains("above 1.4.0's best run"), refused.stderr)
    XCTAssertTrue(refused.stderr.contains("budget.max_increase_percent is 10 [runs/budget]"), refused.stderr)
  }

  // MARK: runs/stale

  func testStaleRefusesAnOldRunAndAcceptsAFreshOne() {
    let (remote, clone) = remoteWithPolicy("  runs/stale: {severity: error, branches: protected}\n")
    writeModel(clone, extra: "staleness: {max_age_days: 30}\n")
    clone.stage()
    clone.commitFixture("model")
    let old = RunEvidenceTests.iso(Date().addingTimeInterval(-45 * 86_400))
    forgeRun(clone, id: "oldrun000001", finished: old)
    let refused = pushRunsThenMain(clone)
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "remote: \(clone.head.prefix(8)): models/credit.yaml:16:27: error: newest run oldrun000001 of 'credit-risk' 1.4.0 finished \(old), 45 days ago, over staleness.max_age_days 30 [runs/stale]"
      ),
      refused.stderr)

    XCTAssertEqual(clone.mlgit("run", "--metrics", "metrics.json", "--", "python3", "train.py").status, 0)
    let accepted = pushRunsThenMain(clone)
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("main"), clone.head)
  }

  func testARunDatedInTheFutureIsNotFreshForever() {
    let (remote, clone) = remoteWithPolicy("  runs/stale: {severity: error, branches: protected}\n")
    writeModel(clone, extra: "staleness: {max_age_days: 30}\n")
    clone.stage()
    clone.commitFixture("model")
    forgeRun(clone, id: "future000001", finished: "2099-01-01T00:00:00Z")
    let refused = pushRunsThenMain(clone)
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "remote: \(clone.head.prefix(8)): models/credit.yaml:16:27: error: run future000001 of 'credit-risk' 1.4.0 is dated 2099-01-01T00:00:00Z, after the check's clock"
      ),
      refused.stderr)
    XCTAssertNotEqual(remote.revParse("main"), clone.head)
  }

  func testThePushersClockIsSettableButTheServersIsNot() {
    let remote = TempRepository(bare: true, name: "remote.git")
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.write(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  runs/stale: {severity: error, branches: protected}\n")
    clone.stage()
    clone.commitFixture("policy")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    writeModel(clone, extra: "staleness: {max_age_days: 30}\n")
    clone.stage()
    clone.commitFixture("model")
    XCTAssertEqual(clone.mlgit("run", "--metrics", "metrics.json", "--", "python3", "train.py").status, 0)
    // pre-push, 40 days from now: the run is too old.
    let later = RunEvidenceTests.iso(Date().addingTimeInterval(40 * 86_400))
    let refused = clone.git(["push", "origin", "main"], environment: ["MLGIT_NOW": later])
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains("\(clone.head.prefix(8)): models/credit.yaml:16:27: error: newest run "), refused.stderr)
    XCTAssertTrue(refused.stderr.contains("40 days ago, over staleness.max_age_days 30 [runs/stale]"), refused.stderr)
    let accepted = clone.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
  }

  // MARK: runs/reproduced

  func testReproducedRefusesUntilAReproductionSucceeds() throws {
    let (remote, clone) = remoteWithPolicy("  runs/reproduced: {severity: error, branches: protected}\n")
    writeModel(clone)
    clone.write("train.sh", "#!/bin/sh\nprintf '{\"auc\": 0.81}\\n' > metrics.json\n")
    _ = clone.git("update-index", "--chmod=+x", "--add", "train.sh")
    clone.stage()
    clone.commitFixture("model")
    // A run whose metrics the command does not give again.
    clone.write("claimed.json", #"{"auc": 0.93}"#)
    XCTAssertEqual(clone.mlgit("run", "record", "--metrics", "claimed.json", "--command", "sh train.sh").status, 0)
    let claimed = try XCTUnwrap(runIDs(clone).first)

    let none = pushRunsThenMain(clone)
    XCTAssertNotEqual(none.status, 0, none.output)
    XCTAssertTrue(
      none.stderr.contains(
        "remote: \(clone.head.prefix(8)): models/credit.yaml:2:1: error: no run of 'credit-risk' 1.4.0 was reproduced (1 recorded run, no reproduction) [runs/reproduced]"
      ),
      none.stderr)

    let failed = clone.mlgit("reproduce", claimed, "--yes", "--tolerance", "0.001")
    XCTAssertEqual(failed.status, 1, failed.output)
    XCTAssertTrue(failed.stderr.contains("(not reproduced)"), failed.stderr)
    let stillRefused = pushRunsThenMain(clone)
    XCTAssertNotEqual(stillRefused.status, 0, stillRefused.output)
    XCTAssertTrue(
      stillRefused.stderr.contains(
        "remote: \(clone.head.prefix(8)): models/credit.yaml:2:1: error: no run of 'credit-risk' 1.4.0 was reproduced: the latest attempt, "
      ),
      stillRefused.stderr)
    XCTAssertTrue(
      stillRefused.stderr.contains(
        "of run \(claimed), did not reproduce (metrics beyond tolerance 0.001) [runs/reproduced]"), stillRefused.stderr)

    XCTAssertEqual(clone.mlgit("run", "--metrics", "metrics.json", "--", "sh", "train.sh").status, 0)
    let honest = try XCTUnwrap(runIDs(clone).first { $0 != claimed })
    let reproduced = clone.mlgit("reproduce", honest, "--yes")
    XCTAssertEqual(reproduced.status, 0, reproduced.output)
    let accepted = pushRunsThenMain(clone)
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("main"), clone.head)

    // The listings show the verdicts: the ledger holds both, beside the runs.
    let tsv = clone.mlgit("runs").stdout.split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false)
    }
    XCTAssertEqual(tsv.first { $0.first.map(String.init) == honest }?[6], "yes", "\(tsv)")
    XCTAssertEqual(tsv.first { $0.first.map(String.init) == claimed }?[6], "no", "\(tsv)")
    let json = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(clone.mlgit("runs", "--format", "json").stdout.utf8))
        as? [String: Any])
    let verdicts = try XCTUnwrap(json["reproductions"] as? [[String: Any]])
    XCTAssertEqual(verdicts.map { $0["schema"] as? String }, ["mlgit.reproduction/1", "mlgit.reproduction/1"])
    let good = try XCTUnwrap(verdicts.first { $0["run"] as? String == honest })
    XCTAssertEqual(good["reproduced"] as? Bool, true)
    XCTAssertEqual(good["user"] as? String, "alice@example.com")
    XCTAssertEqual(good["commit"] as? String, clone.head)
    XCTAssertNotNil(good["at"] as? String)
    XCTAssertEqual(good["tolerance"] as? Double, 0)
    let bad = try XCTUnwrap(verdicts.first { $0["run"] as? String == claimed })
    XCTAssertEqual(bad["reproduced"] as? Bool, false)
    XCTAssertEqual(bad["tolerance"] as? Double, 0.001)
    let auc = try XCTUnwrap((bad["metrics"] as? [String: [String: Double]])?["auc"])
    XCTAssertEqual(auc["recorded"], 0.93)
    XCTAssertEqual(auc["reproduced"], 0.81)
    XCTAssertEqual(auc["difference"] ?? 0, 0.12, accuracy: 1e-9)
    let shown = clone.mlgit("runs", "show", claimed).stdout
    XCTAssertTrue(shown.contains("reproductions\n  "), shown)
    XCTAssertTrue(shown.contains(" not reproduced by alice@example.com at "), shown)
    XCTAssertTrue(shown.contains("(tolerance 0.001; differences: auc 0.12"), shown)
  }

  func testTheServerRefusesAReproductionFiledUnderAnotherCommit() {
    let (remote, clone) = remoteWithPolicy("  runs/reproduced: warning\n")
    defer { withExtendedLifetime(remote) {} }
    writeModel(clone)
    clone.stage()
    let first = clone.commitFixture("model")
    clone.write("README.md", "x\n")
    clone.stage()
    let second = clone.commitFixture("readme")
    // A verdict about a run on `first`, attached to `second`.
    let line =
      #"{"at":"2026-01-02T00:00:00Z","commit":"\#(first)","exit":0,"host":"h","id":"repr00000001","metrics":{},"model":"credit-risk","reproduced":true,"run":"0123456789ab","schema":"mlgit.reproduction/1","tolerance":0,"user":"mallory@example.com"}"#
    XCTAssertEqual(clone.git("notes", "--ref=mlgit/runs", "add", "-m", line, second).status, 0)
    let push = clone.git("push", "origin", "refs/notes/mlgit/runs")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains(
        ": refs/notes/mlgit/runs:1:1: error: record 1 of the note on \(second) is not an mlgit.run/1 record (a reproduction of a run on \(first.prefix(12)) must be in that commit's note)"
      ),
      push.stderr)
    XCTAssertTrue(push.stderr.contains("[ledger/record-schema]"), push.stderr)
  }

  // MARK: The score

  func testTheseRulesRaiseTheirTestsFromZeroToHalfToOne() throws {
    let repo = TempRepository()
    writeModel(repo, extra: "budget: {train_seconds: 600, peak_memory_mb: 2048}\nstaleness: {max_age_days: 30}\n")
    repo.write("train.sh", "#!/bin/sh\npython3 train.py\n")
    repo.stage()
    repo.commitFixture("model")
    let tests = ["infra-1", "monitor-4", "monitor-6"]
    func points(_ environment: [String: String] = [:]) -> [String: Double] {
      let result = repo.mlgit(["score", "--format", "json"], environment: environment)
      XCTAssertEqual(result.status, 0, result.output)
      let document = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any]
      let model = (document?["models"] as? [[String: Any]])?.first ?? [:]
      let all = ((model["sections"] as? [[String: Any]]) ?? []).flatMap { ($0["tests"] as? [[String: Any]]) ?? [] }
      var found: [String: Double] = [:]
      for test in all {
        if let id = test["id"] as? String, tests.contains(id) { found[id] = test["points"] as? Double }
      }
      return found
    }
    XCTAssertEqual(points(), ["infra-1": 0, "monitor-4": 0, "monitor-6": 0])

    XCTAssertEqual(repo.mlgit("run", "--metrics", "metrics.json", "--", "sh", "train.sh").status, 0)
    XCTAssertEqual(points(), ["infra-1": 0, "monitor-4": 0.5, "monitor-6": 0.5])
    let id = try XCTUnwrap(runIDs(repo).first)
    XCTAssertEqual(repo.mlgit("reproduce", id, "--yes").status, 0)
    XCTAssertEqual(points(), ["infra-1": 0.5, "monitor-4": 0.5, "monitor-6": 0.5])

    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\n")
    repo.stage()
    repo.commitFixture("strict pack")
    XCTAssertEqual(points(), ["infra-1": 1, "monitor-4": 1, "monitor-6": 1])

    // Forty days on, the model is stale: not "not too stale", whatever enforces it at push.
    let later = RunEvidenceTests.iso(Date().addingTimeInterval(40 * 86_400))
    XCTAssertEqual(points(["MLGIT_NOW": later]), ["infra-1": 1, "monitor-4": 0, "monitor-6": 1])
    let text = repo.mlgit(["score"], environment: ["MLGIT_NOW": later]).stdout
    XCTAssertTrue(
      text.contains("'credit-risk' 1.4.0 is stale now (newest run \(id), 40 days old, over staleness.max_age_days 30)"),
      text)
  }

  func testAnEnforcedBudgetRuleWithoutABudgetEarnsHalf() throws {
    let repo = TempRepository()
    writeModel(repo)
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\n")
    repo.stage()
    repo.commitFixture("strict, no budget")
    let result = repo.mlgit("score", "--format", "json")
    let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let model = try XCTUnwrap((document["models"] as? [[String: Any]])?.first)
    let all = ((model["sections"] as? [[String: Any]]) ?? []).flatMap { ($0["tests"] as? [[String: Any]]) ?? [] }
    let budget = try XCTUnwrap(all.first { $0["id"] as? String == "monitor-6" })
    XCTAssertEqual(budget["points"] as? Double, 0.5)
    XCTAssertTrue(
      (budget["hint"] as? String ?? "").contains("declare the budget in models/credit.yaml: `budget: {"), "\(budget)")
  }
}
