import Foundation
import XCTest

/// A `.mlgit/config.yml` that cannot be loaded, committed with hooks skipped: it is
/// reported as the committed (HEAD's) version, with the commit that broke it, and a
/// commit that repairs it goes through, judged by the repaired config and never by
/// less than the built-in default pack.
final class BrokenConfigTests: XCTestCase {
  static let broken = "apiVersion: mlgit/v1\nprotected_branches: [main\n"

  /// Hooks installed, a model and a good config, then a commit that breaks the config.
  func repository() -> (repo: TempRepository, breaker: String) {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\n")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("model and policy")
    let breaker = repo.commitFile(".mlgit/config.yml", BrokenConfigTests.broken, "break the config")
    repo.commitFile("notes.txt", "later\n", "a later commit")
    return (repo, breaker)
  }

  func testTheCommittedConfigIsNamedWithTheCommitThatBrokeIt() {
    let (repo, breaker) = repository()
    let short = String(breaker.prefix(8))
    repo.write("notes.txt", "more\n")
    repo.stage("notes.txt")
    let head = repo.head
    let commit = repo.git("commit", "-q", "-m", "unrelated")
    XCTAssertNotEqual(commit.status, 0, commit.output)
    XCTAssertEqual(repo.head, head)
    XCTAssertTrue(commit.stderr.contains("HEAD:.mlgit/config.yml:3:1: error: "), commit.stderr)
    XCTAssertTrue(
      commit.stderr.contains(
        """
        mlgit: the committed .mlgit/config.yml (HEAD's) is broken: the policy in force cannot be read, so no change on top of it \
        can be judged; it was broken by \(short) "break the config" (alice@example.com)
        """), commit.stderr)
    XCTAssertTrue(
      commit.stderr.contains("hint: fix .mlgit/config.yml, stage it (git add .mlgit/config.yml) and commit"),
      commit.stderr)
    let check = repo.mlgit("check", "--staged")
    XCTAssertEqual(check.status, 2, check.output)
    XCTAssertTrue(check.stderr.contains("it was broken by \(short)"), check.stderr)

    // Every command that reads HEAD's policy says the same.
    for command in [["policy", "show"], ["review", "status"], ["run", "--", "true"]] {
      let result = repo.mlgit(command)
      XCTAssertEqual(result.status, 2, "\(command): \(result.output)")
      XCTAssertTrue(result.stderr.contains("HEAD:.mlgit/config.yml:3:1: error: "), "\(command): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("it was broken by \(short)"), "\(command): \(result.stderr)")
    }

    // A staged config that is still broken is reported at its own line, as the staged version.
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\nrules: {spec/schema: error\n")
    repo.stage(".mlgit/config.yml")
    let still = repo.mlgit("check", "--staged")
    XCTAssertEqual(still.status, 2, still.output)
    XCTAssertTrue(still.stderr.contains("HEAD:.mlgit/config.yml:3:1: error: "), still.stderr)
    XCTAssertTrue(still.stderr.contains(".mlgit/config.yml:4:1: error: "), still.stderr)
    XCTAssertTrue(still.stderr.contains("(the staged version is broken too)"), still.stderr)

    // doctor says the same.
    repo.git("reset", "-q")
    let doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(
      doctor.stdout.contains("policy: cannot be loaded:\n  HEAD:.mlgit/config.yml:3:1: error: "), doctor.stdout)
    XCTAssertTrue(
      doctor.stdout.contains(
        "to fix: the committed .mlgit/config.yml (HEAD's) is broken since \(short) \"break the config\": "
          + "fix it, `git add .mlgit/config.yml` and commit"), doctor.stdout)
  }

  func testARepairIsJudgedByTheRepairedConfigAndNeverLessThanTheDefaultPack() {
    let (repo, breaker) = repository()
    // The repair tries to switch features/protected off and makes version bumps errors.
    repo.write(
      ".mlgit/config.yml",
      """
      apiVersion: mlgit/v1
      protected_branches: [main]
      rules:
        features/protected: off
        spec/version-bump: error

      """)
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income", "applicant_race"]))
    repo.stage()
    let head = repo.head
    let refused = repo.git("commit", "-q", "-m", "repair the config")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertEqual(repo.head, head)
    XCTAssertTrue(
      refused.stderr.contains(
        "mlgit: note: the committed .mlgit/config.yml (HEAD's) is broken since \(breaker.prefix(8)) "
          + "\"break the config\"; this change repairs it, so it is judged by the repaired config and, at least, the built-in default pack"
      ),
      refused.stderr)
    // The default pack's rule still runs, and the repaired config's stricter one too.
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:8:5: error: feature 'applicant_race' is the protected attribute 'race'"),
      refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:3:10: error: spec changed but its version is still 1.4.0 [spec/version-bump]"),
      refused.stderr)

    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", features: ["income"]))
    repo.stage()
    let repaired = repo.git("commit", "-q", "-m", "repair the config")
    XCTAssertEqual(repaired.status, 0, repaired.output)
    // The default pack's policy/review still asks for approval before main (a warning at commit).
    XCTAssertTrue(
      repaired.stderr.contains(".mlgit/config.yml:1:1: warning: policy file changed: needs 1 approval"), repaired.stderr
    )
    XCTAssertNotEqual(repo.head, head)
    // Deleting the broken config repairs it too; after a repair, commits are judged as usual.
    repo.write("notes.txt", "after\n")
    repo.stage("notes.txt")
    let after = repo.git("commit", "-q", "-m", "after the repair")
    XCTAssertEqual(after.status, 0, after.output)
    XCTAssertFalse(after.stderr.contains("mlgit: note:"), after.stderr)
  }

  func testDeletingTheBrokenConfigRepairsIt() {
    let (repo, _) = repository()
    XCTAssertEqual(repo.git("rm", "-q", ".mlgit/config.yml").status, 0)
    let commit = repo.git("commit", "-q", "-m", "back to the default pack")
    XCTAssertEqual(commit.status, 0, commit.output)
    XCTAssertTrue(commit.stderr.contains("this change repairs it"), commit.stderr)
    XCTAssertEqual(repo.mlgit("doctor").stdout.contains("policy in force: default\n"), true)
  }
}

/// The same at push and on the server: a commit on a broken config is judged as a repair
/// when it repairs it (by its own config and the default pack), and refused otherwise.
extension BrokenConfigTests {
  func testPushAndServerJudgeRepairsAlikeAndRefuseCommitsOnABrokenConfig() {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\n")
    clone.write("models/credit.yaml", Fixtures.spec())
    clone.stage()
    clone.commitFixture("model and policy")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    let breaker = clone.commitFile(".mlgit/config.yml", BrokenConfigTests.broken, "break the config")

    // A repair that switches features/protected off still answers to the default pack.
    clone.write(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\nrules:\n  features/protected: off\n")
    clone.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", features: ["income", "applicant_race"]))
    clone.stage()
    let weak = clone.commitFixture("repair, and a protected feature")
    let refused = clone.git("push", "origin", "main:refs/heads/topic")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "\(weak.prefix(8)): models/credit.yaml:8:5: error: feature 'applicant_race' is the protected attribute 'race'"),
      refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains(
        "(by the built-in default pack: \(weak.prefix(8)) repairs the broken config of \(breaker.prefix(8)))"),
      refused.stderr)
    XCTAssertNil(remote.revParse("refs/heads/topic"))

