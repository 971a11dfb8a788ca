import Foundation
import XCTest

/// Rules limited to branches with `branches:`: every rule reads the option the same way,
/// and what decides the target branch never falls back silently.
final class BranchScopeTests: XCTestCase {
  /// A bare remote and a clone with the pre-push hook, whose root commit (which
  /// establishes the policy) holds `config` and the model; pushed to main.
  func makeRemote(config: String) -> (remote: TempRepository, clone: TempRepository) {
    let remote = TempRepository(bare: true, name: "remote.git")
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.write(".mlgit/config.yml", config)
    clone.write("models/credit.yaml", Fixtures.spec())
    clone.stage()
    clone.commitFixture("model and policy")
    let push = clone.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    return (remote, clone)
  }

  /// A spec change (new version, one feature fewer: no hyperparameter review needed).
  @discardableResult
  func changeSpec(_ clone: TempRepository) -> String {
    clone.commitFile("models/credit.yaml", Fixtures.spec(version: "1.5.0", features: ["income"]), "drop a feature")
  }

  static let noRun =
    "models/credit.yaml:2:1: error: no training run of 'credit-risk' is recorded on this commit [runs/required]"

  func testReleaseGatesFireForAListThatNamesProtected() {
    let (remote, clone) = makeRemote(
      config: """
        apiVersion: mlgit/v1
        protected_branches: [main]
        rules:
          runs/required: {severity: error, branches: [protected, "release/*"]}
          metrics/threshold: {severity: error, branches: [protected, "release/*"]}

        """)
    let change = changeSpec(clone)
    let push = clone.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("\(change.prefix(8)): \(BranchScopeTests.noRun)"), push.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), change)
    // The release globs of the same list count too; a topic branch is free.
    let release = clone.git("push", "origin", "main:refs/heads/release/1.5")
    XCTAssertNotEqual(release.status, 0, release.output)
    XCTAssertTrue(release.stderr.contains(BranchScopeTests.noRun), release.stderr)
    let topic = clone.git("push", "origin", "main:refs/heads/topic")
    XCTAssertEqual(topic.status, 0, topic.output)
  }

  func testReleaseGatesFireForASingleBranchString() {
    let (remote, clone) = makeRemote(
      config: """
        apiVersion: mlgit/v1
        rules:
          runs/required: {severity: error, branches: "release/*"}

        """)
    let change = changeSpec(clone)
    let release = clone.git("push", "origin", "main:refs/heads/release/1.5")
    XCTAssertNotEqual(release.status, 0, release.output)
    XCTAssertTrue(release.stderr.contains("\(change.prefix(8)): \(BranchScopeTests.noRun)"), release.stderr)
    XCTAssertNil(remote.revParse("refs/heads/release/1.5"))
    // main is protected, but the rule is scoped to release/* alone.
    let main = clone.git("push", "origin", "main")
    XCTAssertEqual(main.status, 0, main.output)
  }

  func testReleaseGatesWithoutBranchesGuardTheProtectedBranches() {
    let (remote, clone) = makeRemote(config: "apiVersion: mlgit/v1\nrules:\n  runs/required: error\n")
    changeSpec(clone)
    XCTAssertEqual(clone.git("push", "origin", "main:refs/heads/topic").status, 0)
    let main = clone.git("push", "origin", "main")
    XCTAssertNotEqual(main.status, 0, main.output)
    XCTAssertTrue(main.stderr.contains(BranchScopeTests.noRun), main.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), clone.head)
  }
}

extension BranchScopeTests {
  /// `check --range` works out the target branch from HEAD's policy; when that cannot be
  /// read it stops and says so, instead of judging as if going to `main`.
  func testRangeCheckRefusesToGuessTheTargetBranch() {
    let repo = TempRepository()
    repo.write(
      ".mlgit/config.yml",
      """
      apiVersion: mlgit/v1
      protected_branches: [release]
      rules:
        spec/version-bump: {severity: error, branches: protected}

      """)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let root = repo.commitFixture("model and policy")
    let unbumped = repo.commitFile("models/credit.yaml", Fixtures.spec(features: ["income"]), "same version")
    repo.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [release\n", "broken config")

    let guessed = repo.mlgit("check", "--range", "\(root)..\(unbumped)")
    XCTAssertEqual(guessed.status, 2, guessed.output)
    XCTAssertTrue(guessed.stderr.contains(".mlgit/config.yml:3:1: error: "), guessed.stderr)
    XCTAssertTrue(guessed.stderr.contains("mlgit: cannot tell which branch the commits go to"), guessed.stderr)
    XCTAssertTrue(guessed.stderr.contains("hint: repair the config, or name the branch: --branch main"), guessed.stderr)
    XCTAssertEqual(guessed.stdout, "")

    let named = repo.mlgit("check", "--range", "\(root)..\(unbumped)", "--branch", "release")
    XCTAssertEqual(named.status, 1, named.output)
    XCTAssertTrue(
      named.stdout.contains(
        "\(unbumped.prefix(8)): models/credit.yaml:3:10: error: spec changed but its version is still 1.4.0 [spec/version-bump]"
      ), named.stdout)
    XCTAssertEqual(repo.mlgit("check", unbumped, "--branch", "topic").status, 0)
  }

  /// Work-tree files go to no branch. With HEAD's policy broken, `check --files PATH` says
  /// what `check --files` says (the policy in force cannot be read, and how to repair it),
  /// not that it cannot tell a target branch it would never use, with a hint (`--branch`)
  /// that cannot help.
  func testWorkTreeFilesAreNotSentToATargetBranch() {
    let repo = TempRepository()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [release]\n")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model and policy")
    repo.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [release\n", "broken config")
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [release]\n")

    let whole = repo.mlgit("check", "--files")
    let named = repo.mlgit("check", "--files", "models/credit.yaml")
    for result in [whole, named] {
      XCTAssertEqual(result.status, 2, result.output)
      XCTAssertTrue(
        result.stderr.contains("HEAD:.mlgit/config.yml:3:1: error: malformed YAML"), result.stderr)
      XCTAssertTrue(
        result.stderr.contains("mlgit: the committed .mlgit/config.yml (HEAD's) is broken"), result.stderr)
      XCTAssertFalse(result.stderr.contains("cannot tell which branch"), result.stderr)
    }
    XCTAssertEqual(named.stderr, whole.stderr)
  }
}
