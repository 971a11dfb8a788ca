import Foundation
import XCTest

/// What is in force on a branch is never weakened by where a commit comes from: a merge
/// answers to every parent, and a foreign root or a rewritten history answers to the
/// policy at the branch's tip before the push.
final class BranchPolicyTests: XCTestCase {
  static let policy = """
    apiVersion: mlgit/v1
    protected_branches: [main]
    rules:
      features/protected: error
      hyperparameters/review: {severity: error, approvals: 1}
      policy/review: error

    """
  /// What an attacker's own root commit carries (every branch claimed as protected, so
  /// that its commits would count as already checked for main).
  static let relaxed = """
    apiVersion: mlgit/v1
    protected_branches: ["*"]
    rules:
      features/protected: off
      hyperparameters/review: off
      policy/review: off

    """
  /// The spec the attack lands: a protected feature (line 9) and max_depth 6 -> 60 (hyperparameters from line 11).
  static let evilSpec = Fixtures.spec(
    features: ["income", "debt_ratio", "applicant_race"],
    hyperparameters: "  learning_rate: 0.05\n  max_depth: 60\n  seed: 42\n")
  static let protectedFinding =
    "models/credit.yaml:9:5: error: feature 'applicant_race' is the protected attribute 'race'"
  static let reviewFinding = "models/credit.yaml:12:3: error: hyperparameters changed (max_depth 6 -> 60)"
  static let policyFinding = ".mlgit/config.yml:1:1: error: policy file changed"

