import Foundation
import XCTest

/// Files a policy reads from outside `.mlgit/` (pack files it extends, command checks'
/// scripts) are policy: a change to one needs the approval `policy/review` asks for, at
/// commit (a warning under `enforce: push`) and in the server's hook (refused).
final class TeamRulePolicyFilesTests: XCTestCase {
  static let pack = """
    rules:
      acme/owner-team:
        severity: error
        check: {field: owner, matches: "^team-[a-z]+$"}

    """
  static let weakened = TeamRulePolicyFilesTests.pack.replacingOccurrences(of: "^team-[a-z]+$", with: ".*")

  /// A bare remote with the server hook, and a clone whose root commit (pushed) holds a
  /// config extending `../policies/acme.yaml` and `files`.
  func setUp(config: String, files: [String: String]) -> (remote: TempRepository, clone: TempRepository) {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.write(".mlgit/config.yml", "apiVersion: mlgit/v1\n" + config)
    for (path, content) in files { clone.write(path, content) }
    clone.stage()
    clone.commitFixture("policy")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    return (remote, clone)
  }

  func testWeakeningAnExtendedPackFileOutsideMlgitNeedsApproval() {
    let (remote, clone) = setUp(
      config: "extends: [default, ../policies/acme.yaml]\n",
      files: ["policies/acme.yaml": TeamRulePolicyFilesTests.pack])
    // The team rule is in force: a spec owned by `risk-team` is refused.
    clone.write("models/credit.yaml", Fixtures.spec())
    clone.stage("models/credit.yaml")
    let refused = clone.git("commit", "-q", "-m", "credit model")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("[acme/owner-team]"), refused.stderr)
    clone.git("reset", "-q", "--hard", "HEAD")

    // Weakening the pack file is a policy change: at commit, a warning (enforce: push).
    clone.write("policies/acme.yaml", TeamRulePolicyFilesTests.weakened)
    clone.stage("policies/acme.yaml")
    let committed = clone.git("commit", "-q", "-m", "relax owners")
    XCTAssertEqual(committed.status, 0, committed.output)
    let expected =
      "policies/acme.yaml:1:1: warning: file read by the policy (extends '../policies/acme.yaml' in .mlgit/config.yml)"
      + " changed: needs 1 approval from anyone but alice@example.com; none yet [policy/review]"
    XCTAssertTrue(committed.stderr.contains(expected), committed.stderr)
    // A spec the weakened rule lets through, on top.
    clone.commitFile("models/credit.yaml", Fixtures.spec(), "credit model")

    // The server refuses the unapproved change at the pack file's path and line 1.
    let push = clone.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("policies/acme.yaml:1:1: error: file read by the policy"), push.stderr)
    XCTAssertTrue(push.stderr.contains("[policy/review]"), push.stderr)

    // Approved by someone else, the change (and the commit relying on it) goes through.
    let change = clone.git("rev-parse", "HEAD~1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let approve = clone.mlgit(["review", "approve", change], environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"])
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertTrue(approve.stdout.contains("approved policies/acme.yaml (changed)"), approve.stdout)
    XCTAssertEqual(clone.git("push", "-q", "origin", "refs/notes/mlgit/reviews").status, 0)
    let accepted = clone.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    // The clone pushes to the remote's folder, which goes when the remote is freed.
    withExtendedLifetime(remote) {}
  }

  func testChangingACommandChecksScriptOutsideMlgitNeedsApproval() {
    let (remote, clone) = setUp(
      config: "rules:\n  acme/depth:\n    check: {command: [python3, policies/no_deep.py]}\n",
      files: ["policies/no_deep.py": TeamRuleTests.depthScript, "policies/other.txt": "not read by the policy\n"])
    _ = remote
    // A file next to the script that the policy does not read is no policy change.
    clone.write("policies/other.txt", "still not read\n")
    clone.stage("policies/other.txt")
    let other = clone.git("commit", "-q", "-m", "notes")
    XCTAssertEqual(other.status, 0, other.output)
    XCTAssertFalse(other.stderr.contains("[policy/review]"), other.stderr)

    clone.write("policies/no_deep.py", "pass\n")
    clone.stage("policies/no_deep.py")
    let committed = clone.git("commit", "-q", "-m", "disable the depth check")
    XCTAssertEqual(committed.status, 0, committed.output)
    XCTAssertTrue(
      committed.stderr.contains(
        "policies/no_deep.py:1:1: warning: file read by the policy (the command check of acme/depth) changed: needs 1 approval"
      ),
      committed.stderr)
    XCTAssertTrue(committed.stderr.contains("[policy/review]"), committed.stderr)
    let check = clone.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(
      check.stdout.contains("policies/no_deep.py:1:1: error: file read by the policy (the command check of acme/depth)")
        || check.stderr.contains(
          "policies/no_deep.py:1:1: error: file read by the policy (the command check of acme/depth)"),
      check.output)
  }
}
