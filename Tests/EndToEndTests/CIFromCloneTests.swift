import Foundation
import XCTest

/// CI works from a clone: `git clone` brings no `refs/notes/*`, so mlgit fetches the
/// approvals a clone lacks (and says so) or says loudly that it could not; the script in
/// docs/ci.md, which both CI recipes run, is run here as written.
final class CIFromCloneTests: XCTestCase {
  static let bob = [
    "GIT_AUTHOR_NAME": "Bob Reviewer", "GIT_AUTHOR_EMAIL": "bob@example.com",
    "GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com",
  ]
  static let deeper = Fixtures.spec(
    version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n")
  private var keep: [TempRepository] = []

  /// A remote whose `topic` branch changes hyperparameters, approved by Bob (notes pushed),
  /// and whose `bad` branch adds a protected feature.
  func makeRemote() -> TempRepository {
    let remote = TempRepository(bare: true, name: "remote.git")
    let alice = TempRepository.clone(remote.path, name: "alice")
    alice.commitFile("models/credit.yaml", Fixtures.spec(), "credit model")
    XCTAssertEqual(alice.git("push", "-q", "origin", "main").status, 0)
    alice.git("checkout", "-q", "-b", "topic")
    alice.commitFile("models/credit.yaml", CIFromCloneTests.deeper, "deeper trees")
    alice.git("checkout", "-q", "-b", "bad", "main")
    alice.commitFile("models/credit.yaml", Fixtures.spec(features: ["income", "race"]), "race")
    XCTAssertEqual(alice.git("push", "-q", "origin", "topic", "bad").status, 0)
    let bob = TempRepository.clone(remote.path, name: "bob")
    let approve = bob.mlgit(["review", "approve", "origin/topic"], environment: CIFromCloneTests.bob)
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertEqual(bob.git("push", "-q", "origin", "refs/notes/mlgit/reviews").status, 0)
    keep += [remote, alice, bob]
    return remote
  }

  func ciClone(_ remote: TempRepository, branch: String) -> TempRepository {
    let clone = TempRepository.clone(remote.path, arguments: ["--branch", branch], name: "ci-\(branch)")
    XCTAssertNil(clone.revParse("refs/notes/mlgit/reviews"), "git clone brings no notes")
    keep.append(clone)
    return clone
  }

  func testCheckRangeFetchesTheApprovalsACloneLacksAndSaysSo() {
    let remote = makeRemote()
    let clone = ciClone(remote, branch: "topic")
    let check = clone.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(check.status, 0, check.output)
    XCTAssertTrue(
      check.stderr.contains("mlgit: fetched refs/notes/mlgit/reviews from origin: this clone had no approvals or runs"),
      check.stderr)
    XCTAssertFalse(check.output.contains("hyperparameters/review"), check.output)
    XCTAssertNotNil(clone.revParse("refs/notes/mlgit/reviews"))

    let other = ciClone(remote, branch: "topic")
    let status = other.mlgit("review", "status", "origin/main..HEAD")
    XCTAssertEqual(status.status, 0, status.output)
    XCTAssertTrue(status.stderr.contains("mlgit: fetched refs/notes/mlgit/reviews from origin"), status.stderr)
    XCTAssertTrue(status.stdout.contains("approved by bob@example.com"), status.stdout)
  }

  func testApprovalsThatCannotBeFetchedAreReportedLoudly() {
    let remote = makeRemote()
    let clone = ciClone(remote, branch: "topic")
    clone.git("remote", "set-url", "origin", clone.root + "/gone.git")
    let check = clone.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(
      check.stdout.contains(
        "models/credit.yaml:11:3: error: hyperparameters changed (max_depth 6 -> 8): needs 1 approval"), check.stdout)
    XCTAssertTrue(
      check.stderr.contains(
        "mlgit: WARNING: approvals could not be read: this clone has no refs/notes/mlgit/reviews, and origin could not be asked for it"
      ), check.stderr)
    XCTAssertTrue(
      check.stderr.contains("fetch them with `git fetch origin 'refs/notes/mlgit/*:refs/notes/mlgit/*'`"), check.stderr)
  }

  /// The block between the markers in docs/ci.md, as the GitHub and GitLab recipes run it.
  func ciScript() throws -> String {
    let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/ci.md")
    let text = try String(contentsOf: doc, encoding: .utf8)
    let begin = try XCTUnwrap(text.range(of: "<!-- mlgit-ci-check:begin -->\n```sh\n"))
    let end = try XCTUnwrap(text.range(of: "```\n<!-- mlgit-ci-check:end -->"))
    return String(text[begin.upperBound..<end.lowerBound])
  }

  func runScript(_ clone: TempRepository) throws -> CommandResult {
    let script = clone.root + "/mlgit-check.sh"
    try Data(try ciScript().utf8).write(to: URL(fileURLWithPath: script))
    let binDir = (Shell.mlgit as NSString).deletingLastPathComponent
    return Shell.run(
      "/bin/sh", [script], in: clone.path,
      environment: [
        "BASE": "main", "PATH": binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
      ])
  }

  func testTheDocumentedCIScriptPassesAnApprovedChangeAndFailsABadOne() throws {
    let remote = makeRemote()
    let good = ciClone(remote, branch: "topic")
    let passed = try runScript(good)
    XCTAssertEqual(passed.status, 0, passed.output)
    XCTAssertTrue(passed.stdout.contains("approved by bob@example.com"), passed.stdout)
    let sarif = try XCTUnwrap(good.read("mlgit.sarif"))
    let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
    XCTAssertEqual(parsed["version"] as? String, "2.1.0")
    let results = ((parsed["runs"] as? [[String: Any]])?.first?["results"] as? [Any]) ?? ["missing"]
    XCTAssertEqual(results.count, 0, sarif)

    let bad = ciClone(remote, branch: "bad")
    let failed = try runScript(bad)
    XCTAssertEqual(failed.status, 1, failed.output)
    XCTAssertTrue(
      failed.stdout.contains(
        "models/credit.yaml:8:5: error: feature 'race' is the protected attribute 'race' [features/protected]"),
      failed.stdout)
    let badSarif = try XCTUnwrap(bad.read("mlgit.sarif"))
    XCTAssertTrue(badSarif.contains("\"ruleId\" : \"features/protected\""), badSarif)
  }
}