  /// A bare remote (with the server hook when asked) and a clone with the client hooks,
  /// sharing main: the team's policy and the credit model, in one root commit.
  func makeRemote(serverHook: Bool) -> (remote: TempRepository, clone: TempRepository, main: String) {
    let remote = TempRepository(bare: true, name: "remote.git")
    if serverHook { XCTAssertEqual(remote.mlgit("install", "--server").status, 0) }
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    let main = commitPolicyAndModel(in: clone)
    // The first push of a repository: its root commit establishes the policy.
    let push = clone.git("push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    return (remote, clone, main)
  }

  @discardableResult
  func commitPolicyAndModel(in repo: TempRepository) -> String {
    repo.write(".mlgit/config.yml", BranchPolicyTests.policy)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    return repo.commitFixture("policy and credit model")
  }

  /// The attack: an orphan commit relaxing the policy, the protected branch merged into it
  /// (`-s ours`, the orphan first), the merge amended to land the evil spec. Returns (root, merge).
  func orphanMerge(in repo: TempRepository) -> (root: String, merge: String) {
    XCTAssertEqual(repo.git("checkout", "-q", "--orphan", "relaxed").status, 0)
    repo.write(".mlgit/config.yml", BranchPolicyTests.relaxed)
    repo.stage()
    let root = repo.commitFixture("a fresh start")
    let merge = repo.git(
      "merge", "-q", "--no-verify", "--allow-unrelated-histories", "-s", "ours", "main", "-m", "merge main")
    XCTAssertEqual(merge.status, 0, merge.output)
    repo.write("models/credit.yaml", BranchPolicyTests.evilSpec)
    repo.stage()
    let amend = repo.git("commit", "-q", "--no-verify", "--amend", "-m", "merge main")
    XCTAssertEqual(amend.status, 0, amend.output)
    XCTAssertEqual(repo.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split(separator: " ").count, 3)
    return (root, repo.head)
  }

  func assertAttackRefused(
    _ output: String, root: String, merge: String, main: String, prefix: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let m = String(merge.prefix(8))
    let r = String(root.prefix(8))
    let o = String(main.prefix(8))
    let expected = [
      // The merge, against its second parent (the protected branch), by that branch's policy.
      "\(prefix)\(m): \(BranchPolicyTests.policyFinding)",
      "(against merge parent \(o)) [policy/review]",
      "\(prefix)\(m): \(BranchPolicyTests.protectedFinding)",
      "\(prefix)\(m): \(BranchPolicyTests.reviewFinding)",
      // The foreign root, against the branch it reaches.
      "\(prefix)\(r): \(BranchPolicyTests.policyFinding)",
      "(a root commit judged against refs/heads/main at \(o), before the push) [policy/review]",
      "\(m): .mlgit/config.yml [policy/review], models/credit.yaml [features/protected], models/credit.yaml [hyperparameters/review]",
      "\(r): .mlgit/config.yml [policy/review]",
    ]
    for text in expected {
      XCTAssertTrue(output.contains(text), "missing \(text) in\n\(output)", file: file, line: line)
    }
  }

  // MARK: Orphan first parent, merged into the protected branch

  func testServerRefusesMergeWhoseFirstParentIsAForeignRootWithARelaxedPolicy() {
    let (remote, clone, main) = makeRemote(serverHook: true)
    let (root, merge) = orphanMerge(in: clone)
    let push = clone.git("push", "--no-verify", "origin", "HEAD:main")
    XCTAssertNotEqual(push.status, 0, push.output)
    assertAttackRefused(push.stderr, root: root, merge: merge, main: main, prefix: "remote: ")
    XCTAssertTrue(push.stderr.contains("pre-receive hook declined"), push.stderr)
    XCTAssertEqual(remote.revParse("refs/heads/main"), main)

    // Approving the merge approves what it changes against each parent (the relaxed policy
    // and max_depth 60, the same blobs the root carries); the protected feature stays refused.
    let approve = clone.mlgit(["review", "approve", merge], environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"])
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertTrue(approve.stdout.contains("approved .mlgit/config.yml (changed) in \(merge.prefix(8))"), approve.stdout)
    XCTAssertEqual(clone.git("push", "-q", "origin", "refs/notes/mlgit/reviews").status, 0)
    let again = clone.git("push", "--no-verify", "origin", "HEAD:main")
    XCTAssertNotEqual(again.status, 0, again.output)
    XCTAssertTrue(
      again.stderr.contains("remote: \(merge.prefix(8)): \(BranchPolicyTests.protectedFinding)"), again.stderr)
    XCTAssertTrue(again.stderr.contains("push refused: 1 commit breaks the policy"), again.stderr)
    XCTAssertFalse(again.stderr.contains("[policy/review]"), again.stderr)
    XCTAssertFalse(again.stderr.contains("[hyperparameters/review]"), again.stderr)
  }

  func testPrePushRefusesMergeWhoseFirstParentIsAForeignRootWithARelaxedPolicy() {
    let (remote, clone, main) = makeRemote(serverHook: false)
    let (root, merge) = orphanMerge(in: clone)
    let push = clone.git("push", "origin", "HEAD:main")
    XCTAssertNotEqual(push.status, 0, push.output)
    assertAttackRefused(push.stderr, root: root, merge: merge, main: main, prefix: "")
    XCTAssertTrue(push.stderr.contains("mlgit: push refused: 2 commits break the policy"), push.stderr)
    XCTAssertEqual(remote.revParse("refs/heads/main"), main)
  }

  /// Pushed first to a branch of its own (nothing protected there), the foreign root is
  /// on the server when the merge comes: the merge alone must still answer to main.
  func testServerRefusesTheMergeWhenTheForeignRootIsAlreadyOnAnotherBranch() {
    let (remote, clone, main) = makeRemote(serverHook: true)
    let (root, merge) = orphanMerge(in: clone)
    // The root alone, on a branch of its own.
    clone.git("branch", "-f", "staging", root)
    XCTAssertEqual(clone.git("push", "-q", "--no-verify", "origin", "staging").status, 0)
    XCTAssertEqual(remote.revParse("refs/heads/staging"), root)
    let push = clone.git("push", "--no-verify", "origin", "HEAD:main")
    XCTAssertNotEqual(push.status, 0, push.output)
    let m = String(merge.prefix(8))
    XCTAssertTrue(push.stderr.contains("remote: \(m): \(BranchPolicyTests.protectedFinding)"), push.stderr)
    XCTAssertTrue(push.stderr.contains("remote: \(m): \(BranchPolicyTests.policyFinding)"), push.stderr)
    XCTAssertEqual(remote.revParse("refs/heads/main"), main)
  }

  // MARK: A rewritten history whose root relaxes the policy

  func testServerRefusesForcePushOfRewrittenHistoryWithRelaxedRoot() {
    let (remote, clone, main) = makeRemote(serverHook: true)
    XCTAssertEqual(clone.git("checkout", "-q", "--orphan", "rewrite").status, 0)
    clone.write(".mlgit/config.yml", BranchPolicyTests.relaxed)
    clone.stage()
    let root = clone.commitFixture("history, rewritten")
    let evil = clone.commitFile("models/credit.yaml", BranchPolicyTests.evilSpec, "deeper trees, more features")
    let push = clone.git("push", "--no-verify", "--force", "origin", "HEAD:main")
    XCTAssertNotEqual(push.status, 0, push.output)
    let r = String(root.prefix(8))
    let e = String(evil.prefix(8))
    let o = String(main.prefix(8))
    for text in [
      "remote: \(r): \(BranchPolicyTests.policyFinding)",
      "(a root commit judged against refs/heads/main at \(o), before the push) [policy/review]",
      "remote: \(e): \(BranchPolicyTests.protectedFinding)",
      "remote: \(e): \(BranchPolicyTests.reviewFinding)",
      "(by the policy of refs/heads/main at \(o), before the push; parent \(r) is not on that branch) [hyperparameters/review]",
      "\(e): models/credit.yaml [features/protected], models/credit.yaml [hyperparameters/review]",
    ] {
      XCTAssertTrue(push.stderr.contains(text), "missing \(text) in\n\(push.stderr)")
    }
    XCTAssertEqual(remote.revParse("refs/heads/main"), main)

    // The client's pre-push judges it the same way.
    let prePush = clone.git("push", "--force", "origin", "HEAD:main")
    XCTAssertNotEqual(prePush.status, 0, prePush.output)
    XCTAssertTrue(prePush.stderr.contains("\(e): \(BranchPolicyTests.protectedFinding)"), prePush.stderr)
    XCTAssertFalse(prePush.stderr.contains("remote:"), prePush.stderr)
  }

  /// A relaxed policy that keeps the rule as a warning must not hide the branch's error.
  func testAWarningUnderTheRelaxedPolicyDoesNotHideTheBranchsError() {
    let (remote, clone, main) = makeRemote(serverHook: false)
    XCTAssertEqual(clone.git("checkout", "-q", "--orphan", "rewrite").status, 0)
    clone.write(
      ".mlgit/config.yml",
      BranchPolicyTests.relaxed.replacingOccurrences(
        of: "features/protected: off", with: "features/protected: warning"))
    clone.stage()
    clone.commitFixture("history, rewritten")
    let evil = clone.commitFile("models/credit.yaml", BranchPolicyTests.evilSpec, "more features")
    let push = clone.git("push", "--force", "origin", "HEAD:main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains(
        "\(evil.prefix(8)): \(BranchPolicyTests.protectedFinding) (by the policy of refs/heads/main"),
      push.stderr)
    XCTAssertFalse(push.stderr.contains("models/credit.yaml:9:5: warning"), push.stderr)
    XCTAssertEqual(remote.revParse("refs/heads/main"), main)
  }

  // MARK: History checks and the audit

  func testCheckAllAndAuditReportTheMergeOfAForeignRootAsABypass() throws {
    let repo = TempRepository()
    let main = commitPolicyAndModel(in: repo)
    let (_, merge) = orphanMerge(in: repo)
    repo.git("branch", "-q", "-f", "main", merge)
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "relaxed")
    let m = String(merge.prefix(8))
    let o = String(main.prefix(8))

    // The branch judged for is named: by default it is the first protected branch of
    // HEAD's policy, which the history under audit controls.
    let check = repo.mlgit("check", "--all", "--branch", "main")
    XCTAssertEqual(check.status, 1, check.output)
    for text in [
      "\(m): \(BranchPolicyTests.policyFinding)",
      "(against merge parent \(o)) [policy/review]",
      "\(m): \(BranchPolicyTests.protectedFinding)",
      "\(m): \(BranchPolicyTests.reviewFinding)",
    ] {
      XCTAssertTrue(check.stdout.contains(text), "missing \(text) in\n\(check.stdout)")
    }

    let audit = repo.mlgit("audit", "--format", "json", "--branch", "main")
    XCTAssertEqual(audit.status, 0, audit.output)
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
    let bypasses = try XCTUnwrap(document["bypasses"] as? [[String: Any]])
    let bypass = try XCTUnwrap(bypasses.first { $0["commit"] as? String == merge }, audit.stdout)
    XCTAssertEqual(bypass["rules"] as? [String], ["features/protected", "hyperparameters/review", "policy/review"])
    XCTAssertEqual(bypass["paths"] as? [String], [".mlgit/config.yml", "models/credit.yaml"])
    let models = try XCTUnwrap(document["models"] as? [[String: Any]])
    let changes = try XCTUnwrap(models.first?["changes"] as? [[String: Any]])
    let change = try XCTUnwrap(changes.first { $0["commit"] as? String == merge })
    let findings = try XCTUnwrap(change["findings"] as? [[String: Any]])
    let protected = try XCTUnwrap(findings.first { $0["rule"] as? String == "features/protected" })
    XCTAssertEqual(protected["line"] as? Int, 9)
    XCTAssertEqual(protected["column"] as? Int, 5)
    let review = try XCTUnwrap(findings.first { $0["rule"] as? String == "hyperparameters/review" })
    XCTAssertEqual(review["line"] as? Int, 12)
  }

