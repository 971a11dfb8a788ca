import Foundation
import XCTest

/// History checks: `mlgit check --range/--all/REV`, the pre-push hook and the server's
/// pre-receive hook, against bare repositories on disk.
final class HistoryTests: XCTestCase {
  static let badSpec = Fixtures.spec(version: "1.4")
  static let badLine = "models/credit.yaml:3:10: error: version must be a semantic version string"

  /// A bare remote and a clone of it with hooks installed, sharing one good commit on main.
  func makeRemote(serverHook: Bool = false) -> (remote: TempRepository, clone: TempRepository) {
    let remote = TempRepository(bare: true, name: "remote.git")
    if serverHook { XCTAssertEqual(remote.mlgit("install", "--server").status, 0) }
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    let push = clone.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    return (remote, clone)
  }

  /// Good, bad, good: the bad commit is buried under a good one that repairs the file.
  @discardableResult
  func buryBadCommit(in repo: TempRepository) -> String {
    repo.commitFile("notes.txt", "one\n", "good before")
    let bad = repo.commitFile("models/credit.yaml", HistoryTests.badSpec, "break the spec")
    repo.commitFile("models/credit.yaml", Fixtures.spec(version: "1.4.1"), "repair the spec")
    repo.commitFile("notes.txt", "two\n", "good after")
    return bad
  }

  // MARK: mlgit check

  func testRangeCheckJudgesEachCommitAndNamesIt() throws {
    let repo = TempRepository()
    let base = repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    let bad = buryBadCommit(in: repo)

    let text = repo.mlgit("check", "--range", "\(base)..HEAD")
    XCTAssertEqual(text.status, 1, text.output)
    XCTAssertTrue(text.stdout.contains("\(bad.prefix(8)): \(HistoryTests.badLine)"), text.stdout)
    XCTAssertTrue(text.stdout.contains("(4 commits checked): 1 error"), text.stdout)

    let json = repo.mlgit("check", "--range", "\(base)..HEAD", "--format", "json")
    XCTAssertEqual(json.status, 1, json.output)
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let findings = try XCTUnwrap(document["findings"] as? [[String: Any]])
    XCTAssertEqual(findings.count, 1)
    XCTAssertEqual(findings.first?["commit"] as? String, bad)
    XCTAssertEqual(findings.first?["rule"] as? String, "spec/schema")
    XCTAssertEqual(findings.first?["line"] as? Int, 3)

    let sarif = repo.mlgit("check", "--range", "\(base)..HEAD", "--format", "sarif")
    XCTAssertEqual(sarif.status, 1, sarif.output)
    XCTAssertTrue(sarif.stdout.contains("\"commit\" : \"\(bad)\""), sarif.stdout)

    // The range after the repair is clean; naming the bad commit alone finds it.
    XCTAssertEqual(repo.mlgit("check", "--range", "HEAD~2..HEAD").status, 0)
    let named = repo.mlgit("check", bad, "HEAD")
    XCTAssertEqual(named.status, 1, named.output)
    XCTAssertTrue(named.stdout.contains("(2 commits checked)"), named.stdout)
  }

  func testAllChecksEveryBranchAndTheRootAgainstTheEmptyTree() {
    let repo = TempRepository()
    let root = repo.commitFile("models/credit.yaml", HistoryTests.badSpec, "a broken root")
    repo.git("checkout", "-q", "-b", "side")
    let side = repo.commitFile(
      "models/other.yaml", Fixtures.spec(name: "other", version: "2"), "broken on a side branch")
    repo.git("checkout", "-q", "main")
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "repair")
    let result = repo.mlgit("check", "--all")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stdout.contains("\(root.prefix(8)): \(HistoryTests.badLine)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("\(side.prefix(8)): models/other.yaml:3:10: error"), result.stdout)
    XCTAssertTrue(result.stdout.contains("(3 commits checked): 2 errors"), result.stdout)
  }

  func testBadRangeIsAUsageError() {
    let repo = TempRepository()
    repo.commitFile("a.txt", "a\n", "one")
    XCTAssertEqual(repo.mlgit("check", "--range", "nope..HEAD").status, 2)
    XCTAssertEqual(repo.mlgit("check", "--range", "HEAD").status, 2)
    XCTAssertEqual(repo.mlgit("check", "--all", "HEAD").status, 2)
  }

  // MARK: pre-push