    // A plain repair goes through pre-push and the server.
    XCTAssertEqual(clone.git("reset", "-q", "--hard", breaker).status, 0)
    let repair = clone.commitFile(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\n", "repair the config")
    let pushed = clone.git("push", "origin", "main:refs/heads/topic")
    XCTAssertEqual(pushed.status, 0, pushed.output)
    XCTAssertEqual(remote.revParse("refs/heads/topic"), repair)

    // A commit on the broken config that does not repair it is refused, naming both commits.
    XCTAssertEqual(clone.git("checkout", "-q", "-b", "other", breaker).status, 0)
    let unrelated = clone.commitFile("notes.txt", "n\n", "unrelated")
    clone.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\n", "repair after it")
    for push in [clone.git("push", "origin", "other"), clone.git("push", "--no-verify", "origin", "other")] {
      XCTAssertNotEqual(push.status, 0, push.output)
      XCTAssertTrue(push.stderr.contains("\(breaker.prefix(8)):.mlgit/config.yml:3:1: error: "), push.stderr)
      XCTAssertTrue(
        push.stderr.contains("mlgit: the committed .mlgit/config.yml (in \(breaker.prefix(8))) is broken: "),
        push.stderr)
      XCTAssertTrue(
        push.stderr.contains(
          "it was broken by \(breaker.prefix(8)) \"break the config\" (alice@example.com); "
            + "\(unrelated.prefix(8)) \"unrelated\" sits on it and does not repair it"), push.stderr)
      XCTAssertTrue(
        push.stderr.contains("or, before pushing, fold the repair into \(breaker.prefix(8)) (git rebase -i)"),
        push.stderr)
    }
    XCTAssertNil(remote.revParse("refs/heads/other"))
    // A push whose tip holds the broken config is refused too: the branch would be left on it.
    let tip = clone.git("push", "origin", "\(breaker):refs/heads/broken")
    XCTAssertNotEqual(tip.status, 0, tip.output)
    XCTAssertTrue(
      tip.stderr.contains("mlgit: the committed .mlgit/config.yml (in \(breaker.prefix(8))) is broken: "), tip.stderr)
    XCTAssertNil(remote.revParse("refs/heads/broken"))
  }
}
