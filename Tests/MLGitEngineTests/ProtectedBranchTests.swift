import Foundation
import GitKit
import MLPolicy
import XCTest

@testable import MLGitEngine

/// Which branches are protected (`protected_branches` globs, against a branch named with
/// or without `refs/heads/`), and what that means for a push: a new protected branch
/// counts only commits already on protected branches as checked.
final class ProtectedBranchTests: XCTestCase {
  static let config = """
    apiVersion: mlgit/v1
    protected_branches: [main, "release/*"]
    rules:
      features/protected: error

    """

  private func onProtected(_ branch: String?) throws -> Bool {
    let policy = try EffectivePolicy.load(config: Data(ProtectedBranchTests.config.utf8))
    return PolicyContext(policy: policy, stage: .push, branch: branch).onProtectedBranch
  }

  func testGlobsAndRefsHeadsPrefix() throws {
    XCTAssertTrue(try onProtected("refs/heads/main"))
    XCTAssertTrue(try onProtected("main"))
    XCTAssertTrue(try onProtected("refs/heads/release/1.0"))
    XCTAssertTrue(try onProtected("release/2"))
    XCTAssertFalse(try onProtected("refs/heads/release"))
    XCTAssertFalse(try onProtected("refs/heads/releases/1"))
    XCTAssertFalse(try onProtected("refs/heads/main2"))
    XCTAssertFalse(try onProtected("refs/heads/topic/main"))
    // Only refs/heads/ is a branch prefix: a tag or a remote-tracking name is not main.
    XCTAssertFalse(try onProtected("refs/tags/main"))
    XCTAssertFalse(try onProtected("refs/remotes/origin/main"))
    // No branch known (a detached HEAD) is on no protected branch.
    XCTAssertFalse(try onProtected(nil))
  }

  /// main holds the policy and a clean spec; topic adds a protected feature and is
  /// already on the remote (its tracking ref), as is main.
  private func makePushRepository() -> (repo: ScratchRepository, main: OID, topic: OID) {
    let repo = ScratchRepository()
    repo.write(".mlgit/config.yml", ProtectedBranchTests.config)
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let main = repo.commit("policy and model")
    repo.run(["checkout", "-q", "-b", "topic"])
    repo.write(
      "models/credit.yaml",
      ScratchRepository.spec(version: "1.1.0", features: ["income", "debt_ratio", "applicant_race"]))
    let topic = repo.commit("a protected feature")
    repo.run(["config", "remote.origin.url", repo.root + "/nowhere.git"])
    repo.run(["update-ref", "refs/remotes/origin/main", main.hex])
    repo.run(["update-ref", "refs/remotes/origin/topic", topic.hex])
    repo.run(["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"])
    return (repo, main, topic)
  }

  func testRemoteRefsStandForTheRemotesBranches() throws {
    let (repo, main, topic) = makePushRepository()
    let check = PushCheck(repository: try repo.open())
    let known = try check.remoteRefs(remote: "origin").sorted { ($0.branch ?? "") < ($1.branch ?? "") }
    // origin/HEAD is a ref the remote has, standing for no branch of its own.
    XCTAssertEqual(known.map(\.branch), [nil, "refs/heads/main", "refs/heads/topic"])
    XCTAssertEqual(known.map(\.commit), [main, main, topic])
    // A push to a URL, or to a remote with no URL, knows nothing of the other side.
    XCTAssertEqual(try check.remoteRefs(remote: repo.root + "/nowhere.git").count, 0)
    XCTAssertEqual(try check.remoteRefs(remote: "upstream").count, 0)
    XCTAssertEqual(try check.remoteRefs(remote: "").count, 0)
  }

  func testNewProtectedBranchRejudgesCommitsOnlyOnUnprotectedBranches() throws {
    let (repo, _, topic) = makePushRepository()
    let check = PushCheck(repository: try repo.open())
    let known = try check.remoteRefs(remote: "origin")
    func push(_ ref: String) throws -> HistoryReport {
      try check.check(
        [RefUpdate(ref: ref, old: .zero, new: topic)], stage: .push, known: known, hideKnownForUpdates: false)
    }
    // A new topic branch: the remote has the commit already (on topic), so nothing is new.
    let topic2 = try push("refs/heads/topic2")
    XCTAssertEqual(topic2.checked, 0)
    XCTAssertEqual(topic2.findings.count, 0)
    // `release` does not match `release/*`.
    XCTAssertEqual(try push("refs/heads/release").checked, 0)
    // A new protected branch: topic's commit was never checked against protected-branch
    // rules, so only main's commits count as checked and topic's commit is judged.
    let release = try push("refs/heads/release/1")
    XCTAssertEqual(release.checked, 1)
    XCTAssertEqual(release.findings.map(\.rule), ["features/protected"])
    XCTAssertEqual(release.findings.first?.path, "models/credit.yaml")
    XCTAssertEqual(release.findings.first?.line, 9)
    XCTAssertEqual(release.findings.first?.commit, topic.hex)
  }

  func testDeletionsAndNotesRefsAreNotChecked() throws {
    let (repo, main, topic) = makePushRepository()
    let check = PushCheck(repository: try repo.open())
    let report = try check.check(
      [
        RefUpdate(ref: "refs/heads/main", old: main, new: .zero),
        RefUpdate(ref: "refs/notes/mlgit/runs", old: .zero, new: topic),
      ], stage: .push, known: [], hideKnownForUpdates: false)
    XCTAssertEqual(report.checked, 0)
    XCTAssertEqual(report.findings.count, 0)
    // An update of main judges what it adds, whatever else the remote has.
    let update = try check.check(
      [RefUpdate(ref: "refs/heads/main", old: main, new: topic)], stage: .push,
      known: try check.remoteRefs(remote: "origin"), hideKnownForUpdates: false)
    XCTAssertEqual(update.checked, 1)
    XCTAssertEqual(update.findings.map(\.rule), ["features/protected"])
  }
}