  // MARK: Ordinary pushes keep working

  func testOrdinaryMergesAndApprovedPolicyChangesStillPass() {
    let (remote, clone, _) = makeRemote(serverHook: true)
    // A topic branch forked before main moved on, merged back with a merge commit.
    clone.git("checkout", "-q", "-b", "topic")
    clone.commitFile("notes.txt", "topic work\n", "topic work")
    clone.git("checkout", "-q", "main")
    clone.commitFile("README.md", "credit model\n", "readme")
    let merge = clone.git("merge", "-q", "--no-ff", "--no-verify", "topic", "-m", "merge topic")
    XCTAssertEqual(merge.status, 0, merge.output)
    let push = clone.git("push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), clone.head)

    // An approved policy change, and a commit relying on it, in one push.
    let change = clone.commitFile(
      ".mlgit/config.yml",
      BranchPolicyTests.policy.replacingOccurrences(
        of: "features/protected: error", with: "features/protected: error\n  spec/version-bump: off"),
      "no version bumps")
    XCTAssertEqual(
      clone.mlgit(["review", "approve", change], environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"]).status, 0)
    XCTAssertEqual(clone.git("push", "-q", "origin", "refs/notes/mlgit/reviews").status, 0)
    clone.commitFile("models/credit.yaml", Fixtures.spec(features: ["income"]), "drop a feature")
    let second = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertEqual(second.status, 0, second.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), clone.head)
  }
}
