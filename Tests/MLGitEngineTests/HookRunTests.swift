import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// `mlgit hook NAME`: what each hook judges and the status it ends with.
final class HookRunTests: XCTestCase {
  /// MLGIT_GIT_PID=1 names no git process, so no `git commit --amend` is seen.
  static let environment = ["MLGIT_GIT_PID": "1"]

  static let protectedSpec = ScratchRepository.spec(
    version: "1.1.0", features: ["income", "debt_ratio", "applicant_race"])

  func testPreCommitPassesNothingStagedAndRefusesAProtectedFeature() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    repo.commit("first")
    let workspace = Workspace(repository: try repo.open(), environment: Self.environment)
    XCTAssertEqual(try HookRun.preCommit(workspace), .ok)

    repo.write("models/credit.yaml", Self.protectedSpec)
    repo.run(["add", "-A"])
    XCTAssertEqual(try HookRun.preCommit(workspace), .findings)
  }

  func testPrePushJudgesWhatTheRemoteLacksAndTheRefPreCommitPasses() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let first = repo.commit("first")
    repo.write("models/credit.yaml", Self.protectedSpec)
    let second = repo.commit("protected feature")
    repo.run(["remote", "add", "origin", repo.root + "/remote.git"])
    repo.run(["update-ref", "refs/remotes/origin/main", first.hex])
    let workspace = Workspace(repository: try repo.open(), environment: Self.environment)

    let main = RefUpdate(ref: "refs/heads/main", old: first, new: second)
    XCTAssertEqual(try HookRun.prePush(workspace, remote: "origin", updates: [main]), .findings)
    // A new branch at a commit the remote has: nothing new to judge.
    let topic = RefUpdate(ref: "refs/heads/topic", old: OID.zero, new: first)
    XCTAssertEqual(try HookRun.prePush(workspace, remote: "origin", updates: [topic]), .ok)
    XCTAssertEqual(try HookRun.prePush(workspace, remote: "origin", updates: []), .ok)

    // No ref lines: the push pre-commit (the framework) names in the environment.
    var passed = Self.environment
    passed["PRE_COMMIT_REMOTE_NAME"] = "origin"
    passed["PRE_COMMIT_REMOTE_BRANCH"] = "refs/heads/main"
    passed["PRE_COMMIT_TO_REF"] = second.hex
    let framework = Workspace(repository: try repo.open(), environment: passed)
    XCTAssertEqual(try HookRun.prePush(framework, remote: "", updates: []), .findings)
  }

  func testPreReceiveJudgesCommitsNotYetOnAProtectedBranch() throws {
    let repo = ScratchRepository()
    repo.write("models/credit.yaml", ScratchRepository.spec(version: "1.0.0"))
    let first = repo.commit("first")
    repo.run(["checkout", "-q", "-b", "topic"])
    repo.write("models/credit.yaml", Self.protectedSpec)
    let second = repo.commit("protected feature")
    repo.run(["checkout", "-q", "main"])
    let workspace = Workspace(repository: try repo.open(), environment: Self.environment)

    // topic is no protected branch, so its commit counts as unchecked for main.
    let main = RefUpdate(ref: "refs/heads/main", old: first, new: second)
    XCTAssertEqual(try HookRun.preReceive(workspace, updates: [main]), .findings)
    let tag = RefUpdate(ref: "refs/tags/v1", old: OID.zero, new: first)
    XCTAssertEqual(try HookRun.preReceive(workspace, updates: [tag]), .ok)
  }

  func testAnUnknownHookIsBadUsage() {
    XCTAssertThrowsError(try HookRun.run("post-commit", arguments: [], input: { "" })) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
      XCTAssertEqual(
        "\(error)", "mlgit: unknown hook 'post-commit'; mlgit runs pre-commit, pre-push and pre-receive")
    }
  }
}
