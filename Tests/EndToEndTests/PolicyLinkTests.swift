import Foundation
import XCTest

/// A `.mlgit/config.yml` (or `.mlgit/allowed_signers`, or a pack file a config extends)
/// committed as a symlink: the policy is the file the link leads to inside the commit,
/// and a link that dangles, loops or leaves the repository is a broken config. Never
/// "no config", which would put the weaker built-in default pack in force.
final class PolicyLinkTests: XCTestCase {
  static let strict = "apiVersion: mlgit/v1\nextends: [strict]\nprotected_branches: [main]\n"
  /// What the link leads to: the default pack, with unbumped spec changes as errors
  /// (the default pack only warns), so the tests can tell which policy judged.
  static let linked =
    "apiVersion: mlgit/v1\nextends: [default]\nprotected_branches: [main]\nrules:\n  spec/version-bump: error\n"
  static let unbumped =
    "models/credit.yaml:3:10: error: spec changed but its version is still 1.4.0 [spec/version-bump]"

  /// Makes `path` a symlink to `target` in the work tree.
  func link(_ repo: TempRepository, _ path: String, to target: String) {
    let url = URL(fileURLWithPath: repo.path).appendingPathComponent(path)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: url)
    XCTAssertNoThrow(try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target))
  }

  /// A root commit with a config extending strict, a model, and the same weaker policy
  /// under .mlgit/policies/ and docs/.
  func rootCommit(_ repo: TempRepository) {
    repo.write(".mlgit/config.yml", PolicyLinkTests.strict)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.write(".mlgit/policies/weak.yml", PolicyLinkTests.linked)
    repo.write("docs/weak.yml", PolicyLinkTests.linked)
    repo.stage()
    repo.commitFixture("policy and model")
  }

  func testPreCommitJudgesByTheFileALinkedConfigLeadsTo() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    rootCommit(repo)
    link(repo, ".mlgit/config.yml", to: "policies/weak.yml")
    repo.stage()
    // policy/review is enforced at push: at commit the policy change is a warning.
    let moved = repo.git("commit", "-q", "-m", "the config moves behind a symlink")
    XCTAssertEqual(moved.status, 0, moved.output)
    XCTAssertTrue(
      moved.stderr.contains(".mlgit/config.yml:1:1: warning: policy file changed: needs 1 approval"), moved.stderr)
    XCTAssertEqual(repo.git("cat-file", "-p", "HEAD^{tree}:.mlgit").stdout.contains("120000 blob"), true)

    repo.write("models/credit.yaml", Fixtures.spec(features: ["income"]))
    repo.stage()
    let head = repo.head
    let next = repo.git("commit", "-q", "-m", "drop a feature, same version")
    XCTAssertEqual(next.status, 1, next.output)
    XCTAssertTrue(next.stderr.contains(PolicyLinkTests.unbumped), next.stderr)
    XCTAssertEqual(repo.head, head)
    let check = repo.mlgit("check", "--staged")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(check.stdout.contains(PolicyLinkTests.unbumped), check.stdout)
  }

  func testALinkedConfigThatDanglesLoopsOrLeavesTheRepositoryIsBroken() {
    let cases = [
      ("../docs/none.yml", "symlink '.mlgit/config.yml' leads to 'docs/none.yml', which does not exist here"),
      ("/etc/mlgit.yml", "symlink '.mlgit/config.yml' points to '/etc/mlgit.yml', outside the repository"),
      ("../../outside.yml", "symlink '.mlgit/config.yml' points to '../../outside.yml', outside the repository"),
      ("config.yml", "symlink '.mlgit/config.yml' follows more than 8 symlinks (a loop?)"),
      ("policies", "symlink '.mlgit/config.yml' leads to the folder '.mlgit/policies', not a file"),
      // A file elsewhere could be edited without policy/review's approval.
      (
        "../docs/weak.yml",
        "symlink '.mlgit/config.yml' leads to 'docs/weak.yml', outside .mlgit/: a policy file's link must stay "
          + "under .mlgit/, where changes need policy/review's approval"
      ),
    ]
    for (target, message) in cases {
      let repo = TempRepository()
      XCTAssertEqual(repo.mlgit("install").status, 0)
      rootCommit(repo)
      link(repo, ".mlgit/config.yml", to: target)
      XCTAssertEqual(repo.git("add", "-A").status, 0)
      let breaker = repo.commitFixture("link the config")
      repo.write("models/credit.yaml", Fixtures.spec(features: ["income"]))
      repo.stage("models/credit.yaml")
      let next = repo.git("commit", "-q", "-m", "drop a feature, same version")
      XCTAssertNotEqual(next.status, 0, "\(target): \(next.output)")
      XCTAssertEqual(repo.head, breaker, target)
      XCTAssertTrue(next.stderr.contains("HEAD:.mlgit/config.yml:1:1: error: \(message)"), "\(target): \(next.stderr)")
      XCTAssertTrue(
        next.stderr.contains(
          """
          mlgit: the committed .mlgit/config.yml (HEAD's) is broken: the policy in force cannot be read, so no change on top of it \
          can be judged; it was broken by \(breaker.prefix(8)) "link the config" (alice@example.com)
          """), "\(target): \(next.stderr)")
      let show = repo.mlgit("policy", "show")
      XCTAssertEqual(show.status, 2, "\(target): \(show.output)")
      XCTAssertTrue(show.stderr.contains("HEAD:.mlgit/config.yml:1:1: error: \(message)"), "\(target): \(show.stderr)")
    }
  }

  func testAPackFileExtendedThroughALinkIsTheFileItLeadsTo() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [team.yml]\n")
    repo.write(".mlgit/packs/weak.yml", PolicyLinkTests.linked)
    link(repo, ".mlgit/team.yml", to: "packs/weak.yml")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("a pack file behind a symlink")
    repo.write("models/credit.yaml", Fixtures.spec(features: ["income"]))
    repo.stage()
    let next = repo.git("commit", "-q", "-m", "drop a feature, same version")
    XCTAssertEqual(next.status, 1, next.output)
    XCTAssertTrue(next.stderr.contains(PolicyLinkTests.unbumped), next.stderr)

    link(repo, ".mlgit/team.yml", to: "/etc/passwd")
    XCTAssertEqual(repo.git("add", "-A").status, 0)
    repo.commitFixture("the pack file leaves the repository")
    let broken = repo.mlgit("policy", "show")
    XCTAssertEqual(broken.status, 2, broken.output)
    XCTAssertTrue(
      broken.stderr.contains(
        "HEAD:.mlgit/config.yml:2:11: error: extends 'team.yml': .mlgit/team.yml cannot be read: "
          + "symlink '.mlgit/team.yml' points to '/etc/passwd', outside the repository"), broken.stderr)
  }

  func testTheServerJudgesByTheLinkedConfigAndRefusesABrokenLink() {
    let remote = TempRepository(bare: true, name: "remote.git")
    let clone = TempRepository.clone(remote.path)
    rootCommit(clone)
    // The strict history is on the server before its hook is installed.
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)

    link(clone, ".mlgit/config.yml", to: "policies/weak.yml")
    clone.stage()
    let linker = clone.commitFixture("the config moves behind a symlink")
    // A policy change reaches main only approved by someone else (policy/review).
    let unapproved = clone.git("push", "origin", "main")
    XCTAssertNotEqual(unapproved.status, 0, unapproved.output)
    XCTAssertTrue(
      unapproved.stderr.contains(
        "\(linker.prefix(8)): .mlgit/config.yml:1:1: error: policy file changed: needs 1 approval"),
      unapproved.stderr)
    XCTAssertEqual(
      clone.mlgit(["review", "approve", linker], environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"]).status, 0)
    XCTAssertEqual(clone.git("push", "-q", "origin", "refs/notes/mlgit/reviews").status, 0)
    let approved = clone.git("push", "origin", "main")
    XCTAssertEqual(approved.status, 0, approved.output)

    let unbumped = clone.commitFile(
      "models/credit.yaml", Fixtures.spec(features: ["income"]), "drop a feature, same version")
    let push = clone.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("\(unbumped.prefix(8)): \(PolicyLinkTests.unbumped)"), push.stderr)
    XCTAssertEqual(remote.revParse("refs/heads/main"), linker)

    // A link that dangles is a broken config: a push that leaves a branch on it is refused.
    XCTAssertEqual(clone.git("reset", "-q", "--hard", linker).status, 0)
    link(clone, ".mlgit/config.yml", to: "../docs/none.yml")
    XCTAssertEqual(clone.git("add", "-A").status, 0)
    let dangler = clone.commitFixture("the link dangles")
    let topic = clone.git("push", "origin", "main:refs/heads/topic")
    XCTAssertNotEqual(topic.status, 0, topic.output)
    XCTAssertTrue(
      topic.stderr.contains(
        "\(dangler.prefix(8)):.mlgit/config.yml:1:1: error: "
          + "symlink '.mlgit/config.yml' leads to 'docs/none.yml', which does not exist here"), topic.stderr)
    XCTAssertTrue(
      topic.stderr.contains("mlgit: the committed .mlgit/config.yml (in \(dangler.prefix(8))) is broken: "),
      topic.stderr)
    XCTAssertNil(remote.revParse("refs/heads/topic"))
    // A commit on it that keeps the link is refused, a repair after it too; a repair on it goes through.
    func replaceLink(_ message: String) -> String {
      XCTAssertEqual(clone.git("rm", "-q", ".mlgit/config.yml").status, 0)
      return clone.commitFile(".mlgit/config.yml", PolicyLinkTests.strict, message)
    }
    let unrelated = clone.commitFile("notes.txt", "n\n", "unrelated")
    _ = replaceLink("repair after it")
    let kept = clone.git("push", "origin", "main:refs/heads/topic")
    XCTAssertNotEqual(kept.status, 0, kept.output)
    XCTAssertTrue(
      kept.stderr.contains(
        "it was broken by \(dangler.prefix(8)) \"the link dangles\" (alice@example.com); "
          + "\(unrelated.prefix(8)) \"unrelated\" sits on it and does not repair it"), kept.stderr)
    XCTAssertNil(remote.revParse("refs/heads/topic"))
    XCTAssertEqual(clone.git("reset", "-q", "--hard", dangler).status, 0)
    let repair = replaceLink("the config is a file again")
    let repaired = clone.git("push", "origin", "main:refs/heads/topic")
    XCTAssertEqual(repaired.status, 0, repaired.output)
    XCTAssertEqual(remote.revParse("refs/heads/topic"), repair)
  }

  func testALinkedAllowedSignersIsTheFileItLeadsTo() throws {
    let keys = NSTemporaryDirectory() + "mlgit-keys-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: keys) }
    let made = Shell.run(
      "/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bob", "-f", "\(keys)/bob"], in: keys)
    XCTAssertEqual(made.status, 0, made.output)
    let bobKey = try String(contentsOfFile: "\(keys)/bob.pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let repo = TempRepository()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nprotected_branches: [main]\nrequire_signed_reviews: true\n")
    repo.write(".mlgit/signers/team", "bob@example.com namespaces=\"mlgit-review\" \(bobKey)\n")
    repo.write("docs/signers", "bob@example.com namespaces=\"mlgit-review\" \(bobKey)\n")
    link(repo, ".mlgit/allowed_signers", to: "signers/team")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let root = repo.commitFixture("signers behind a symlink")
    let change = repo.commitFile(
      "models/credit.yaml", Fixtures.spec(hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"),
      "deeper trees")
    let approve = repo.mlgit(
      ["review", "approve", change, "--sign", "--key", "\(keys)/bob"],
      environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"])
    XCTAssertEqual(approve.status, 0, approve.output)
    let check = repo.mlgit("check", "--range", "\(root)..HEAD")
    XCTAssertEqual(check.status, 0, check.output)

    // A signers link that leads out of .mlgit/ lists no signers: nothing verifies.
    XCTAssertEqual(repo.git("checkout", "-q", "-b", "outside", root).status, 0)
    link(repo, ".mlgit/allowed_signers", to: "../docs/signers")
    XCTAssertEqual(repo.git("add", "-A").status, 0)
    repo.git("commit", "-q", "--amend", "--no-verify", "-m", "signers outside")
    let outsideRoot = repo.head
    XCTAssertEqual(repo.git("cherry-pick", change).status, 0)
    let outsideChange = repo.head
    let signed = repo.mlgit(
      ["review", "approve", outsideChange, "--sign", "--key", "\(keys)/bob"],
      environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"])
    XCTAssertEqual(signed.status, 0, signed.output)
    let refused = repo.mlgit("check", "--range", "\(outsideRoot)..HEAD")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stdout.contains(
        "\(outsideChange.prefix(8)): models/credit.yaml:11:3: error: hyperparameters changed (max_depth 6 -> 8)"),
      refused.stdout)
    XCTAssertTrue(
      refused.stdout.contains(
        "not counted: bob@example.com (signature does not verify against .mlgit/allowed_signers)"),
      refused.stdout)
  }
}
