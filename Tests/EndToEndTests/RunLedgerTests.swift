import Foundation
import XCTest

/// `mlgit run`, `mlgit runs`, `mlgit sync`, `mlgit reproduce` on real repositories.
final class RunLedgerTests: XCTestCase {
  func testRunIsRecordedOnHeadAndReadableByStockGit() throws {
    let repo = TempRepository()
    let head = repo.commitTrainableModel()
    let result = repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(
      result.stdout.contains("training on 3 rows"), "the command's output streams through: \(result.output)")
    let lines = repo.runLines()
    XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
    let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    XCTAssertEqual(record["schema"] as? String, "mlgit.run/1")
    XCTAssertEqual(record["commit"] as? String, head)
    XCTAssertEqual(record["model"] as? String, "credit-risk")
    XCTAssertEqual(record["command"] as? String, "./train.sh")
    XCTAssertEqual(record["exit"] as? Int, 0)
    XCTAssertEqual(record["dirty"] as? Bool, false)
    XCTAssertEqual(record["user"] as? String, "alice@example.com")
    XCTAssertEqual((record["metrics"] as? [String: Double])?["auc"], 0.81)
    XCTAssertEqual((record["params"] as? [String: Any])?["max_depth"] as? Int, 6)
    let sha = String(Shell.run("/usr/bin/sha256sum", ["data/train.csv"], in: repo.path).stdout.prefix(64))
    XCTAssertEqual((record["data"] as? [String: String])?["data/train.csv"], sha)
    XCTAssertTrue(lines[0].hasPrefix(#"{"command":"./train.sh","commit":""#), "canonical: sorted keys, no spaces")
    let started = try XCTUnwrap(record["started"] as? String)
    XCTAssertNotNil(started.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression), started)

    // The command's exit status is kept, and the failed run is recorded too.
    let failed = repo.mlgit("run", "--", "sh", "-c", "exit 3")
    XCTAssertEqual(failed.status, 3, failed.output)
    XCTAssertEqual(repo.runLines().count, 2)

    let id = try XCTUnwrap(record["id"] as? String)
    let listed = repo.mlgit("runs", "--model", "credit-risk")
    XCTAssertEqual(listed.status, 0, listed.output)
    XCTAssertEqual(listed.stdout.split(separator: "\n").count, 2, listed.stdout)
    XCTAssertTrue(listed.stdout.contains("\(id)\t\(head.prefix(8))\tcredit-risk\t"), listed.stdout)
    let shown = repo.mlgit("runs", "show", id)
    XCTAssertTrue(shown.stdout.contains("auc = 0.81"), shown.output)
    let json = repo.mlgit("runs", "--all", "--format", "json")
    XCTAssertTrue(json.stdout.hasPrefix(#"{"runs":[{"#), json.output)
  }

  func testListingReadsNotesGitWroteNewestFirstWithMetricsByName() throws {
    let repo = TempRepository()
    let first = repo.commitFile("a.txt", "a\n", "first")
    let second = repo.commitFile("b.txt", "b\n", "second")
    func run(
      _ id: String, _ commit: String, _ started: String, _ metrics: String, model: String = "m", exit: String = "0"
    ) -> String {
      #"{"schema":"mlgit.run/1","id":"\#(id)","commit":"\#(commit)","model":"\#(model)","started":"\#(started)","exit":\#(exit),"dirty":false,"metrics":\#(metrics)}"#
    }
    // Notes written by stock git (flat layout), with a line that is not a run and numbers
    // written other than as mlgit writes them.
    let onFirst = [
      run("r1", first, "2026-01-01T00:00:01Z", #"{"loss":0.50,"auc":0.8}"#),
      "not a run",
      run("r2", first, "2026-01-01T00:00:01Z", #"{"zeta":1e-3,"alpha":2}"#, exit: "2.9"),
    ]
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "add", "-m", onFirst.joined(separator: "\n"), first).status, 0)
    XCTAssertEqual(
      repo.git(
        "notes", "--ref=mlgit/runs", "add", "-m",
        run("r3", second, "2026-01-02T00:00:00Z", "{}", model: "other"), second
      ).status, 0)
    let listed = repo.mlgit("runs", "--all")
    XCTAssertEqual(listed.status, 0, listed.output)
    XCTAssertEqual(
      listed.stdout,
      """
      r3\t\(second.prefix(8))\tother\t2026-01-02T00:00:00Z\t0\tno\t-\t
      r2\t\(first.prefix(8))\tm\t2026-01-01T00:00:01Z\t2\tno\t-\talpha=2 zeta=0.001
      r1\t\(first.prefix(8))\tm\t2026-01-01T00:00:01Z\t0\tno\t-\tauc=0.8 loss=0.5

      """)
    XCTAssertEqual(
      repo.mlgit("runs", "--all", "--model", "m").stdout.split(separator: "\n").map { $0.prefix(2) }, ["r2", "r1"])
    XCTAssertEqual(repo.mlgit("runs", second).stdout.split(separator: "\n").map { $0.prefix(2) }, ["r3"])
    XCTAssertEqual(
      repo.mlgit("runs").stdout.split(separator: "\n").map { $0.prefix(2) }, ["r3", "r2", "r1"], "HEAD's history")
    // JSON output: the ledger lines as written, newest first.
    let json = repo.mlgit("runs", "--all", "--format", "json").stdout
    XCTAssertEqual(
      json,
      #"{"runs":["#
        + [run("r3", second, "2026-01-02T00:00:00Z", "{}", model: "other"), onFirst[2], onFirst[0]].joined(
          separator: ",") + "]}\n")
    let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    XCTAssertEqual((parsed["runs"] as? [Any])?.count, 3)
  }

  func testListingAndShowGiveOneVerdictOnEscapes() {
    let repo = TempRepository()
    let head = repo.commitFile("a.txt", "a\n", "first")
    func run(_ id: String, host: String) -> String {
      #"{"schema":"mlgit.run/1","id":"\#(id)","commit":"\#(head)","model":"m","started":"2026-01-01T00:00:01Z","exit":0,"host":"\#(host)","metrics":{}}"#
    }
    // `\q` is no JSON escape: the line is not a run, for the listing and for `runs show`.
    let lines = [run("badescape01", host: #"gpu\q"#), run("goodescape1", host: #"gpu\u0031\"x\""#)]
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "add", "-m", lines.joined(separator: "\n"), head).status, 0)
    let listed = repo.mlgit("runs", "--all")
    XCTAssertEqual(listed.status, 0, listed.output)
    XCTAssertEqual(listed.stdout, "goodescape1\t\(head.prefix(8))\tm\t2026-01-01T00:00:01Z\t0\tno\t-\t\n")
    XCTAssertEqual(repo.mlgit("runs", "--all", "--format", "json").stdout, #"{"runs":["# + lines[1] + "]}\n")
    let bad = repo.mlgit("runs", "show", "badescape01")
    XCTAssertEqual(bad.status, 2, bad.output)
    XCTAssertTrue(bad.stderr.contains("no recorded run has id 'badescape01'"), bad.stderr)
    let good = repo.mlgit("runs", "show", "goodescape1")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertTrue(good.stdout.contains(#"gpu1"x""#), good.stdout)
  }

  func testRunOnADataFileThatDoesNotMatchTheSpecIsRefused() {
    let repo = TempRepository()
    repo.commitTrainableModel()
    repo.write("data/train.csv", "changed\n")
    let result = repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(result.stderr.contains("models/credit.yaml:"), result.stderr)
    XCTAssertTrue(result.stderr.contains("error: data 'train' data/train.csv has sha256"), result.stderr)
    XCTAssertEqual(repo.runLines(), [])
  }

  func testDirtyTreeIsRecordedOrRefusedUnderStrict() {
    let repo = TempRepository()
    repo.commitTrainableModel()
    repo.write("train.sh", (repo.read("train.sh") ?? "") + "# tweak\n")
    let dirty = repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(dirty.status, 0, dirty.output)
    XCTAssertTrue(repo.runLines().first?.contains(#""dirty":true"#) ?? false, repo.runLines().joined())

    let strict = TempRepository()
    strict.commitTrainableModel(config: "apiVersion: mlgit/v1\nextends: [strict]\n")
    strict.write("train.sh", (strict.read("train.sh") ?? "") + "# tweak\n")
    let refused = strict.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stderr.contains("uncommitted changes; commit or stash them first [runs/clean-tree]"), refused.stderr)
    XCTAssertFalse(refused.stdout.contains("training"), "the command must not run")
    XCTAssertEqual(strict.runLines(), [])
    strict.git("checkout", "train.sh")
    XCTAssertEqual(strict.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh").status, 0)
    XCTAssertEqual(strict.runLines().count, 1)
  }

  func testBadMetricsFilesAreRefusedWithClearErrors() {
    let repo = TempRepository()
    repo.commitTrainableModel()
    let cases: [(String, String)] = [
      (#"{"auc": NaN}"#, "metric 'auc' is NaN; metrics must be finite numbers"),
      (#"{"auc": 0.8, "loss": Infinity}"#, "metric 'loss' is infinite; metrics must be finite numbers"),
      (#"{"auc": "high"}"#, "m.json: no metric is a number ('auc' is the string \"high\"); metrics must be numbers"),
      (#"{"auc": [0.8], "n": null}"#, "m.json: no metric is a number ('auc' is a list, and 1 more)"),
      (
        "not json",
        "m.json: not a JSON document: invalid JSON at byte 0: unexpected character (line 1, column 1); metrics must be a JSON object of name -> number"
      ),
      (
        "{\n  \"auc\": 0.8,\n}",
        "m.json: not a JSON document: invalid JSON at byte 16: expected a key (line 3, column 1)"
      ),
      (
        "auc: 0.8\nloss: 0.2\n",
        "m.json: not a JSON document: invalid JSON at byte 0: expected a value (line 1, column 1); metrics must be a JSON object"
      ),
      (#"{"a\qb": 1}"#, "m.json: not a JSON document: invalid JSON at byte 3: bad escape '\\q' (line 1, column 4)"),
      ("[1]", "m.json: metrics must be a JSON object of name -> number"),
    ]
    for (text, message) in cases {
      repo.write("m.json", text)
      let recorded = repo.mlgit("run", "record", "--metrics", "m.json")
      XCTAssertEqual(recorded.status, 2, recorded.output)
      XCTAssertTrue(recorded.stderr.contains(message), "\(text): \(recorded.stderr)")
      XCTAssertFalse(recorded.stderr.contains("Error:"), "no usage dump: \(recorded.stderr)")
      XCTAssertFalse(recorded.stderr.contains("could not be completed"), recorded.stderr)
      XCTAssertFalse(recorded.stderr.contains("MLSpec."), "no Swift type names: \(recorded.stderr)")
    }
    // A command that writes NaN: the run is refused, not recorded with a bad value.
    let run = repo.mlgit("run", "--metrics", "out.json", "--", "sh", "-c", #"echo '{"auc": NaN}' > out.json"#)
    XCTAssertEqual(run.status, 2, run.output)
    XCTAssertTrue(run.stderr.contains("out.json: metric 'auc' is NaN"), run.stderr)
    let missing = repo.mlgit("run", "--metrics", "never.json", "--", "true")
    XCTAssertEqual(missing.status, 2, missing.output)
    XCTAssertTrue(missing.stderr.contains("metrics file never.json does not exist"), missing.stderr)
    XCTAssertEqual(repo.runLines(), [])
  }

  func testAMetricsFileLeftJustBeforeTheRunIsNotRecordedAsItsOwn() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    // An earlier step wrote metrics.json a moment (well within one second) before the run.
    repo.write("metrics.json", #"{"auc": 0.99}"#)
    let crashed = repo.mlgit("run", "--metrics", "metrics.json", "--", "sh", "-c", "exit 5")
    XCTAssertEqual(crashed.status, 5, crashed.output)
    let lines = repo.runLines()
    XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
    XCTAssertTrue(lines[0].contains(#""exit":5"#) && lines[0].contains(#""metrics":{}"#), lines[0])

    repo.write("metrics.json", #"{"auc": 0.98}"#)
    let idle = repo.mlgit("run", "--metrics", "metrics.json", "--", "true")
    XCTAssertEqual(idle.status, 2, idle.output)
    XCTAssertTrue(idle.stderr.contains("mlgit: metrics file metrics.json was not written by this run"), idle.stderr)
    XCTAssertEqual(repo.runLines().count, 1)

    // The same content written again by the run is the run's own.
    let same = repo.mlgit(
      "run", "--metrics", "metrics.json", "--", "sh", "-c", #"printf '{"auc": 0.98}' > metrics.json"#)
    XCTAssertEqual(same.status, 0, same.output)
    XCTAssertEqual(repo.runLines().count, 2)
    XCTAssertEqual(
      repo.runLines().filter { $0.contains(#""metrics":{"auc":0.98}"#) }.count, 1,
      repo.runLines().joined(separator: "\n"))
  }

  func testRecordElsewhereOnAnotherCommitWithParams() {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    repo.commitFixture("later")
    repo.write("m.json", #"{"auc": 0.9}"#)
    repo.write("p.yaml", "learning_rate: 0.1\n")
    let result = repo.mlgit(
      "run", "record", "--metrics", "m.json", "--params", "p.yaml", "--commit", "HEAD~1", "--command", "python train.py"
    )
    XCTAssertEqual(result.status, 0, result.output)
    let lines = repo.runLines(first)
    XCTAssertEqual(lines.count, 1)
    XCTAssertTrue(lines[0].contains(#""params":{"learning_rate":0.1}"#), lines[0])
    XCTAssertTrue(lines[0].contains(#""model":"credit-risk""#), lines[0])
    XCTAssertEqual(repo.runLines("HEAD"), [])
  }

  func testEightConcurrentWritersLoseNoRecord() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    repo.write("m.json", #"{"auc": 0.8}"#)
    let script =
      "for i in $(seq 1 25); do '\(Shell.mlgit)' run record --metrics m.json --command \"writer $W record $i\" >/dev/null || exit 1; done"
    var processes: [Process] = []
    for writer in 1...8 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", script]
      process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
      process.environment = Shell.baseEnvironment.merging(["W": String(writer)]) { $1 }
      process.standardError = FileHandle.nullDevice
      try process.run()
      processes.append(process)
    }
    for process in processes {
      process.waitUntilExit()
      XCTAssertEqual(process.terminationStatus, 0)
    }
    let lines = repo.runLines()
    XCTAssertEqual(lines.count, 200)
    XCTAssertEqual(
      Set(lines.map { $0.components(separatedBy: #""command":""#)[1].prefix(while: { $0 != "\"" }) }).count, 200)
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "list").stdout.split(separator: "\n").count, 1)
  }

  func testRecordsFollowAmendAndRebase() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitTrainableModel()
    XCTAssertEqual(repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh").status, 0)
    let before = repo.runLines()
    repo.write("README", "about\n")
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-q", "--amend", "--no-edit").status, 0)
    XCTAssertEqual(repo.runLines(), before, "the record follows commit --amend")

    repo.git("checkout", "-q", "-b", "feature")
    repo.write("notes.txt", "feature work\n")
    repo.stage()
    repo.commitFixture("feature work")
    XCTAssertEqual(repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh").status, 0)
    let featureRun = repo.runLines()
    repo.git("checkout", "-q", "main")
    repo.write("other.txt", "main moved\n")
    repo.stage()
    repo.commitFixture("main moves")
    repo.git("checkout", "-q", "feature")
    let rebase = repo.git("rebase", "-q", "main")
    XCTAssertEqual(rebase.status, 0, rebase.output)
    XCTAssertEqual(repo.runLines(), featureRun, "the record follows rebase")
  }

  func testStockNotesMergeKeepsEveryLineAfterInstall() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    XCTAssertEqual(repo.git("config", "notes.mlgit/runs.mergeStrategy").stdout, "cat_sort_uniq\n")
    let head = repo.commitTrainableModel()
    repo.git("notes", "--ref=mlgit/runs", "add", "-m", #"{"id":"base"}"#, head)
    repo.git("update-ref", "refs/notes/mlgit/other", "refs/notes/mlgit/runs")
    repo.git("notes", "--ref=mlgit/runs", "append", "-m", #"{"id":"ours"}"#, head)
    repo.git("notes", "--ref=mlgit/other", "append", "-m", #"{"id":"theirs"}"#, head)
    let merge = repo.git("notes", "--ref=mlgit/runs", "merge", "mlgit/other")
    XCTAssertEqual(merge.status, 0, merge.output)
    XCTAssertEqual(repo.runLines(head), [#"{"id":"base"}"#, #"{"id":"ours"}"#, #"{"id":"theirs"}"#])
    XCTAssertEqual(repo.mlgit("uninstall").status, 0)
    XCTAssertEqual(
      repo.git("config", "--get-regexp", "^(notes|mlgit)\\.").stdout, "", "uninstall removes exactly what install added"
    )
  }

  func testUninstallKeepsTheUsersOwnNotesSettings() {
    let repo = TempRepository()
    repo.git("config", "notes.rewriteMode", "concatenate")
    repo.git("config", "--add", "notes.rewriteRef", "refs/notes/commits")
    XCTAssertEqual(repo.mlgit("install").status, 0)
    XCTAssertEqual(
      repo.git("config", "--get-all", "notes.rewriteRef").stdout, "refs/notes/commits\nrefs/notes/mlgit/*\n")
    XCTAssertEqual(repo.git("config", "notes.rewriteMode").stdout, "concatenate\n")
    XCTAssertEqual(repo.mlgit("uninstall").status, 0)
    XCTAssertEqual(
      repo.git("config", "--get-regexp", "^(notes|mlgit)\\.").stdout,
      "notes.rewritemode concatenate\nnotes.rewriteref refs/notes/commits\n")
  }

  func testTwoClonesSyncEveryRecordThroughABareRemote() {
    let remote = TempRepository.bareRemote()
    let seed = TempRepository()
    let base = seed.commitTrainableModel()
    seed.git("remote", "add", "origin", remote.path)
    XCTAssertEqual(seed.git("push", "-q", "origin", "main").status, 0)
    let alice = seed.cloneOf(remote, name: "alice")
    let bob = seed.cloneOf(remote, name: "bob")
    XCTAssertEqual(alice.mlgit("install").status, 0)
    XCTAssertEqual(
      alice.git("config", "--get-all", "remote.origin.fetch").stdout,
      "+refs/heads/*:refs/remotes/origin/*\n+refs/notes/mlgit/*:refs/mlgit/sync/origin/*\n")

    // Both record on the same commit, and each on a commit of their own.
    for (clone, who) in [(alice, "alice"), (bob, "bob")] {
      clone.write("m.json", #"{"auc": 0.8}"#)
      XCTAssertEqual(clone.mlgit("run", "record", "--metrics", "m.json", "--command", "\(who) on base").status, 0)
      clone.write("\(who).txt", who)
      clone.stage()
      clone.commitFixture("\(who)'s work")
      XCTAssertEqual(clone.mlgit("run", "record", "--metrics", "m.json", "--command", "\(who) on own").status, 0)
      XCTAssertEqual(clone.git("push", "-q", "origin", "HEAD:refs/heads/\(who)").status, 0)
    }
    let aliceFirst = alice.mlgit("sync")
    XCTAssertEqual(aliceFirst.status, 0, aliceFirst.output)
    let bobSync = bob.mlgit("sync", "origin")
    XCTAssertEqual(bobSync.status, 0, bobSync.output)
    XCTAssertTrue(bobSync.stdout.contains("runs (merged)"), bobSync.stdout)
    XCTAssertEqual(alice.mlgit("sync").status, 0)
    bob.git("fetch", "-q", "origin")
    alice.git("fetch", "-q", "origin")

    let expected = ["alice on base", "bob on base", "alice on own", "bob on own"]
    for clone in [alice, bob] {
      let all = clone.mlgit("runs", "--all", "--format", "json").stdout
      for command in expected {
        XCTAssertTrue(all.contains(#""command":"\#(command)""#), "\(command) missing in \(clone.path)")
      }
      XCTAssertEqual(clone.runLines(base).count, 2, clone.runLines(base).joined(separator: "\n"))
      XCTAssertEqual(clone.runLines("origin/alice").count, 1)
      XCTAssertEqual(clone.runLines("origin/bob").count, 1)
    }
    let remoteNotes = remote.git("notes", "--ref=mlgit/runs", "list").stdout.split(separator: "\n").count
    XCTAssertEqual(remoteNotes, 3)
    XCTAssertEqual(
      alice.git("rev-parse", "refs/notes/mlgit/runs").stdout, remote.git("rev-parse", "refs/notes/mlgit/runs").stdout)
    XCTAssertEqual(
      bob.git("rev-parse", "refs/notes/mlgit/runs").stdout, remote.git("rev-parse", "refs/notes/mlgit/runs").stdout)

    // A second sync changes nothing.
    let tip = remote.git("rev-parse", "refs/notes/mlgit/runs").stdout
    let again = bob.mlgit("sync")
    XCTAssertEqual(again.status, 0, again.output)
    XCTAssertEqual(again.stdout, "mlgit: notes up to date with origin\n")
    XCTAssertEqual(remote.git("rev-parse", "refs/notes/mlgit/runs").stdout, tip)
  }

  func testSyncOnPushIsOptInAndDoesNotRecurse() {
    let remote = TempRepository.bareRemote()
    let repo = TempRepository()
    repo.commitTrainableModel(config: "apiVersion: mlgit/v1\nsync_on_push: true\n")
    repo.git("remote", "add", "origin", remote.path)
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("m.json", #"{"auc": 0.8}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json").status, 0)
    let push = repo.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertEqual(remote.git("notes", "--ref=mlgit/runs", "list").stdout.split(separator: "\n").count, 1, push.output)
    XCTAssertEqual(
      push.stderr.components(separatedBy: "mlgit: pushed runs").count, 2, "one sync, no recursion: \(push.stderr)")

    let optOut = TempRepository()
    optOut.commitTrainableModel()
    let quiet = TempRepository.bareRemote()
    optOut.git("remote", "add", "origin", quiet.path)
    XCTAssertEqual(optOut.mlgit("install").status, 0)
    optOut.write("m.json", #"{"auc": 0.8}"#)
    XCTAssertEqual(optOut.mlgit("run", "record", "--metrics", "m.json").status, 0)
    XCTAssertEqual(optOut.git("push", "-q", "origin", "main").status, 0)
    XCTAssertEqual(quiet.git("notes", "--ref=mlgit/runs", "list").stdout, "")
  }

  func testReproduceComparesMetricsAndRemovesTheWorktree() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    XCTAssertEqual(repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh").status, 0)
    let id = try XCTUnwrap(repo.mlgit("runs").stdout.split(separator: "\t").first.map(String.init))
    let ok = repo.mlgit("reproduce", id, "--yes")
    XCTAssertEqual(ok.status, 0, ok.output)
    XCTAssertTrue(ok.stdout.contains("auc     0.81      0.81        0     ok"), ok.stdout)
    XCTAssertTrue(ok.stdout.contains("mlgit: run \(id) reproduces (2 metrics exactly)"), ok.stdout)

    // A run recorded elsewhere with other numbers does not reproduce, except within tolerance.
    repo.write("m.json", #"{"auc": 0.8, "loss": 0.25}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", "./train.sh").status, 0)
    let other = try XCTUnwrap(
      repo.mlgit("runs").stdout.split(separator: "\n").first?.split(separator: "\t").first.map(String.init))
    let differs = repo.mlgit("reproduce", other, "--yes")
    XCTAssertEqual(differs.status, 1, differs.output)
    XCTAssertTrue(differs.stdout.contains("DIFFERS"), differs.stdout)
    XCTAssertTrue(differs.stdout.contains("does not reproduce"), differs.stdout)
    XCTAssertEqual(repo.mlgit("reproduce", other, "--yes", "--tolerance", "0.02").status, 0)

    // A failing command still leaves no worktree behind.
    repo.write("m.json", #"{"auc": 0.8}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", "exit 4").status, 0)
    let broken = try XCTUnwrap(
      repo.mlgit("runs").stdout.split(separator: "\n").first?.split(separator: "\t").first.map(String.init))
    XCTAssertEqual(repo.mlgit("reproduce", broken, "--yes").status, 1)
    XCTAssertEqual(
      repo.git("worktree", "list").stdout.split(separator: "\n").count, 1, repo.git("worktree", "list").stdout)
    XCTAssertTrue(
      ((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
        .filter { $0.hasPrefix("mlgit-reproduce-\(broken)") }.isEmpty)
  }

  /// The id of the newest run listed.
  func newestRun(_ repo: TempRepository) throws -> String {
    try XCTUnwrap(repo.mlgit("runs").stdout.split(separator: "\n").first?.split(separator: "\t").first.map(String.init))
  }

  func testReproduceShowsTheRecordedCommandAndRunsItOnlyWhenConfirmed() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    let marker = repo.root + "/ran"
    repo.write("m.json", #"{"auc": 0.8}"#)
    let command = "touch \(marker); printf '{\"auc\": 0.8}' > metrics.json"
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", command).status, 0)
    let id = try newestRun(repo)

    // No terminal (the tests' stdin is /dev/null) and no --yes: refused, nothing run.
    let refused = repo.mlgit("reproduce", id)
    XCTAssertEqual(refused.status, 2, refused.output)
    XCTAssertTrue(refused.stderr.contains("mlgit: run \(id) was recorded by alice@example.com on "), refused.stderr)
    XCTAssertTrue(refused.stderr.contains("\n    \(command)\n"), refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains("mlgit: not run: the command comes from refs/notes/mlgit/runs"), refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains("hint: read it (`mlgit runs show \(id)`), then pass --yes to run it"), refused.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the command must not run")
    XCTAssertEqual(repo.git("worktree", "list").stdout.split(separator: "\n").count, 1)

    // On a terminal: asked; anything but yes declines.
    func onTerminal(_ answer: String) -> CommandResult {
      Shell.run(
        "/usr/bin/script", ["-qec", "'\(Shell.mlgit)' reproduce \(id)", "/dev/null"], in: repo.path, input: answer)
    }
    let declined = onTerminal("n\n")
    XCTAssertEqual(declined.status, 1, declined.output)
    XCTAssertTrue(declined.stdout.contains("Run it? [y/N]"), declined.stdout)
    XCTAssertTrue(declined.stdout.contains("mlgit: not run; nothing was compared"), declined.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    let accepted = onTerminal("y\n")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertTrue(accepted.stdout.contains("mlgit: run \(id) reproduces (1 metrics exactly)"), accepted.stdout)
    XCTAssertTrue(FileManager.default.fileExists(atPath: marker))

    // Control characters in the command are shown escaped, so the terminal shows what runs.
    try FileManager.default.removeItem(atPath: marker)
    let hidden = "touch \(marker)\r\u{1B}[2Kecho harmless"
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", hidden).status, 0)
    let shown = repo.mlgit("reproduce", try newestRun(repo))
    XCTAssertEqual(shown.status, 2, shown.output)
    XCTAssertTrue(shown.stderr.contains("    touch \(marker)\\r\\u{1B}[2Kecho harmless\n"), shown.stderr)
    XCTAssertFalse(shown.stderr.contains("\u{1B}"), "no raw ESC reaches the terminal")
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
  }

  func testReproducingARunWithoutMetricsSaysNothingWasCompared() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    XCTAssertEqual(repo.mlgit("run", "--", "true").status, 0)
    let id = try newestRun(repo)
    XCTAssertTrue(repo.runLines().first?.contains(#""metrics":{}"#) ?? false, repo.runLines().joined())
    let plain = repo.mlgit("reproduce", id, "--yes")
    XCTAssertEqual(plain.status, 1, plain.output)
    XCTAssertTrue(
      plain.stdout.contains("mlgit: run \(id) recorded no metrics: nothing was compared (the exit status, 0, matches)"),
      plain.stdout)
    XCTAssertTrue(
      plain.stdout.contains("hint: pass --allow-no-metrics to accept a matching exit status alone"), plain.stdout)
    XCTAssertFalse(plain.stdout.contains("reproduces ("), plain.stdout)
    let allowed = repo.mlgit("reproduce", id, "--yes", "--allow-no-metrics")
    XCTAssertEqual(allowed.status, 0, allowed.output)
    XCTAssertTrue(
      allowed.stdout.contains(
        "mlgit: run \(id) recorded no metrics: only its exit status (0) was compared, and it matches"), allowed.stdout)

    // A metrics file the commit already holds is not the command's output.
    repo.write("metrics.json", #"{"auc": 0.5}"#)
    XCTAssertEqual(repo.git("add", "-f", "metrics.json").status, 0)
    repo.commitFixture("metrics committed")
    repo.write("m.json", #"{"auc": 0.5}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", "true").status, 0)
    let stale = repo.mlgit("reproduce", try newestRun(repo), "--yes")
    XCTAssertEqual(stale.status, 1, stale.output)
    XCTAssertTrue(
      stale.stdout.contains("the command did not write metrics.json (it is as the commit holds it)"), stale.stdout)
  }
}
