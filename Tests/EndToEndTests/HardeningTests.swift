import Foundation
import XCTest

/// Defects found by probing mlgit's edges: history checks' clock for `runs/stale`, usage
/// errors of `mlgit run`, and the processes mlgit starts.
final class HardeningTests: XCTestCase {
  static let day: Int = 86_400
  /// Whole seconds, so the days between two of these times are exact.
  static let now = Int(Date().timeIntervalSince1970)

  static func iso(_ seconds: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
  }

  /// git's author and committer dates set to `seconds`.
  static func dated(_ seconds: Int) -> [String: String] {
    ["GIT_AUTHOR_DATE": "@\(seconds) +0000", "GIT_COMMITTER_DATE": "@\(seconds) +0000"]
  }

  /// A repository whose root commit (dated `policyAt`) turns runs/stale on for protected branches.
  func staleRepository(policyAt: Int) -> (repo: TempRepository, base: String) {
    let repo = TempRepository()
    repo.write(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  runs/stale: {severity: error, branches: protected}\n")
    repo.stage()
    let base = repo.commitFixture("policy", environment: HardeningTests.dated(policyAt))
    return (repo, base)
  }

  /// Commits the model (staleness.max_age_days 30, line 16) dated `at`, with one run finished at `runFinished`.
  func commitModel(_ repo: TempRepository, at: Int, runFinished: Int) {
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(extra: "validation:\n  metrics:\n    auc: {min: 0.78}\nstaleness: {max_age_days: 30}\n"))
    repo.stage()
    repo.commitFixture("model", environment: HardeningTests.dated(at))
    let finished = HardeningTests.iso(runFinished)
    let line =
      #"{"commit":"\#(repo.head)","command":"python3 train.py","data":{},"dirty":false,"exit":0,"finished":"\#(finished)","host":"h","id":"oldrun000001","metrics":{"auc":0.81},"model":"credit-risk","params":{},"schema":"mlgit.run/1","started":"\#(finished)","user":"u@example.com","version":"1.4.0"}"#
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "append", "-m", line, repo.head).status, 0)
  }

  // MARK: runs/stale in history checks

  func testHistoryChecksJudgeStalenessAsOfEachCommitsTime() {
    let now = HardeningTests.now
    let day = HardeningTests.day
    let (repo, base) = staleRepository(policyAt: now - 200 * day)
    // Trained a day before the commit: fresh when it was committed, 100 days ago.
    commitModel(repo, at: now - 100 * day, runFinished: now - 101 * day)
    repo.write("README.md", "later\n")
    repo.stage()
    repo.commitFixture("later", environment: HardeningTests.dated(now - day))

    for arguments in [["check", "--range", "\(base)..HEAD"], ["check", "--all"]] {
      let checked = repo.mlgit(arguments)
      XCTAssertEqual(checked.status, 0, "\(arguments): \(checked.output)")
      XCTAssertFalse(checked.output.contains("[runs/stale]"), "\(arguments): \(checked.output)")
    }
    let audit = repo.mlgit("audit", "--format", "json")
    XCTAssertFalse(audit.stdout.contains("runs/stale"), audit.output)

  }

  func testAForgedOldCommitterDateIsJudgedNoEarlierThanItsParent() {
    let now = HardeningTests.now
    let day = HardeningTests.day
    let policyAt = now - 10 * day
    let (repo, base) = staleRepository(policyAt: policyAt)
    // Committed on top of a 10-day-old commit, yet dated 100 days ago, beside a run 101 days old.
    commitModel(repo, at: now - 100 * day, runFinished: now - 101 * day)
    let expected =
      "models/credit.yaml:16:27: error: newest run oldrun000001 of 'credit-risk' 1.4.0 finished \(HardeningTests.iso(now - 101 * day)), 91 days before the commit's time \(HardeningTests.iso(policyAt)), over staleness.max_age_days 30 [runs/stale]"
    for arguments in [["check", "--range", "\(base)..HEAD"], ["check", "--all"], ["check", "HEAD"]] {
      let checked = repo.mlgit(arguments)
      XCTAssertEqual(checked.status, 1, "\(arguments): \(checked.output)")
      XCTAssertTrue(checked.output.contains(expected), "\(arguments): \(checked.output)")
    }
  }

  // MARK: mlgit run record

  func testRunRecordRefusesACommandAfterTheTerminator() {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model")
    repo.write("metrics.json", #"{"auc": 0.81}"#)
    let result = repo.mlgit("run", "record", "--metrics", "metrics.json", "--", "touch", "ran")
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "mlgit: run record records a run made elsewhere and runs nothing, so it does not take a command after --, got 'touch ran'\n"
          + "  hint: to run it and record the run: mlgit run [--metrics FILE] -- touch ran; to name the command a recorded run ran: mlgit run record --command 'touch ran' …"
      ),
      result.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/ran"), "nothing ran")
    XCTAssertFalse(repo.mlgit("runs", "--format", "json").stdout.contains("\"id\""), "nothing was recorded")
  }

  // MARK: Processes mlgit starts

  /// A repository with hooks installed whose policy runs `.mlgit/checks/check.sh` (`script`) on every spec.
  func commandCheckRepository(
    _ script: String, timeout: Int = 5, program: String = "sh",
    file: String = ".mlgit/checks/check.sh"
  ) -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(
      ".mlgit/config.yml",
      "apiVersion: mlgit/v1\nrules:\n  acme/script:\n    check: {command: [\(program), \(file)]}\n    timeout: \(timeout)\n"
    )
    repo.write(file, script)
    repo.stage()
    repo.commitFixture("policy")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage("models/credit.yaml")
    return repo
  }

  /// True while `pid` runs (a zombie has ended).
  static func isRunning(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.range(of: ")", options: .backwards)
    else { return false }
    return !stat[close.upperBound...].hasPrefix(" Z")
  }

  func testACommandCheckIsNotWaitedForPastItsExitAndLeavesNothingRunning() throws {
    let pidFile = NSTemporaryDirectory() + "mlgit-grandchild-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: pidFile) }
    // The background sleep holds the check's standard output and error open after the check exits.
    let repo = commandCheckRepository(
      """
      sleep 1000 &
      echo $! > "$GRANDCHILD_PID_FILE"
      echo '{"message": "checked", "line": 2, "severity": "warning"}'

      """)
    let commit = Shell.run(
      Shell.git, ["commit", "-q", "-m", "credit model"], in: repo.path,
      environment: ["GRANDCHILD_PID_FILE": pidFile], timeout: 120)
    let pid = try XCTUnwrap(
      pid_t(
        (try? String(contentsOfFile: pidFile, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "the check ran: \(commit.output)")
    defer { if HardeningTests.isRunning(pid) { kill(pid, SIGKILL) } }
    XCTAssertEqual(commit.status, 0, commit.output)
    XCTAssertTrue(commit.stderr.contains("models/credit.yaml:2:1: warning: checked [acme/script]"), commit.stderr)
    XCTAssertFalse(commit.stderr.contains("did not finish"), commit.stderr)
    // SIGKILL is delivered asynchronously: give the kernel a moment to end it.
    var waited = 0
    while HardeningTests.isRunning(pid) && waited < 100 {
      usleep(100_000)
      waited += 1
    }
    XCTAssertFalse(HardeningTests.isRunning(pid), "the check's background process \(pid) outlived it")
  }

  func testACommandCheckThatRunsOutOfTimeIsKilledWithWhatItStarted() throws {
    let pidFile = NSTemporaryDirectory() + "mlgit-grandchild-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: pidFile) }
    let repo = commandCheckRepository(
      """
      sh -c 'sleep 1000' &
      echo $! > "$GRANDCHILD_PID_FILE"
      sleep 1000

      """, timeout: 1)
    let commit = Shell.run(
      Shell.git, ["commit", "-q", "-m", "credit model"], in: repo.path,
      environment: ["GRANDCHILD_PID_FILE": pidFile], timeout: 120)
    let pid = try XCTUnwrap(
      pid_t(
        (try? String(contentsOfFile: pidFile, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "the check ran: \(commit.output)")
    defer { if HardeningTests.isRunning(pid) { kill(pid, SIGKILL) } }
    XCTAssertNotEqual(commit.status, 0, commit.output)
    XCTAssertTrue(
      commit.stderr.contains(
        "models/credit.yaml:1:1: error: command check did not finish within 1 s: sh .mlgit/checks/check.sh [acme/script]"
      ), commit.stderr)
    var waited = 0
    while HardeningTests.isRunning(pid) && waited < 100 {
      usleep(100_000)
      waited += 1
    }
    XCTAssertFalse(HardeningTests.isRunning(pid), "the check's child \(pid) outlived its timeout")
  }

  /// A process that leaves the check's group (`setsid`) is killed too: one that is still
  /// the check's child when the check exits, and one orphaned at once by a double fork.
  /// mlgit adopts both (a child subreaper) and kills them once the check is reaped.
  func testACommandCheckCannotLeaveAProcessRunningByLeavingItsGroup() throws {
    let folder = NSTemporaryDirectory() + "mlgit-escapees-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for timeout in [5, 1] {
      let repo = commandCheckRepository(
        """
        setsid sh -c 'echo $$ > "$ESCAPEES/child"; exec sleep 1000' </dev/null >/dev/null 2>&1 &
        setsid sh -c 'sh -c "echo \\$$ > \\"$ESCAPEES/orphan\\"; exec sleep 1000" &' </dev/null >/dev/null 2>&1
        while [ ! -s "$ESCAPEES/child" ] || [ ! -s "$ESCAPEES/orphan" ]; do sleep 0.05; done
        echo '{"message": "checked", "line": 2, "severity": "warning"}'
        \(timeout == 1 ? "sleep 1000" : "")

        """, timeout: timeout)
      let commit = Shell.run(
        Shell.git, ["commit", "-q", "-m", "credit model"], in: repo.path,
        environment: ["ESCAPEES": folder], timeout: 120)
      var escapees: [String: pid_t] = [:]
      for name in ["child", "orphan"] {
        let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
        escapees[name] = try XCTUnwrap(
          pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "\(name) started: \(commit.output)")
        try? FileManager.default.removeItem(atPath: folder + "/" + name)
      }
      defer { for pid in escapees.values where HardeningTests.isRunning(pid) { kill(pid, SIGKILL) } }
      if timeout == 1 {
        XCTAssertNotEqual(commit.status, 0, commit.output)
        XCTAssertTrue(
          commit.stderr.contains(
            "models/credit.yaml:1:1: error: command check did not finish within 1 s: sh .mlgit/checks/check.sh [acme/script]"
          ), commit.stderr)
      } else {
        XCTAssertEqual(commit.status, 0, commit.output)
        XCTAssertTrue(
          commit.stderr.contains("models/credit.yaml:2:1: warning: checked [acme/script]"), commit.stderr)
      }
      for (name, pid) in escapees.sorted(by: { $0.key < $1.key }) {
        var waited = 0
        while HardeningTests.isRunning(pid) && waited < 100 {
          usleep(100_000)
          waited += 1
        }
        XCTAssertFalse(
          HardeningTests.isRunning(pid),
          "timeout \(timeout): the \(name) \(pid) that left the check's group outlived it")
      }
    }
  }

  /// A child mlgit had before its first command check (a launcher's, kept across `exec`)
  /// is not taken for something a check left behind: it runs on.
  func testAChildMlgitWasStartedWithOutlivesItsCommandChecks() throws {
    let pidFile = NSTemporaryDirectory() + "mlgit-inherited-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: pidFile) }
    let repo = commandCheckRepository(
      """
      echo '{"message": "checked", "line": 2, "severity": "warning"}'

      """)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0"))
    repo.stage("models/credit.yaml")
    // Python starts the child with every descriptor but 0 to 2 closed (the test's own
    // process runner waits until every holder of one it passes has closed it).
    let launcher = """
      import os, subprocess
      child = subprocess.Popen(["sleep", "1000"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
      open(os.environ["PID_FILE"], "w").write(str(child.pid))
      os.execv(os.environ["MLGIT"], [os.environ["MLGIT"], "check", "--staged"])
      """
    let checked = Shell.run(
      "/usr/bin/python3", ["-c", launcher], in: repo.path,
      environment: ["PID_FILE": pidFile, "MLGIT": Shell.mlgit], timeout: 120)
    let pid = try XCTUnwrap(
      pid_t(
        (try? String(contentsOfFile: pidFile, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), checked.output)
    defer { kill(pid, SIGKILL) }
    XCTAssertTrue(checked.stdout.contains("models/credit.yaml:2:1: warning: checked [acme/script]"), checked.output)
    XCTAssertTrue(HardeningTests.isRunning(pid), "the launcher's child \(pid) was killed")
  }

  /// Writes the program's open descriptors, `N -> target` a line, to $FD_LIST. The
  /// descriptor that reads the folder is closed again before it is looked up, so it is not listed.
  static let listFileDescriptors = """
    import os
    found = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            found.append(fd + " -> " + os.readlink("/proc/self/fd/" + fd))
        except OSError:
            pass
    open(os.environ["FD_LIST"], "w").write("\\n".join(found) + "\\n")

    """

  /// fd numbers from `N -> target` lines.
  static func descriptors(_ listing: String) -> Set<String> {
    Set(listing.split(separator: "\n").compactMap { $0.components(separatedBy: " -> ").first })
  }

  func testTheTrainingCommandInheritsOnlyItsStandardStreams() throws {
    let listFile = NSTemporaryDirectory() + "mlgit-fds-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: listFile) }
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.write(".gitignore", "metrics.json\n")
    repo.stage()
    repo.commitFixture("model")
    let run = repo.mlgit(
      [
        "run", "--metrics", "metrics.json", "--", "python3", "-c",
        HardeningTests.listFileDescriptors + #"open("metrics.json", "w").write('{"auc": 0.81}')"#,
      ],
      environment: ["FD_LIST": listFile])
    XCTAssertEqual(run.status, 0, run.output)
    let listing = try String(contentsOfFile: listFile, encoding: .utf8)
    XCTAssertEqual(HardeningTests.descriptors(listing), ["0", "1", "2"], listing)
  }

  func testACommandCheckInheritsOnlyItsStandardStreams() throws {
    let listFile = NSTemporaryDirectory() + "mlgit-fds-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: listFile) }
    let repo = commandCheckRepository(
      HardeningTests.listFileDescriptors, program: "python3", file: ".mlgit/checks/fds.py")
    let commit = repo.git(["commit", "-q", "-m", "credit model"], environment: ["FD_LIST": listFile])
    XCTAssertEqual(commit.status, 0, commit.output)
    let listing = try String(contentsOfFile: listFile, encoding: .utf8)
    XCTAssertEqual(HardeningTests.descriptors(listing), ["0", "1", "2"], listing)
  }
}
