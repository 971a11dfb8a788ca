import Foundation
import XCTest

/// `mlgit install`, `uninstall` and `doctor`, beside other hooks and with core.hooksPath.
final class InstallTests: XCTestCase {
  let previousHook =
    "#!/bin/sh\n# the team's own hook\necho chained-ran >> \"$(git rev-parse --git-dir)/chained.log\"\nexit ${CHAINED_EXIT:-0}\n"

  func testInstallChainsAnExistingHookAndUninstallRestoresItExactly() throws {
    let repo = TempRepository()
    let hook = repo.path + "/.git/hooks/pre-commit"
    try Data(previousHook.utf8).write(to: URL(fileURLWithPath: hook))
    try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hook)
    let install = repo.mlgit("install")
    XCTAssertEqual(install.status, 0, install.output)
    XCTAssertTrue(install.stdout.contains("the existing hook runs first (pre-commit.mlgit-chained)"), install.stdout)
    XCTAssertEqual(repo.read(".git/hooks/pre-commit.mlgit-chained"), previousHook)
    XCTAssertTrue(
      repo.read(".git/hooks/pre-commit")?.contains(Shell.mlgit) ?? false, "hooks call mlgit by absolute path")
    XCTAssertEqual(repo.mode(hook), 0o755)

    // The chained hook runs first, and its failure blocks the commit.
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let blocked = repo.git(["commit", "-m", "x"], environment: ["CHAINED_EXIT": "3"])
    XCTAssertEqual(blocked.status, 1, blocked.output)
    XCTAssertEqual(repo.read(".git/chained.log"), "chained-ran\n")
    XCTAssertEqual(repo.git("rev-parse", "--verify", "-q", "HEAD").status, 1)
    // When it passes, mlgit runs after it and still refuses a bad spec.
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let refused = repo.git("commit", "-m", "x")
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.stderr.contains("[spec/schema]"), refused.stderr)
    XCTAssertEqual(repo.read(".git/chained.log"), "chained-ran\nchained-ran\n")

    // Idempotent; --force rewrites.
    let again = repo.mlgit("install")
    XCTAssertTrue(again.stdout.contains("pre-commit hook at \(hook) is up to date"), again.stdout)
    XCTAssertEqual(repo.read(".git/hooks/pre-commit.mlgit-chained"), previousHook)
    XCTAssertTrue(repo.mlgit("install", "--force").stdout.contains("rewrote pre-commit hook"))

    // Uninstall puts the old hook back, bytes and mode.
    let uninstall = repo.mlgit("uninstall")
    XCTAssertEqual(uninstall.status, 0, uninstall.output)
    XCTAssertEqual(FileManager.default.contents(atPath: hook), Data(previousHook.utf8))
    XCTAssertEqual(repo.mode(hook), 0o750)
    XCTAssertFalse(FileManager.default.fileExists(atPath: hook + ".mlgit-chained"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-push"))
    XCTAssertTrue(repo.mlgit("uninstall").stdout.contains("no mlgit hooks"))
  }

  /// What staged checks keep in the git directory goes with the hooks; what else is there stays.
  func testUninstallRemovesWhatStagedChecksKept() throws {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "a spec")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.1.0"))
    repo.stage()
    let commit = repo.git("commit", "-q", "-m", "a version bump")
    XCTAssertEqual(commit.status, 0, commit.output)
    let kept = repo.path + "/.git/mlgit/spec-dependents"
    XCTAssertTrue(FileManager.default.fileExists(atPath: kept), "the hook keeps what HEAD's specs name")
    repo.write(".git/mlgit/.spec-dependents.mlgit-tmp-4242", "left by a killed run")

    let uninstall = repo.mlgit("uninstall")
    XCTAssertEqual(uninstall.status, 0, uninstall.output)
    XCTAssertTrue(uninstall.stdout.contains("mlgit: removed \(repo.path)/.git/mlgit/spec-dependents"), uninstall.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/mlgit"), "nothing of mlgit's is left")

    // A file of someone else's in that folder keeps it, and itself.
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.2.0"))
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-q", "-m", "another bump").status, 0)
    repo.write(".git/mlgit/notes.txt", "mine")
    XCTAssertEqual(repo.mlgit("uninstall").status, 0)
    XCTAssertFalse(FileManager.default.fileExists(atPath: kept))
    XCTAssertEqual(repo.read(".git/mlgit/notes.txt"), "mine")
  }

  /// `mlgit runs` keeps the run notes it read (from 64 on) and lists the same runs from
  /// them; `mlgit uninstall` removes them with what staged checks kept.
  func testRunsListingsKeepTheirNotesUntilUninstall() throws {
    let repo = TempRepository()
    repo.commitFile("README.md", "one\n", "first")
    // 70 commits, each with a run in the ledger, made in one fast-import.
    var stream = "blob\nmark :1\ndata 2\nx\n\n"
    for index in 0..<70 {
      stream += "commit refs/heads/runs\nmark :\(index + 10)\ncommitter A <a@example.com> 1700000000 +0000\ndata 2\nc\n"
      stream += index == 0 ? "M 100644 :1 f.txt\n\n" : "from :\(index + 9)\n\n"
    }
    stream += "commit refs/notes/mlgit/runs\ncommitter A <a@example.com> 1700000000 +0000\ndata 5\nruns\n"
    for index in 0..<70 {
      let line =
        #"{"commit":"","exit":0,"finished":"2026-01-01T01:00:00Z","host":"h","id":"r\#(index)","metrics":{"auc":0.\#(index + 10)},"model":"m","schema":"mlgit.run/1","started":"2026-01-01T00:\#(String(format: "%02d", index / 60)):\#(String(format: "%02d", index % 60))Z","user":"u"}"#
        + "\n"
      stream += "N inline :\(index + 10)\ndata \(line.utf8.count)\n\(line)"
    }
    let imported = repo.git("fast-import", "--quiet", input: stream)
    XCTAssertEqual(imported.status, 0, imported.output)

    let kept = repo.path + "/.git/mlgit/run-notes"
    let first = repo.mlgit("runs", "--all")
    XCTAssertEqual(first.status, 0, first.output)
    XCTAssertEqual(first.stdout.split(separator: "\n").count, 70)
    XCTAssertTrue(first.stdout.hasPrefix("r69\t"), first.stdout)
    XCTAssertTrue(FileManager.default.fileExists(atPath: kept), "a first listing leaves its mark")
    let small = try XCTUnwrap(try? FileManager.default.attributesOfItem(atPath: kept)[.size] as? Int)
    XCTAssertLessThan(small, 100, "and no note")
    let again = repo.mlgit("runs", "--all", "--format", "json")
    XCTAssertEqual(again.status, 0, again.output)
    XCTAssertEqual(repo.mlgit("runs", "--all").stdout, first.stdout)
    let full = try XCTUnwrap(try? FileManager.default.attributesOfItem(atPath: kept)[.size] as? Int)
    XCTAssertGreaterThan(full, 70 * 200, "the second listing kept the 70 notes")
    XCTAssertTrue(again.stdout.contains(#""id":"r42""#), again.stdout)

    repo.write(".git/mlgit/.run-notes.mlgit-tmp-77", "left by a killed run")
    let uninstall = repo.mlgit("uninstall")
    XCTAssertEqual(uninstall.status, 0, uninstall.output)
    XCTAssertTrue(uninstall.stdout.contains("mlgit: removed \(kept)"), uninstall.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/mlgit"), "nothing of mlgit's is left")
  }

  /// The binary carries hooks/hook.sh (scripts/embed-resources.sh); a stale copy fails here.
  func testInstalledHookIsTheTemplateInHooksFolder() throws {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("hooks/hook.sh")
    let template = try String(contentsOf: source, encoding: .utf8)
    for hook in ["pre-commit", "pre-push"] {
      let expected = template.replacingOccurrences(of: "@HOOK@", with: hook).replacingOccurrences(
        of: "@MLGIT@", with: Shell.mlgit)
      XCTAssertEqual(repo.read(".git/hooks/\(hook)"), expected, "run scripts/embed-resources.sh")
    }
  }

  func testRepairsAHookMadeNotExecutable() throws {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    let hook = repo.path + "/.git/hooks/pre-commit"
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: hook)
    let doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(
      doctor.stdout.contains(
        "  pre-commit: MLGIT'S CHECK DOES NOT RUN\n    .git/hooks/pre-commit: mlgit's hook, not executable, so git skips it\n"
      ), doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains("to fix: mlgit's pre-commit check does not run: run `mlgit install --force`"),
      doctor.stdout)
    XCTAssertTrue(repo.mlgit("install").stdout.contains("rewrote pre-commit hook"))
    XCTAssertEqual(repo.mode(hook), 0o755)
  }

  func testRelativeCoreHooksPathIsRelativeToTheWorkTreeRoot() {
    let repo = TempRepository()
    repo.git("config", "core.hooksPath", ".githooks")
    repo.write("models/x/.keep", "")
    let install = repo.mlgit(["install"], in: "models/x")
    XCTAssertEqual(install.status, 0, install.output)
    XCTAssertTrue(FileManager.default.isExecutableFile(atPath: repo.path + "/.githooks/pre-commit"), install.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/models/x/.githooks"))
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage("models/credit.yaml")
    let result = repo.git(["commit", "-m", "x"], in: "models")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stderr.contains("models/credit.yaml:3:10"), result.stderr)
    let doctor = repo.mlgit("doctor")
    XCTAssertTrue(doctor.stdout.contains("hooks: \(repo.path)/.githooks (core.hooksPath = .githooks)"), doctor.stdout)
  }

  func testAbsoluteCoreHooksPath() {
    let repo = TempRepository()
    let shared = repo.root + "/shared-hooks"
    repo.git("config", "core.hooksPath", shared)
    XCTAssertEqual(repo.mlgit("install").status, 0)
    XCTAssertTrue(FileManager.default.isExecutableFile(atPath: shared + "/pre-commit"))
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-m", "x").status, 1)
    XCTAssertEqual(repo.mlgit("uninstall").status, 0)
    XCTAssertFalse(FileManager.default.fileExists(atPath: shared + "/pre-commit"))
  }

  func testHookTellsWhatToDoWhenMLGitIsMissing() throws {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    let hook = repo.path + "/.git/hooks/pre-commit"
    let script = try XCTUnwrap(repo.read(".git/hooks/pre-commit"))
    try Data(script.replacingOccurrences(of: Shell.mlgit, with: "/nonexistent/mlgit").utf8).write(
      to: URL(fileURLWithPath: hook))
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let result = repo.git("commit", "-m", "x")
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(
      result.stderr.contains("mlgit: /nonexistent/mlgit is missing, so the pre-commit policy check cannot run."),
      result.stderr)
    XCTAssertTrue(result.stderr.contains("mlgit install --force"), result.stderr)
  }

  func testDoctorReportsWhatIsInstalledWhere() {
    let repo = TempRepository()
    let before = repo.mlgit("doctor")
    XCTAssertEqual(before.status, 1)
    XCTAssertTrue(
      before.stdout.contains(
        "  pre-commit: MLGIT'S CHECK DOES NOT RUN\n    .git/hooks/pre-commit: no hook, git runs nothing\n"),
      before.stdout)
    XCTAssertTrue(
      before.stdout.contains("to fix: mlgit's pre-commit check does not run: run `mlgit install`"), before.stdout)
    XCTAssertEqual(repo.mlgit("install").status, 0)
    let after = repo.mlgit("doctor")
    XCTAssertEqual(after.status, 0, after.output)
    XCTAssertTrue(after.stdout.contains("libgit2 1.5."), after.stdout)
    XCTAssertTrue(after.stdout.contains("hooks: \(repo.path)/.git/hooks\n"), after.stdout)
    XCTAssertTrue(after.stdout.contains("layout: plain git hooks\n"), after.stdout)
    XCTAssertTrue(
      after.stdout.contains("  pre-commit: mlgit's check runs\n    .git/hooks/pre-commit: mlgit's hook\n"), after.stdout
    )
    XCTAssertTrue(
      after.stdout.contains("  pre-push: mlgit's check runs\n    .git/hooks/pre-push: mlgit's hook\n"), after.stdout)
    XCTAssertTrue(after.stdout.contains("policy in force: default"), after.stdout)
    XCTAssertTrue(after.stdout.hasSuffix("all good\n"), after.stdout)
  }

  func testPolicyListAndExplain() {
    let repo = TempRepository()
    let list = repo.mlgit("policy", "list")
    XCTAssertEqual(list.status, 0, list.output)
    XCTAssertTrue(list.stdout.contains("policy in force: default (no commit yet)"), list.stdout)
    XCTAssertNotNil(
      list.stdout.range(of: #"spec/schema\s+error\s+Model specs follow"#, options: .regularExpression), list.stdout)
    XCTAssertNotNil(list.stdout.range(of: #"spec/version-bump\s+warning"#, options: .regularExpression), list.stdout)
    let explain = repo.mlgit("policy", "explain", "spec/schema")
    XCTAssertEqual(explain.status, 0)
    XCTAssertTrue(explain.stdout.contains("default severity: error; in force: error"), explain.stdout)
    XCTAssertTrue(explain.stdout.contains("example 2: reported"), explain.stdout)
    XCTAssertTrue(explain.stdout.contains("    version: 1.4\n"), explain.stdout)
    let unknown = repo.mlgit("policy", "explain", "spec/nope")
    XCTAssertEqual(unknown.status, 2)
    XCTAssertTrue(unknown.stderr.contains("unknown rule 'spec/nope'"), unknown.stderr)
  }

  func testClientHooksInABareRepositoryPointToServerInstall() {
    let bare = TempRepository(bare: true, name: "server.git")
    let result = bare.mlgit("install")
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(result.stderr.contains("is a bare repository; run `mlgit install --server`"), result.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: bare.path + "/hooks/pre-commit"))
  }

  /// The doctor reads the index as the hooks do: a sparse index, which libgit2 reads but
  /// mlgit's scanner leaves to git, is reported as read through git.
  func testDoctorReadsTheIndexWithTheHooksReader() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.write("other/file.txt", "x\n")
    repo.stage()
    repo.commitFixture()
    XCTAssertTrue(repo.mlgit("doctor").stdout.contains("index: read by mlgit's index reader, as the hooks read it\n"))
    XCTAssertEqual(repo.git("sparse-checkout", "init", "--cone", "--sparse-index").status, 0)
    XCTAssertEqual(repo.git("sparse-checkout", "set", "models").status, 0)
    let doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 0, doctor.output)
    XCTAssertTrue(
      doctor.stdout.contains(
        "index: sparse index; the hooks read it through git (git diff-index --cached), which can\n"), doctor.stdout)
  }

  func testDoctorNamesARemoteThatDoesNotFetchTheNotes() {
    let repo = TempRepository(name: "work")
    let origin = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", origin.path)
    XCTAssertEqual(repo.mlgit("install").status, 0)
    let good = repo.mlgit("doctor")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertTrue(good.stdout.contains("notes: every remote fetches mlgit's notes; rewrites keep them\n"), good.stdout)
    repo.git("remote", "add", "upstream", origin.path)
    let doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(
      doctor.stdout.contains(
        "notes: remote 'upstream' does not fetch mlgit's notes (remote.upstream.fetch lacks +refs/notes/mlgit/*:refs/mlgit/sync/upstream/*)"
      ), doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains(
        "to fix: remote 'upstream' does not fetch mlgit's notes: run `mlgit install` (it adds the refspec)"),
      doctor.stdout)
    XCTAssertEqual(repo.mlgit("install").status, 0)
    XCTAssertEqual(repo.mlgit("doctor").status, 0)
  }
}
