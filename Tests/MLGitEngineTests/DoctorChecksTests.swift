import Foundation
import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// What `mlgit doctor` finds in real repositories: each line as it is said, the hooks and
/// what to fix.
final class DoctorChecksTests: XCTestCase {
  static let mlgit = "/opt/mlgit/bin/mlgit"

  /// Runs the checks on `repo` as `mlgit doctor` run from its work tree would.
  func diagnose(
    _ repo: ScratchRepository, bare: Bool = false, executable: String = DoctorChecksTests.mlgit
  ) throws -> (lines: [Diagnosis.Line], diagnosis: Diagnosis) {
    let environment = bare ? ["GIT_DIR": repo.path] : ["GIT_DIR": repo.path + "/.git", "GIT_WORK_TREE": repo.path]
    var lines: [Diagnosis.Line] = []
    let diagnosis = try DoctorChecks(executable: executable, environment: environment).run { lines.append($0) }
    return (lines, diagnosis)
  }

  func testAnEmptyRepositoryWithoutHooksNeedsMLGitInstall() throws {
    let repo = ScratchRepository()
    let (lines, diagnosis) = try diagnose(repo)
    XCTAssertEqual(
      lines.map(\.plain),
      [
        "mlgit \(MLGitVersion.current) at /opt/mlgit/bin/mlgit",
        "libgit2 \(libgit2Version())",
        "repository: \(repo.path)/",
        "hooks: \(repo.path)/.git/hooks",
        "layout: plain git hooks",
        "  pre-commit: MLGIT'S CHECK DOES NOT RUN",
        "    .git/hooks/pre-commit: no hook, git runs nothing",
        "  pre-push: MLGIT'S CHECK DOES NOT RUN",
        "    .git/hooks/pre-push: no hook, git runs nothing",
        "index: none yet (git reads a missing index as empty)",
        "notes: notes.rewriteRef lacks refs/notes/mlgit/*, so amend and rebase drop mlgit's notes",
        "policy in force: default",
      ])
    XCTAssertEqual(lines[5], Diagnosis.Line("  pre-commit: ", alarm: "MLGIT'S CHECK DOES NOT RUN"))
    XCTAssertEqual(diagnosis.report, lines.map(\.plain))
    XCTAssertEqual(diagnosis.executable, "/opt/mlgit/bin/mlgit")
    XCTAssertEqual(diagnosis.libgit2, libgit2Version())
    XCTAssertEqual(diagnosis.repository, repo.path + "/")
    XCTAssertFalse(diagnosis.bare)
    XCTAssertEqual(
      diagnosis.hooks,
      [
        Diagnosis.Hook(name: "pre-commit", runs: false, steps: [".git/hooks/pre-commit: no hook, git runs nothing"]),
        Diagnosis.Hook(name: "pre-push", runs: false, steps: [".git/hooks/pre-push: no hook, git runs nothing"]),
      ])
    XCTAssertEqual(
      diagnosis.problems,
      [
        "mlgit's pre-commit check does not run: run `mlgit install`",
        "mlgit's pre-push check does not run: run `mlgit install`",
        "notes.rewriteRef lacks refs/notes/mlgit/*: run `mlgit install`",
      ])
  }

  func testInstalledHooksRunAndAnotherBinarysAreOutdated() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("credit model")
    try HookInstallation(repository: try repo.open()).install(server: false, force: false, with: nil) { _ in }
    let current = HookInstaller.currentExecutable()
    let (lines, diagnosis) = try diagnose(repo, executable: current)
    XCTAssertEqual(
      Array(lines.map(\.plain).dropFirst(4)),
      [
        "layout: plain git hooks",
        "  pre-commit: mlgit's check runs",
        "    .git/hooks/pre-commit: mlgit's hook",
        "  pre-push: mlgit's check runs",
        "    .git/hooks/pre-push: mlgit's hook",
        "index: read by mlgit's index reader, as the hooks read it",
        "notes: every remote fetches mlgit's notes; rewrites keep them",
        "policy in force: default",
      ])
    XCTAssertEqual(diagnosis.problems, [])
    XCTAssertEqual(diagnosis.hooks.map(\.runs), [true, true])

