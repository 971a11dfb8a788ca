import Foundation
import XCTest

/// `mlgit review status` with no range: the commits not yet on the first protected
/// branch, which is what a reviewer who checked out the author's branch must see.
final class ReviewStatusTests: XCTestCase {
  static let bob = ["GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com"]
  static let deeper = Fixtures.spec(
    version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n")

  func testReviewerOnTheAuthorsBranchSeesItsCommits() {
    let remote = TempRepository(bare: true, name: "remote.git")
    let alice = TempRepository.clone(remote.path, name: "alice")
    alice.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    XCTAssertEqual(alice.git("push", "-q", "origin", "main").status, 0)
    XCTAssertEqual(alice.git("checkout", "-q", "-b", "deeper-trees").status, 0)
    alice.commitFile("notes.txt", "why deeper\n", "notes")
    let change = alice.commitFile("models/credit.yaml", ReviewStatusTests.deeper, "deeper trees")
    let short = String(change.prefix(8))
    XCTAssertEqual(alice.git("push", "-q", "-u", "origin", "deeper-trees").status, 0)

    // Bob checks the branch out: it tracks origin/deeper-trees, so @{upstream}..HEAD is empty.
    let bob = TempRepository.clone(remote.path, name: "bob")
    XCTAssertEqual(bob.git("checkout", "-q", "deeper-trees").status, 0)
    XCTAssertEqual(bob.revParse("@{upstream}"), change)
    let status = bob.mlgit(["review", "status"], environment: ReviewStatusTests.bob)
    XCTAssertEqual(status.status, 0, status.output)
    XCTAssertTrue(
      status.stdout.contains(
        """
        \(short) deeper trees (alice@example.com)
          models/credit.yaml: hyperparameters max_depth 6 -> 8
            needs 1 more approval from anyone but alice@example.com
            run: mlgit review approve \(short)
        """), status.stdout)
    XCTAssertTrue(
      status.stdout.hasSuffix(
        "mlgit: 2 commits of origin/main..HEAD (the commits not yet on main): 0 changes approved, 1 waiting for approval\n"
      ),
      status.stdout)

    XCTAssertEqual(bob.mlgit(["review", "approve", short], environment: ReviewStatusTests.bob).status, 0)
    let approved = bob.mlgit(["review", "status"], environment: ReviewStatusTests.bob)
    XCTAssertTrue(approved.stdout.contains("    approved by bob@example.com\n"), approved.stdout)
    XCTAssertTrue(
      approved.stdout.hasSuffix(
        "mlgit: 2 commits of origin/main..HEAD (the commits not yet on main): 1 change approved, 0 waiting for approval\n"
      ),
      approved.stdout)

    // A range given is used as given, and named.
    let given = bob.mlgit(["review", "status", "HEAD~1..HEAD"], environment: ReviewStatusTests.bob)
    XCTAssertTrue(
      given.stdout.hasSuffix("mlgit: 1 commit of HEAD~1..HEAD: 1 change approved, 0 waiting for approval\n"),
      given.stdout)
  }

  func testWithoutARemoteTheLocalProtectedBranchIsTheBase() {
    let repo = TempRepository()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [\"release/*\", trunk]\n")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model and policy")
    repo.git("branch", "-q", "-m", "trunk")
    XCTAssertEqual(repo.git("checkout", "-q", "-b", "topic").status, 0)
    let change = repo.commitFile("models/credit.yaml", ReviewStatusTests.deeper, "deeper trees")
    let status = repo.mlgit("review", "status")
    XCTAssertEqual(status.status, 0, status.output)
    XCTAssertTrue(status.stdout.contains("\(change.prefix(8)) deeper trees (alice@example.com)\n"), status.stdout)
    XCTAssertTrue(
      status.stdout.hasSuffix(
        "mlgit: 1 commit of trunk..HEAD (the commits not yet on trunk): 0 changes approved, 1 waiting for approval\n"),
      status.stdout)
    // On the protected branch itself, with nothing to compare with: all of HEAD.
    XCTAssertEqual(repo.git("checkout", "-q", "trunk").status, 0)
    let onTrunk = repo.mlgit("review", "status")
    XCTAssertTrue(
      onTrunk.stdout.hasSuffix(
        "mlgit: nothing needs approval in 1 commit of all of HEAD (no other copy of trunk to compare with)\n"),
      onTrunk.stdout)
  }
}
