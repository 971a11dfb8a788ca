import Foundation
import XCTest

/// mlgit beside the hook managers teams already use: the real pre-commit and lefthook
/// (from `./install.sh --test`, found on PATH), and husky 9's layout written as husky
/// writes it. Whatever order they are installed in, mlgit's check and the team's own
/// hooks both run, or mlgit says loudly that its check does not.
final class HookManagerTests: XCTestCase {
  let badSpecLine =
    "models/credit.yaml:8:5: error: feature 'race' is the protected attribute 'race' [features/protected]"

  /// PATH with the built mlgit first: managers' configs call `mlgit` by name.
  var environment: [String: String] {
    let binDir = (Shell.mlgit as NSString).deletingLastPathComponent
    return ["PATH": binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
  }

  func tool(_ name: String) throws -> String {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    XCTFail("\(name) is not on PATH: run ./install.sh --test, or export PATH=$PWD/.build-venv/bin:$PATH")
    throw XCTSkip("\(name) missing")
  }

  func run(_ repo: TempRepository, _ executable: String, _ arguments: String...) -> CommandResult {
    Shell.run(executable, arguments, in: repo.path, environment: environment)
  }

  func git(_ repo: TempRepository, _ arguments: String...) -> CommandResult {
    repo.git(arguments, environment: environment)
  }

  func mlgit(_ repo: TempRepository, _ arguments: String...) -> CommandResult {
    repo.mlgit(arguments, environment: environment)
  }

  /// Stages a spec with a protected feature and checks that the commit is refused by mlgit.
  func assertBadCommitRefused(_ repo: TempRepository, file: StaticString = #filePath, line: UInt = #line) {
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    repo.stage("models/credit.yaml")
    let refused = git(repo, "commit", "-m", "bad")
    XCTAssertNotEqual(refused.status, 0, refused.output, file: file, line: line)
    XCTAssertTrue(refused.output.contains(badSpecLine), refused.output, file: file, line: line)
    repo.git("reset", "-q")
  }

  func hookFiles(_ repo: TempRepository, _ folder: String = ".git/hooks") -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: repo.path + "/" + folder)) ?? []).filter {
      !$0.hasSuffix(".sample")
    }.sorted()
  }

  // MARK: pre-commit (the framework)

  let preCommitConfig = """
    repos:
      - repo: local
        hooks:
          - id: team
            name: team check
            entry: sh -c 'echo TEAM-RAN'
            language: system
            pass_filenames: false
            always_run: true

    """

  func testPreCommitInstalledAgainAfterMLGitRunsBothAndNeverBricks() throws {
    let preCommit = try tool("pre-commit")
    let repo = TempRepository()
    repo.write(".pre-commit-config.yaml", preCommitConfig)
    XCTAssertEqual(run(repo, preCommit, "install").status, 0)
    let install = mlgit(repo, "install")
    XCTAssertEqual(install.status, 0, install.output)
    XCTAssertTrue(
      install.stdout.contains("installed pre-commit hook at \(repo.path)/.git/hooks/pre-commit.legacy"), install.stdout)
    // Onboarding scripts run it again: mlgit stays in pre-commit's legacy slot.
    let again = run(repo, preCommit, "install")
    XCTAssertEqual(again.status, 0, again.output)
    XCTAssertTrue(again.output.contains("Running in migration mode"), again.output)

    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let good = git(repo, "commit", "-m", "good")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertTrue(good.output.contains("team check"), good.output)
    assertBadCommitRefused(repo)

    let doctor = mlgit(repo, "doctor")
    XCTAssertEqual(doctor.status, 0, doctor.output)
    XCTAssertTrue(doctor.stdout.contains("layout: plain git hooks with pre-commit"), doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains(".git/hooks/pre-commit.legacy: mlgit's hook, which pre-commit runs first"), doctor.stdout)

    let uninstall = mlgit(repo, "uninstall")
    XCTAssertEqual(uninstall.status, 0, uninstall.output)
    XCTAssertEqual(hookFiles(repo), ["pre-commit"], "only pre-commit's own script is left")
    XCTAssertEqual(git(repo, "commit", "--allow-empty", "-m", "after").status, 0)
  }

  /// The state an earlier mlgit left: pre-commit's script chained behind mlgit's hook, which
  /// pre-commit had moved to its legacy slot. Every commit failed ("installed in migration mode").
  func testRepairsPreCommitsScriptChainedBehindItsOwnLegacyHook() throws {
    let preCommit = try tool("pre-commit")
    let repo = TempRepository()
    repo.write(".pre-commit-config.yaml", preCommitConfig)
    XCTAssertEqual(run(repo, preCommit, "install").status, 0)
    let hooks = repo.path + "/.git/hooks/"
    try FileManager.default.copyItem(atPath: hooks + "pre-commit", toPath: hooks + "pre-commit.mlgit-chained")
    XCTAssertEqual(mlgit(repo, "install").status, 0)
    try FileManager.default.copyItem(atPath: hooks + "pre-commit", toPath: hooks + "pre-commit.mlgit-chained")

    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let good = git(repo, "commit", "-m", "good")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertFalse(good.output.contains("migration mode"), good.output)
    assertBadCommitRefused(repo)

    let repair = mlgit(repo, "install")
    XCTAssertTrue(repair.stdout.contains("rewrote pre-commit hook"), repair.stdout)
    XCTAssertFalse(FileManager.default.fileExists(atPath: hooks + "pre-commit.mlgit-chained"))
    XCTAssertEqual(mlgit(repo, "uninstall").status, 0)
    XCTAssertEqual(hookFiles(repo), ["pre-commit"])
  }

  func testWithPreCommitAddsEntriesThatSurviveForcedReinstall() throws {
    let preCommit = try tool("pre-commit")
    let repo = TempRepository(name: "work")
    let remote = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", remote.path)
    repo.write(".pre-commit-config.yaml", preCommitConfig)
    XCTAssertEqual(mlgit(repo, "install").status, 0)
    let with = mlgit(repo, "install", "--with", "pre-commit")
    XCTAssertEqual(with.status, 0, with.output)
    XCTAssertTrue(
      with.stdout.contains("added mlgit's hooks (ids mlgit, mlgit-pre-push) to .pre-commit-config.yaml"), with.stdout)
    XCTAssertTrue(
      repo.read(".pre-commit-config.yaml")?.contains("default_install_hook_types: [pre-commit, pre-push]") ?? false)
    XCTAssertEqual(run(repo, preCommit, "install", "-f").status, 0)
    XCTAssertFalse(
      hookFiles(repo).contains { $0.hasSuffix(".legacy") || $0.hasSuffix(".mlgit-chained") }, "\(hookFiles(repo))")

    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    XCTAssertEqual(git(repo, "commit", "-m", "good").status, 0)
    assertBadCommitRefused(repo)
    // pre-push through pre-commit: it passes the first ref in PRE_COMMIT_* variables.
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    repo.stage()
    repo.commitFixture("bypass")
    let push = git(repo, "push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.output.contains("models/credit.yaml:8:5: error: feature 'race'"), push.output)
    XCTAssertTrue(push.output.contains("mlgit: push refused"), push.output)

    XCTAssertEqual(mlgit(repo, "uninstall").status, 0)
    XCTAssertEqual(repo.read(".pre-commit-config.yaml"), preCommitConfig, "uninstall removes exactly what --with added")
  }

  // MARK: lefthook

  let lefthookConfig = "pre-commit:\n  commands:\n    team:\n      run: echo TEAM-RAN\n"

  func testLefthookRefusesPlainInstallAndWithLefthookSurvivesReinstall() throws {
    let lefthook = try tool("lefthook")
    let repo = TempRepository(name: "work")
    let remote = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", remote.path)
    repo.write("lefthook.yml", lefthookConfig)
    XCTAssertEqual(run(repo, lefthook, "install").status, 0)
    let plain = mlgit(repo, "install")
    XCTAssertEqual(plain.status, 2, plain.output)
    XCTAssertTrue(plain.stderr.contains("Run `mlgit install --with lefthook`"), plain.stderr)

    let with = mlgit(repo, "install", "--with", "lefthook")
    XCTAssertEqual(with.status, 0, with.output)
    XCTAssertEqual(run(repo, lefthook, "install").status, 0)
    XCTAssertEqual(run(repo, lefthook, "install", "-f").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let good = git(repo, "commit", "-m", "good")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertTrue(good.output.contains("TEAM-RAN"), good.output)
    assertBadCommitRefused(repo)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    repo.stage()
    repo.commitFixture("bypass")
    let push = git(repo, "push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.output.contains("models/credit.yaml:8:5: error: feature 'race'"), push.output)

    XCTAssertEqual(mlgit(repo, "uninstall").status, 0)
    XCTAssertEqual(repo.read("lefthook.yml"), lefthookConfig)
    XCTAssertFalse(
      hookFiles(repo).contains { $0.hasSuffix(".old") || $0.hasSuffix(".mlgit-chained") }, "\(hookFiles(repo))")
  }

  /// lefthook set up after mlgit renames mlgit's hook to .old and never runs it: outside
  /// mlgit's reach, so the next mlgit command and the doctor say so.
  func testLefthookInstalledAfterMLGitIsReportedLoudly() throws {
    let lefthook = try tool("lefthook")
    let repo = TempRepository(name: "work")
    let remote = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", remote.path)
    XCTAssertEqual(mlgit(repo, "install").status, 0)
    repo.write("lefthook.yml", lefthookConfig)
    XCTAssertEqual(run(repo, lefthook, "install").status, 0)
    XCTAssertTrue(hookFiles(repo).contains("pre-commit.old"))

    let next = mlgit(repo, "policy", "list")
    XCTAssertEqual(next.status, 0, next.output)
    XCTAssertTrue(
      next.stderr.contains("mlgit: WARNING: mlgit's pre-commit check no longer runs in this repository"), next.stderr)
    XCTAssertTrue(next.stderr.contains("run `mlgit install --with lefthook`"), next.stderr)
    let doctor = mlgit(repo, "doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(doctor.stdout.contains("pre-commit: MLGIT'S CHECK DOES NOT RUN"), doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains(".git/hooks/pre-commit.old: mlgit's hook, moved aside by `lefthook install`"),
      doctor.stdout)
    // The push hook, still mlgit's, says it too.
    repo.commitFile("README", "x\n", "first")
    let push = git(repo, "push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("WARNING: mlgit's pre-commit check no longer runs"), push.stderr)

    XCTAssertEqual(mlgit(repo, "install", "--with", "lefthook").status, 0)
    XCTAssertEqual(mlgit(repo, "doctor").status, 0)
    assertBadCommitRefused(repo)
    XCTAssertEqual(mlgit(repo, "uninstall").status, 0)
    XCTAssertFalse(hookFiles(repo).contains { $0.contains(".old") || $0.contains(".mlgit") }, "\(hookFiles(repo))")
  }

  // MARK: husky 9

  /// husky 9.1.7's layout, as its index.js writes it (github.com/typicode/husky, index.js
  /// and the `husky` file copied to `_/h`): core.hooksPath=.husky/_, a `_/h` dispatcher, and
  /// for every hook a two-line `_/<hook>` that sources it; `h` runs `.husky/<hook>` with
  /// `sh -e`, found by the name it was called with.
  static let huskyDispatcher = """
    #!/usr/bin/env sh
    [ "$HUSKY" = "2" ] && set -x
    n=$(basename "$0")
    s=$(dirname "$(dirname "$0")")/$n

    [ ! -f "$s" ] && exit 0

    if [ -f "$HOME/.huskyrc" ]; then
    \techo "husky - '~/.huskyrc' is DEPRECATED, please move your code to ~/.config/husky/init.sh"
    fi
    i="${XDG_CONFIG_HOME:-$HOME/.config}/husky/init.sh"
    [ -f "$i" ] && . "$i"

    [ "${HUSKY-}" = "0" ] && exit 0

    export PATH="node_modules/.bin:$PATH"
    sh -e "$s" "$@"
    c=$?

    [ $c != 0 ] && echo "husky - $n script failed (code $c)"
    [ $c = 127 ] && echo "husky - command not found in PATH=$PATH"
    exit $c

    """

  /// What `husky` (the `prepare` script) does on every `npm install`.
  func huskyInstall(_ repo: TempRepository) throws {
    let folder = repo.path + "/.husky/_/"
    repo.git("config", "core.hooksPath", ".husky/_")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(atPath: folder + "husky.sh")
    try Data("*".utf8).write(to: URL(fileURLWithPath: folder + ".gitignore"))
    try Data(HookManagerTests.huskyDispatcher.utf8).write(to: URL(fileURLWithPath: folder + "h"))
    for hook in [
      "pre-commit", "pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push", "post-checkout",
    ] {
      try Data("#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"".utf8).write(to: URL(fileURLWithPath: folder + hook))
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + hook)
    }
  }

  func testHuskyRunsMLGitFromTheTeamsScriptsAndSurvivesHuskyReinstall() throws {
    let repo = TempRepository(name: "work")
    let remote = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", remote.path)
    try huskyInstall(repo)
    let teamHook = "echo TEAM-RAN >&2\n"
    repo.write(".husky/pre-commit", teamHook)
    let shimBefore = repo.read(".husky/_/pre-commit")

    let plain = mlgit(repo, "install")
    XCTAssertEqual(plain.status, 2, plain.output)
    XCTAssertTrue(plain.stderr.contains("Run `mlgit install --with husky`"), plain.stderr)
    XCTAssertEqual(repo.read(".husky/_/pre-commit"), shimBefore, "husky's folder is left alone")
    XCTAssertEqual(hookFiles(repo, ".husky/_").filter { $0.contains("mlgit") }, [])

    let with = mlgit(repo, "install", "--with", "husky")
    XCTAssertEqual(with.status, 0, with.output)
    try huskyInstall(repo)  // npm install runs husky again
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let good = git(repo, "commit", "-m", "good")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertTrue(good.stderr.contains("TEAM-RAN"), good.stderr)
    assertBadCommitRefused(repo)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    repo.stage()
    repo.commitFixture("bypass")
    let push = git(repo, "push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.output.contains("models/credit.yaml:8:5: error: feature 'race'"), push.output)
    let doctor = mlgit(repo, "doctor")
    XCTAssertTrue(doctor.stdout.contains("layout: husky 9"), doctor.stdout)
    XCTAssertTrue(doctor.stdout.contains(".husky/pre-push: runs `mlgit hook pre-push`"), doctor.stdout)

    XCTAssertEqual(mlgit(repo, "uninstall").status, 0)
    XCTAssertEqual(repo.read(".husky/pre-commit"), teamHook)
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: repo.path + "/.husky/pre-push"), "created by mlgit, so removed")
  }

  /// An earlier mlgit renamed husky's shim to pre-commit.mlgit-chained, which dispatches to a
  /// script that does not exist, so the team's .husky/pre-commit stopped running.
  func testInstallPutsBackHuskysShimsAnEarlierMLGitRenamed() throws {
    let repo = TempRepository()
    try huskyInstall(repo)
    repo.write(".husky/pre-commit", "echo TEAM-RAN >&2\n")
    let folder = repo.path + "/.husky/_/"
    try FileManager.default.moveItem(atPath: folder + "pre-commit", toPath: folder + "pre-commit.mlgit-chained")
    let shim = "#!/bin/sh\n# mlgit pre-commit hook, written by `mlgit install`\nexit 0\n"
    try Data(shim.utf8).write(to: URL(fileURLWithPath: folder + "pre-commit"))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "pre-commit")
    let doctor = mlgit(repo, "doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(doctor.stdout.contains("husky's shim under another name runs no .husky script"), doctor.stdout)
    _ = mlgit(repo, "install")
    XCTAssertEqual(repo.read(".husky/_/pre-commit"), "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"")
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "pre-commit.mlgit-chained"))
  }

  // MARK: removed by hand

  func testAHookDeletedByHandIsReportedByTheNextCommand() throws {
    let repo = TempRepository()
    XCTAssertEqual(mlgit(repo, "install").status, 0)
    try FileManager.default.removeItem(atPath: repo.path + "/.git/hooks/pre-commit")
    let check = mlgit(repo, "check", "--staged")
    XCTAssertEqual(check.status, 0, check.output)
    XCTAssertTrue(
      check.stderr.contains(
        "mlgit: WARNING: mlgit's pre-commit check no longer runs in this repository: .git/hooks/pre-commit: no hook, git runs nothing"
      ), check.stderr)
    XCTAssertTrue(check.stderr.contains("run `mlgit install` to restore it"), check.stderr)
    let doctor = mlgit(repo, "doctor")
    XCTAssertEqual(doctor.status, 1)
    XCTAssertTrue(
      doctor.stdout.contains("to fix: mlgit's pre-commit check does not run: run `mlgit install`"), doctor.stdout)
    XCTAssertEqual(mlgit(repo, "install").status, 0)
    XCTAssertFalse(mlgit(repo, "check", "--staged").stderr.contains("WARNING"))
  }

  // MARK: this repository's .pre-commit-hooks.yaml

  static let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  func testPreCommitRunsMLGitsHooksByIDFromThisRepository() throws {
    let preCommit = try tool("pre-commit")
    let manifest = try String(
      contentsOf: HookManagerTests.sourceRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
    // pre-commit clones the hooks repository at `rev`; the source tree may hold uncommitted
    // edits or not be a git repository at all, so its manifest is committed in a repository
    // of its own, named by local path as a team would name a checkout of mlgit.
    let hooksRepo = TempRepository(name: "mlgit-hooks")
    hooksRepo.commitFile(".pre-commit-hooks.yaml", manifest, "hooks")
    let repo = TempRepository(name: "work")
    let remote = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", remote.path)
    repo.write(
      ".pre-commit-config.yaml",
      """
      default_install_hook_types: [pre-commit, pre-push]
      repos:
        - repo: \(hooksRepo.path)
          rev: \(hooksRepo.head)
          hooks:
            - id: mlgit
            - id: mlgit-pre-push
            - id: mlgit-files

      """)
    XCTAssertEqual(run(repo, preCommit, "install").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "race"]))
    repo.stage()
    let run = run(repo, preCommit, "run", "mlgit")
    XCTAssertEqual(run.status, 1, run.output)
    XCTAssertTrue(run.output.contains("mlgit policy check"), run.output)
    XCTAssertTrue(run.output.contains(badSpecLine), run.output)
    let refused = git(repo, "commit", "-m", "bad")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(refused.output.contains(badSpecLine), refused.output)

    repo.commitFixture("bypass")
    let push = git(repo, "push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.output.contains("mlgit push check"), push.output)
    XCTAssertTrue(push.output.contains("models/credit.yaml:8:5: error: feature 'race'"), push.output)
    XCTAssertNil(remote.revParse("refs/heads/main"))

    // Every file as it is, committed or not: the manual-stage hook runs `mlgit check --files`.
    let files = self.run(repo, preCommit, "run", "mlgit-files", "--all-files", "--hook-stage", "manual")
    XCTAssertEqual(files.status, 1, files.output)
    XCTAssertTrue(files.output.contains(badSpecLine), files.output)
    XCTAssertTrue(files.output.contains("work-tree files (1 file checked)"), files.output)

    let doctor = mlgit(repo, "doctor")
    XCTAssertTrue(
      doctor.stdout.contains(
        "  pre-commit: mlgit's check runs\n    .git/hooks/pre-commit: pre-commit's script\n    .pre-commit-config.yaml: runs `mlgit hook pre-commit`"
      ), doctor.stdout)
    XCTAssertTrue(doctor.stdout.contains("  pre-push: mlgit's check runs\n"), doctor.stdout)

    // Without mlgit on PATH the hook fails: never a silent pass.
    let noMLGit = Shell.run(
      Shell.git, ["commit", "--allow-empty", "-m", "x"], in: repo.path,
      environment: ["PATH": "/usr/bin:/bin"])
    XCTAssertNotEqual(noMLGit.status, 0, noMLGit.output)
    XCTAssertTrue(noMLGit.output.contains("Executable `mlgit` not found"), noMLGit.output)
  }
}