    let other = try diagnose(repo)
    XCTAssertEqual(
      Array(other.lines.map(\.plain)[5...10]),
      [
        "  pre-commit: mlgit's check runs",
        "    .git/hooks/pre-commit: mlgit's hook",
        "    installed for another mlgit binary or version",
        "  pre-push: mlgit's check runs",
        "    .git/hooks/pre-push: mlgit's hook",
        "    installed for another mlgit binary or version",
      ])
    XCTAssertEqual(
      other.diagnosis.problems,
      ["pre-commit is outdated: run `mlgit install --force`", "pre-push is outdated: run `mlgit install --force`"])
  }

  func testARemoteThatDoesNotFetchTheNotesIsNamed() throws {
    let repo = ScratchRepository()
    try HookInstallation(repository: try repo.open()).install(server: false, force: false, with: nil) { _ in }
    repo.run(["remote", "add", "origin", "https://example.com/credit.git"])
    let (lines, diagnosis) = try diagnose(repo, executable: HookInstaller.currentExecutable())
    XCTAssertEqual(
      lines.map(\.plain).filter { $0.hasPrefix("notes:") },
      [
        "notes: remote 'origin' does not fetch mlgit's notes "
          + "(remote.origin.fetch lacks +refs/notes/mlgit/*:refs/mlgit/sync/origin/*)"
      ])
    XCTAssertEqual(
      diagnosis.problems, ["remote 'origin' does not fetch mlgit's notes: run `mlgit install` (it adds the refspec)"])
  }

  func testTheServerHookOfABareRepository() throws {
    let bare = ScratchRepository(bare: true)
    var (lines, diagnosis) = try diagnose(bare, bare: true)
    XCTAssertEqual(
      lines.map(\.plain).dropFirst(2),
      [
        "repository: \(bare.path)/ (bare)",
        "hooks: \(bare.path)/hooks",
        "  pre-receive: not installed",
        "index: none yet (git reads a missing index as empty)",
        "policy in force: default",
      ])
    XCTAssertEqual(diagnosis.hooks, [Diagnosis.Hook(name: "pre-receive", runs: false, steps: ["not installed"])])
    XCTAssertEqual(diagnosis.problems, ["pre-receive hook missing: run `mlgit install --server`"])
    XCTAssertTrue(diagnosis.bare)

    let hook = bare.path + "/hooks/pre-receive"
    try "#!/bin/sh\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
    (lines, diagnosis) = try diagnose(bare, bare: true)
    XCTAssertEqual(lines[4].plain, "  pre-receive: another tool's hook (mlgit's is not installed)")
    XCTAssertEqual(diagnosis.problems, ["pre-receive is not mlgit's: run `mlgit install --server` to chain it"])

    try HookInstallation(repository: try bare.open()).install(server: true, force: false, with: nil) { _ in }
    let current = HookInstaller.currentExecutable()
    (lines, diagnosis) = try diagnose(bare, bare: true, executable: current)
    XCTAssertEqual(lines[4].plain, "  pre-receive: installed, chains pre-receive.mlgit-chained")
    XCTAssertEqual(
      diagnosis.hooks,
      [Diagnosis.Hook(name: "pre-receive", runs: true, steps: ["installed, chains pre-receive.mlgit-chained"])])
    XCTAssertEqual(diagnosis.problems, [])

    (lines, diagnosis) = try diagnose(bare, bare: true)
    XCTAssertEqual(
      lines[4].plain,
      "  pre-receive: installed, but for another mlgit binary or version, chains pre-receive.mlgit-chained")
    XCTAssertEqual(diagnosis.problems, ["pre-receive is outdated: run `mlgit install --server --force`"])

    XCTAssertEqual(chmod(hook, 0o644), 0)
    (lines, diagnosis) = try diagnose(bare, bare: true, executable: current)
    XCTAssertEqual(lines[4].plain, "  pre-receive: installed but not executable, chains pre-receive.mlgit-chained")
    XCTAssertEqual(diagnosis.hooks.map(\.runs), [false])
    XCTAssertEqual(diagnosis.problems, ["pre-receive is not executable: run `mlgit install --server --force`"])
  }

  func testABranchNamingAMissingCommitIsBlamedNotThePolicy() throws {
    let repo = ScratchRepository()
    repo.commit("first")
    repo.write(".git/refs/heads/main", "1234567890123456789012345678901234567890\n")
    let (lines, diagnosis) = try diagnose(repo)
    XCTAssertEqual(
      lines.last?.plain, "HEAD: refs/heads/main points at 12345678, a commit that is not in the object database")
    XCTAssertEqual(
      diagnosis.problems.last,
      "refs/heads/main is damaged: find its last good commit with `git reflog refs/heads/main` "
        + "and restore it with `git update-ref refs/heads/main COMMIT`")
    XCTAssertFalse(lines.contains { $0.plain.hasPrefix("policy") })
  }

  func testABranchNamingABlobIsNamedAsSuch() throws {
    let repo = ScratchRepository()
    repo.write("notes.txt", "a blob\n")
    repo.commit("first")
    let blob = try XCTUnwrap(OID(hex: repo.run(["rev-parse", "HEAD:notes.txt"])))
    repo.write(".git/refs/heads/main", blob.description + "\n")
    let problem = try XCTUnwrap(DoctorChecks.headProblem(try repo.open()))
    XCTAssertEqual(problem.state, "refs/heads/main points at \(blob.short), a blob, not a commit")
  }

  func testAHealthyHeadHasNoProblem() throws {
    let repo = ScratchRepository()
    XCTAssertNil(DoctorChecks.headProblem(try repo.open()))
    repo.commit("first")
    XCTAssertNil(DoctorChecks.headProblem(try repo.open()))
  }

  func testABrokenCommittedConfigIsNamedWithTheCommitThatBrokeIt() throws {
    let repo = ScratchRepository()
    repo.commit("first")
    repo.write(".mlgit/config.yml", "extends: [default]\nrules:\n  - nope\n")
    let broken = repo.commit("break the config")
    let (lines, diagnosis) = try diagnose(repo)
    let policy = try XCTUnwrap(lines.firstIndex { $0.plain == "policy: cannot be loaded:" })
    XCTAssertEqual(policy, lines.count - 2)
    XCTAssertTrue(lines[policy + 1].plain.hasPrefix("  HEAD:.mlgit/config.yml:3:"), lines[policy + 1].plain)
    XCTAssertEqual(
      diagnosis.problems.last,
      "the committed .mlgit/config.yml (HEAD's) is broken since \(broken.short) \"break the config\": "
        + "fix it, `git add .mlgit/config.yml` and commit "
        + "(the repairing commit is judged by the repaired config and at least the default pack)")
  }

  func testAnIndexNeitherMLGitNorGitCanReadRefusesEveryCommit() throws {
    let repo = ScratchRepository()
    repo.write(".git/index", "garbage\n")
    let index = repo.path + "/.git/index"
    var said: [String] = []
    let problems = DoctorChecks(executable: DoctorChecksTests.mlgit, environment: [:])
      .indexReader(Workspace(repository: try repo.open(), environment: [:])) { said.append($0.plain) }
    XCTAssertEqual(
      said,
      ["index: not an index file, and git cannot read it either: fatal: \(index): index file smaller than expected"])
    XCTAssertEqual(
      problems,
      ["the index \(index) cannot be read, so every commit is refused: repair it (rm it, then `git reset`)"])
  }

  func testWhatWasFoundBeforeARepositoryIsMissingIsStillSaid() {
    var said: [String] = []
    XCTAssertThrowsError(
      try DoctorChecks(executable: DoctorChecksTests.mlgit, environment: ["GIT_DIR": "/nonexistent/mlgit-doctor"])
        .run { said.append($0.plain) }
    ) {
      XCTAssertEqual(($0 as? MLGitError)?.exitStatus, .usage)
      XCTAssertEqual("\($0)", "mlgit: not a git repository: GIT_DIR=/nonexistent/mlgit-doctor")
    }
    XCTAssertEqual(said, ["mlgit \(MLGitVersion.current) at /opt/mlgit/bin/mlgit", "libgit2 \(libgit2Version())"])
  }
}