  func testPrePushRefusesNewBranchWithBadCommitBuriedUnderGoodOnes() {
    let (remote, clone) = makeRemote()
    clone.git("checkout", "-q", "-b", "feature")
    let bad = buryBadCommit(in: clone)
    let push = clone.git("push", "origin", "feature")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("\(bad.prefix(8)): \(HistoryTests.badLine)"), push.stderr)
    XCTAssertTrue(push.stderr.contains("push refused: 1 commit breaks the policy"), push.stderr)
    XCTAssertTrue(push.stderr.contains("\(bad.prefix(8)): models/credit.yaml [spec/schema]"), push.stderr)
    // Only the four new commits: main's commit is on the remote already.
    XCTAssertTrue(push.stderr.contains("4 commits checked"), push.stderr)
    XCTAssertNil(remote.revParse("refs/heads/feature"))
  }

  func testPrePushOnExistingBranchChecksOnlyCommitsTheRemoteLacks() {
    let (remote, clone) = makeRemote()
    // A bad commit already on the remote (pushed without the check) is not the next push's concern.
    clone.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken, pushed earlier")
    XCTAssertEqual(clone.git("push", "-q", "--no-verify", "origin", "main").status, 0)
    clone.commitFile("models/credit.yaml", Fixtures.spec(version: "1.4.1"), "repair")
    let good = clone.git("push", "origin", "main")
    XCTAssertEqual(good.status, 0, good.output)
    let bad = clone.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken again")
    let refused = clone.git("push", "origin", "main")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("\(bad.prefix(8)): \(HistoryTests.badLine)"), refused.stderr)
    XCTAssertTrue(refused.stderr.contains("1 commit checked"), refused.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), bad)
  }

  func testPrePushLetsDeletionsThrough() {
    let (remote, clone) = makeRemote()
    clone.git("checkout", "-q", "-b", "broken")
    clone.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken")
    XCTAssertEqual(clone.git("push", "-q", "--no-verify", "origin", "broken").status, 0)
    XCTAssertNotNil(remote.revParse("refs/heads/broken"))
    let delete = clone.git("push", "origin", "--delete", "broken")
    XCTAssertEqual(delete.status, 0, delete.output)
    XCTAssertNil(remote.revParse("refs/heads/broken"))
  }

  func testPrePushPeelsAnnotatedTags() {
    let (remote, clone) = makeRemote()
    // A tag on a commit the remote has adds nothing.
    XCTAssertEqual(clone.git("tag", "-a", "-m", "release", "v1.0.0").status, 0)
    let good = clone.git("push", "origin", "v1.0.0")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertNotNil(remote.revParse("refs/tags/v1.0.0"))
    // A tag on a new bad commit carries that commit.
    let bad = clone.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken")
    XCTAssertEqual(clone.git("tag", "-a", "-m", "broken release", "v1.0.1").status, 0)
    let refused = clone.git("push", "origin", "v1.0.1")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("\(bad.prefix(8)): \(HistoryTests.badLine)"), refused.stderr)
    XCTAssertNil(remote.revParse("refs/tags/v1.0.1"))
    // A tag of a tree points at no commit: not checked as code.
    let tree = clone.git("rev-parse", "HEAD^{tree}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertEqual(clone.git("tag", "-a", "-m", "a tree", "tree-tag", tree).status, 0)
    let treeTag = clone.git("push", "origin", "tree-tag")
    XCTAssertEqual(treeTag.status, 0, treeTag.output)
  }

  func testUpToDatePushDoesNothing() {
    let (remote, clone) = makeRemote()
    let push = withExtendedLifetime(remote) { clone.git("push", "origin", "main") }
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("Everything up-to-date"), push.stderr)
    XCTAssertFalse(push.output.contains("mlgit"), push.output)
  }

  func testPushToAURLIsChecked() {
    let (remote, clone) = makeRemote()
    clone.git("checkout", "-q", "-b", "by-url")
    let bad = clone.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken")
    let refused = clone.git("push", remote.path, "by-url")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("\(bad.prefix(8)): \(HistoryTests.badLine)"), refused.stderr)
    XCTAssertNil(remote.revParse("refs/heads/by-url"))
    // Without tracking refs the whole branch is judged, so history must be rewritten.
    clone.git("reset", "-q", "--hard", "main")
    clone.commitFile("models/credit.yaml", Fixtures.spec(version: "1.4.1"), "good change")
    let accepted = clone.git("push", remote.path, "by-url")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertNotNil(remote.revParse("refs/heads/by-url"))
  }

  func testShallowClonePushesNewBranchWithoutWalkingMissingHistory() {
    let (remote, seed) = makeRemote()
    // Old history the shallow clone will not have, including a bad commit.
    seed.commitFile("models/credit.yaml", HistoryTests.badSpec, "old breakage")
    seed.commitFile("models/credit.yaml", Fixtures.spec(version: "1.4.1"), "old repair")
    XCTAssertEqual(seed.git("push", "-q", "--no-verify", "origin", "main").status, 0)

    let shallow = TempRepository.clone("file://" + remote.path, arguments: ["--depth", "1"], name: "shallow")
    XCTAssertTrue(FileManager.default.fileExists(atPath: shallow.path + "/.git/shallow"))
    XCTAssertEqual(shallow.mlgit("install").status, 0)
    shallow.git("checkout", "-q", "-b", "topic")
    shallow.commitFile("models/credit.yaml", Fixtures.spec(version: "1.4.2"), "good change")
    let good = shallow.git("push", "origin", "topic")
    XCTAssertEqual(good.status, 0, good.output)
    XCTAssertTrue(remote.revParse("refs/heads/topic") != nil)

    let bad = shallow.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken")
    let refused = shallow.git("push", "origin", "topic")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("\(bad.prefix(8)): \(HistoryTests.badLine)"), refused.stderr)

    // Pushing to a URL knows nothing of the remote: the walk reaches the shallow
    // boundary, which is named as not checked instead of judged against nothing.
    shallow.git("reset", "-q", "--hard", "HEAD~1")
    let byURL = shallow.git("push", "file://" + remote.path, "topic:refs/heads/by-url")
    XCTAssertEqual(byURL.status, 0, byURL.output)
    let boundary = shallow.git("rev-parse", "main").stdout.prefix(8)
    XCTAssertTrue(byURL.stderr.contains("not checked: \(boundary)"), byURL.stderr)
    XCTAssertFalse(byURL.stderr.contains("error:"), byURL.stderr)

    let range = shallow.mlgit("check", "--all")
    XCTAssertEqual(range.status, 0, range.output)
    XCTAssertTrue(range.stderr.contains("not checked: \(boundary)"), range.stderr)
  }

  // MARK: pre-receive

  func testServerRefusesNoVerifyPushOfBadCommitAndKeepsNothing() {
    let (remote, clone) = makeRemote(serverHook: true)
    let before = remote.revParse("refs/heads/main")
    clone.commitFile("notes.txt", "fine\n", "good")
    let bad = clone.commitFile("models/credit.yaml", HistoryTests.badSpec, "broken")
    let push = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("remote: \(bad.prefix(8)): \(HistoryTests.badLine)"), push.stderr)
    XCTAssertTrue(push.stderr.contains("pre-receive hook declined"), push.stderr)
    XCTAssertEqual(remote.revParse("refs/heads/main"), before)
    // The quarantined objects were dropped with the push.
    XCTAssertNotEqual(remote.git("cat-file", "-e", bad).status, 0)

    // A new branch carrying the same commit is refused too.
    let branch = clone.git("push", "--no-verify", "origin", "main:refs/heads/sneaky")
    XCTAssertNotEqual(branch.status, 0, branch.output)
    XCTAssertNil(remote.revParse("refs/heads/sneaky"))
  }

  func testServerAcceptsGoodPush() {
    let (remote, clone) = makeRemote(serverHook: true)
    clone.commitFile("models/credit.yaml", Fixtures.spec(version: "1.5.0"), "bump")
    let good = clone.commitFile("notes.txt", "fine\n", "good")
    let push = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), good)
  }

  // MARK: protected_branches

  func testRulesScopedToProtectedBranches() {
    let (remote, clone) = makeRemote(serverHook: true)
    let config = clone.commitFile(
      ".mlgit/config.yml",
      """
      apiVersion: mlgit/v1
      protected_branches: [main, release/*]
      rules:
        spec/version-bump: {severity: error, branches: protected}

      """, "version bumps are required on protected branches")
    // A policy change needs someone else's approval (policy/review), on the server too.
    XCTAssertEqual(
      clone.mlgit(["review", "approve", config], environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"]).status, 0)
    XCTAssertEqual(clone.git("push", "-q", "origin", "refs/notes/mlgit/reviews").status, 0)
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    let unbumped = clone.commitFile(
      "models/credit.yaml", Fixtures.spec(features: ["income"]), "drop a feature, same version")
    let topic = clone.git("push", "--no-verify", "origin", "main:refs/heads/topic")
    XCTAssertEqual(topic.status, 0, topic.output)
    let main = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(main.status, 0, main.output)
    XCTAssertTrue(
      main.stderr.contains(
        "\(unbumped.prefix(8)): models/credit.yaml:3:10: error: spec changed but its version is still 1.4.0 [spec/version-bump]"
      ), main.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), unbumped)
    // In CI, --branch names the target; without it, the first protected branch.
    XCTAssertEqual(clone.mlgit("check", "--range", "origin/main..main").status, 1)
    XCTAssertEqual(clone.mlgit("check", "--range", "origin/main..main", "--branch", "feature/x").status, 0)
    XCTAssertEqual(clone.mlgit("check", "--range", "origin/main..main", "--branch", "main").status, 1)
    XCTAssertEqual(clone.mlgit("check", "--range", "origin/main..main", "--branch", "release/2.0").status, 1)
  }

  func testBadBranchScopeIsAConfigError() {
    let repo = TempRepository()
    repo.commitFile(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  spec/schema: {severity: error, branches: {main: 1}}\n",
      "bad scope")
    repo.commitFile("a.txt", "a\n", "next")
    let result = repo.mlgit("check", "--range", "HEAD~1..HEAD")
    XCTAssertEqual(result.status, 2, result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "3:44: error: rule 'spec/schema': 'branches' must be a branch glob, a list of them, or 'protected', found a mapping"
      ), result.stderr)
  }
}
