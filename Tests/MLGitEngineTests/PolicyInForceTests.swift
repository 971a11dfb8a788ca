import Foundation
import GitKit
import XCTest

@testable import MLGitEngine

/// The policy `policy list | show | explain` describe, and how its source is named.
final class PolicyInForceTests: XCTestCase {
  func testOutsideARepositoryBeforeTheFirstCommitAndAtHead() throws {
    let outside = try PolicyInForce.of(nil)
    XCTAssertEqual(outside.source, "built-in default (not in a repository)")
    XCTAssertEqual(outside.policy.sources, ["default"])

    let repo = ScratchRepository()
    let workspace = Workspace(repository: try repo.open(), environment: [:])
    XCTAssertEqual(try PolicyInForce.of(workspace).source, "default (no commit yet)")

    // HEAD's config counts, not the work tree's.
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [trunk]\n")
    repo.commit("policy")
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [release]\n")
    let atHead = try PolicyInForce.of(workspace)
    XCTAssertEqual(atHead.source, "default + .mlgit/config.yml (from HEAD)")
    XCTAssertEqual(atHead.policy.protectedBranches, ["trunk"])
  }
}
