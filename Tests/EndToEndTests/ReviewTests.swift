import Foundation
import XCTest
import Synchronization

/// Hyperparameter and policy reviews end to end: two people, a bare remote on disk,
/// approvals as notes in refs/notes/mlgit/reviews.
final class ReviewTests: XCTestCase {
  static let bob = [
    "GIT_AUTHOR_NAME": "Bob Reviewer", "GIT_AUTHOR_EMAIL": "bob@example.com",
    "GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com",
  ]
  static let notesRef = "refs/notes/mlgit/reviews"
  /// Repositories kept alive for the whole test (a released TempRepository removes its folder).
  private var keep: [TempRepository] = []
  static let deeper = Fixtures.spec(
    version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n")

  /// A bare remote (with the server hook when asked), Alice's clone with hooks and a
  /// root commit pushed, and Bob's clone.
  func makeTeam(serverHook: Bool = false, rootFiles: [String: String] = [:])
    -> (remote: TempRepository, alice: TempRepository, bob: TempRepository)
  {
    let remote = TempRepository(bare: true, name: "remote.git")
    if serverHook { XCTAssertEqual(remote.mlgit("install", "--server").status, 0) }
    let alice = TempRepository.clone(remote.path, name: "alice")
    XCTAssertEqual(alice.mlgit("install").status, 0)
    alice.write("models/credit.yaml", Fixtures.spec())
    for (path, content) in rootFiles { alice.write(path, content) }
    alice.stage()
    alice.commitFixture("add credit model")
    let push = alice.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    let bob = TempRepository.clone(remote.path, name: "bob")
    bob.git("config", "user.name", "Bob Reviewer")
    bob.git("config", "user.email", "bob@example.com")
    XCTAssertEqual(bob.mlgit("install").status, 0)
    keep += [remote, alice, bob]
    return (remote, alice, bob)
  }

  /// Bob fetches Alice's main (peer to peer, as for a patch under review) and approves a commit.
  @discardableResult
  func bobApproves(_ commit: String, from alice: TempRepository, in bob: TempRepository, _ extra: [String] = [])
    -> CommandResult
  {
    let fetch = bob.git("fetch", "-q", alice.path, "main:refs/remotes/alice/main")
    XCTAssertEqual(fetch.status, 0, fetch.output)
    return bob.mlgit(["review", "approve", commit] + extra, environment: ReviewTests.bob)
  }

  func fetchNotes(_ repo: TempRepository) {
    let fetch = repo.git("fetch", "-q", "origin", "+\(ReviewTests.notesRef):\(ReviewTests.notesRef)")
    XCTAssertEqual(fetch.status, 0, fetch.output)
  }

  // MARK: the workflow

  func testUnapprovedChangeCanBePushedToATopicBranchForReview() throws {
    let (remote, alice, bob) = makeTeam(serverHook: true)
    XCTAssertEqual(alice.git("checkout", "-q", "-b", "deeper-trees").status, 0)
    alice.write("models/credit.yaml", ReviewTests.deeper)
    alice.stage()
    XCTAssertEqual(alice.git("commit", "-q", "-m", "deeper trees").status, 0)
    let change = alice.head
    // The topic branch goes up for review, past pre-push and the server.
    let topic = alice.git("push", "-q", "origin", "deeper-trees")
    XCTAssertEqual(topic.status, 0, topic.output)
    XCTAssertEqual(remote.revParse("refs/heads/deeper-trees"), change)
    // main does not take it until someone else approves.
    let refused = alice.git("push", "origin", "deeper-trees:main")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("[hyperparameters/review]"), refused.stderr)
    XCTAssertEqual(bob.git("fetch", "-q", "origin").status, 0)
    let approve = bob.mlgit(["review", "approve", change], environment: ReviewTests.bob)
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertEqual(bob.git("push", "-q", "origin", ReviewTests.notesRef).status, 0)
    fetchNotes(alice)
    let accepted = alice.git("push", "origin", "deeper-trees:main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), change)
  }

  func testApprovalBySecondPersonLetsThePushThrough() throws {
    let (remote, alice, bob) = makeTeam(serverHook: true)
    alice.write("models/credit.yaml", ReviewTests.deeper)
    alice.stage()
    // enforce: push (the default): the commit goes through with a warning.
    let commit = alice.git("commit", "-q", "-m", "deeper trees")
    XCTAssertEqual(commit.status, 0, commit.output)
    XCTAssertTrue(
      commit.stderr.contains("models/credit.yaml:11:3: warning: hyperparameters changed (max_depth 6 -> 8)"),
      commit.stderr)
    let change = alice.head
    let short = String(change.prefix(8))

    let refused = alice.git("push", "origin", "main")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "\(short): models/credit.yaml:11:3: error: hyperparameters changed (max_depth 6 -> 8): needs 1 approval from anyone but alice@example.com; none yet [hyperparameters/review]"
      ),
      refused.stderr)
    XCTAssertTrue(refused.stderr.contains("a reviewer runs `mlgit review approve \(short)`"), refused.stderr)
    XCTAssertEqual(remote.revParse("main"), alice.revParse("origin/main"))

    let status = alice.mlgit("review", "status")
    XCTAssertEqual(status.status, 0, status.output)
    XCTAssertTrue(
      status.stdout.contains(
        "models/credit.yaml: hyperparameters max_depth 6 -> 8\n    needs 1 more approval from anyone but alice@example.com\n    run: mlgit review approve \(short)"
      ), status.stdout)
    let diff = alice.mlgit("review", "diff", change)
    XCTAssertTrue(diff.stdout.contains("~ max_depth  6 -> 8"), diff.stdout)

    let approve = bobApproves(change, from: alice, in: bob, ["-m", "checked the validation curves"])
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertTrue(
      approve.stdout.contains("approved models/credit.yaml (max_depth 6 -> 8) in \(short) as bob@example.com"),
      approve.stdout)
    // Stock git reads the approval on the spec's blob.
    let blob = try XCTUnwrap(bob.revParse("\(change):models/credit.yaml"))
    let note = bob.git("notes", "--ref=mlgit/reviews", "show", blob)
    XCTAssertEqual(note.status, 0, note.output)
    XCTAssertTrue(note.stdout.hasPrefix("{\"at\":\""), note.stdout)
    XCTAssertTrue(
      note.stdout.contains("\"blob\":\"\(blob)\",\"decision\":\"approve\",\"hyperparameters\":\""), note.stdout)
    XCTAssertTrue(
      note.stdout.contains(
        "\"path\":\"models/credit.yaml\",\"reviewer\":\"bob@example.com\",\"schema\":\"mlgit.review/1\"}"), note.stdout)

    // The server judges by its own notes: Bob pushes them; Alice fetches them for her pre-push.
    let pushNotes = bob.git("push", "-q", "origin", ReviewTests.notesRef)
    XCTAssertEqual(pushNotes.status, 0, pushNotes.output)
    fetchNotes(alice)
    XCTAssertTrue(alice.mlgit("review", "status").stdout.contains("approved by bob@example.com"))
    let accepted = alice.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("main"), change)
  }

  func testServerRefusesWhenTheApprovalIsOnlyLocal() {
    let (remote, alice, bob) = makeTeam(serverHook: true)
    let change = alice.commitFile("models/credit.yaml", ReviewTests.deeper, "deeper trees")
    XCTAssertEqual(bobApproves(change, from: alice, in: bob).status, 0)
    // Bob pushes Alice's commit with his local approval but not the notes: pre-push
    // passes, the server (which has no approval) refuses.
    let push = bob.git("push", "origin", "refs/remotes/alice/main:refs/heads/main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("remote: mlgit: pre-receive, 1 commit checked: 1 error"), push.stderr)
    XCTAssertTrue(push.stderr.contains("[hyperparameters/review]"), push.stderr)
    XCTAssertNotEqual(remote.revParse("main"), change)
  }

  func testEnforceCommitRefusesAtPreCommit() {
    let (_, alice, _) = makeTeam(rootFiles: [
      ".mlgit/config.yml": """
      apiVersion: mlgit/v1
      reviewers: [bob@example.com, carol@example.com]
      rules:
        hyperparameters/review: {severity: error, approvals: 2, enforce: commit}

      """
    ])
    alice.write("models/credit.yaml", ReviewTests.deeper)
    alice.stage()
    let commit = alice.git("commit", "-q", "-m", "deeper trees")
    XCTAssertNotEqual(commit.status, 0, commit.output)
    XCTAssertTrue(
      commit.stderr.contains(
        "models/credit.yaml:11:3: error: hyperparameters changed (max_depth 6 -> 8): needs 2 approvals from one of bob@example.com, carol@example.com; none yet [hyperparameters/review]"
      ),
      commit.stderr)
    XCTAssertTrue(
      commit.stderr.contains("after committing, a reviewer runs `mlgit review approve <commit>`"), commit.stderr)
  }

  func testSelfApprovalDoesNotCount() throws {
    let (_, alice, _) = makeTeam()
    let change = alice.commitFile("models/credit.yaml", ReviewTests.deeper, "deeper trees")
    let own = alice.mlgit("review", "approve", "HEAD")
    XCTAssertEqual(own.status, 1, own.output)
    XCTAssertTrue(
      own.stderr.contains(
        "you (alice@example.com) authored \(change.prefix(8)) \"deeper trees\"; an approval must come from someone else"
      ), own.stderr)
    XCTAssertNil(alice.revParse(ReviewTests.notesRef))

    // A record written by hand (stock git) claiming Alice does not count either.
    let blob = try XCTUnwrap(alice.revParse("HEAD:models/credit.yaml"))
    let hash = try XCTUnwrap(approvalHash(in: alice, commit: change))
    let forged =
      "{\"at\":\"2026-01-01T00:00:00Z\",\"blob\":\"\(blob)\",\"decision\":\"approve\",\"hyperparameters\":\"\(hash)\",\"path\":\"models/credit.yaml\",\"reviewer\":\"alice@example.com\",\"schema\":\"mlgit.review/1\"}"
    XCTAssertEqual(alice.git("notes", "--ref=mlgit/reviews", "add", "-m", forged, blob).status, 0)
    let push = alice.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains("none yet; not counted: alice@example.com (the author) [hyperparameters/review]"),
      push.stderr)
  }

  func testCosmeticEditsNeedNoApproval() {
    let (_, alice, _) = makeTeam()
    // Key order, a comment and 0.050 for 0.05: the same values.
    alice.commitFile(
      "models/credit.yaml",
      Fixtures.spec(hyperparameters: "  seed: 42   # fixed for replays\n  max_depth: 6\n  learning_rate: 0.050\n"),
      "tidy the spec")
    let push = alice.git("push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertFalse(push.stderr.contains("hyperparameters/review"), push.stderr)
    // A type change is a change: 6 and "6" differ.
    alice.commitFile(
      "models/credit.yaml",
      Fixtures.spec(version: "1.4.1", hyperparameters: "  seed: 42\n  max_depth: \"6\"\n  learning_rate: 0.05\n"),
      "quote depth")
    let typed = alice.git("push", "origin", "main")
    XCTAssertNotEqual(typed.status, 0, typed.output)
    XCTAssertTrue(typed.stderr.contains("hyperparameters changed (max_depth 6 -> \"6\")"), typed.stderr)
  }

  func testCommitThatTurnsTheRuleOffIsStillRefused() {
    let (_, alice, _) = makeTeam()
    alice.write("models/credit.yaml", ReviewTests.deeper)
    alice.write(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: off\n  policy/review: off\n")
    alice.stage()
    let change = alice.commitFixture("deeper trees, and no more reviews")
    let push = alice.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    let short = change.prefix(8)
    XCTAssertTrue(
      push.stderr.contains("\(short): models/credit.yaml:11:3: error: hyperparameters changed (max_depth 6 -> 8)"),
      push.stderr)
    XCTAssertTrue(
      push.stderr.contains(
        "\(short): .mlgit/config.yml:1:1: error: policy file added: needs 1 approval from anyone but alice@example.com; none yet [policy/review]"
      ), push.stderr)
  }

  func testRootCommitEstablishesThePolicyWithoutApproval() {
    let (_, alice, _) = makeTeam(rootFiles: [
      ".mlgit/config.yml": "apiVersion: mlgit/v1\nreviewers: [bob@example.com]\n"
    ])
    let all = alice.mlgit("check", "--all")
    XCTAssertEqual(all.status, 0, all.output)
    // Later changes under .mlgit/ need approval, from the reviewers in force before them.
    let change = alice.commitFile(
      ".mlgit/config.yml", "apiVersion: mlgit/v1\nreviewers: [alice@example.com]\n", "make me the reviewer")
    let range = alice.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(
      range.stdout.contains(
        "\(change.prefix(8)): .mlgit/config.yml:1:1: error: policy file changed: needs 1 approval from bob@example.com; none yet [policy/review]"
      ), range.stdout)
  }

  func testApprovalSurvivesARebaseOntoAMovedMain() {
    let (remote, alice, bob) = makeTeam()
    let change = alice.commitFile("models/credit.yaml", ReviewTests.deeper, "deeper trees")
    XCTAssertEqual(bobApproves(change, from: alice, in: bob).status, 0)
    XCTAssertEqual(bob.git("push", "-q", "origin", ReviewTests.notesRef).status, 0)
    // Meanwhile main moves on.
    bob.commitFile("README.md", "credit models\n", "readme")
    let moved = bob.git("push", "-q", "origin", "main")
    XCTAssertEqual(moved.status, 0, moved.output)

    XCTAssertNotEqual(alice.git("push", "origin", "main").status, 0)  // rejected as non-fast-forward or by policy
    let pull = alice.git("pull", "-q", "--rebase", "origin", "main")
    XCTAssertEqual(pull.status, 0, pull.output)
    let rebased = alice.head
    XCTAssertNotEqual(rebased, change)
    fetchNotes(alice)
    let push = alice.git("push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    XCTAssertEqual(remote.revParse("main"), rebased)
    // An amend that edits the hyperparameters needs a new approval.
    alice.commitFile(
      "models/credit.yaml", ReviewTests.deeper.replacingOccurrences(of: "max_depth: 8", with: "max_depth: 9"),
      "deeper still")
    XCTAssertNotEqual(alice.git("push", "origin", "main").status, 0)
  }

  func testParametersFileChangeNeedsItsOwnApproval() {
    let (_, alice, bob) = makeTeam(rootFiles: [
      "models/churn.yaml": Fixtures.spec(name: "churn", hyperparameters: "  from: params.yaml\n  key: train\n"),
      "params.yaml": "train:\n  depth: 6\n  lr: 0.05\n",
    ])
    let change = alice.commitFile("params.yaml", "train:\n  depth: 7\n  lr: 0.05\n", "deeper churn")
    let range = alice.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(
      range.stdout.contains(
        "models/churn.yaml:10:9: error: hyperparameters changed (depth 6 -> 7, in params.yaml:2:3)"), range.stdout)
    XCTAssertEqual(bobApproves(change, from: alice, in: bob).status, 0)
    XCTAssertEqual(bob.git("push", "-q", "origin", ReviewTests.notesRef).status, 0)
    fetchNotes(alice)
    XCTAssertEqual(alice.mlgit("check", "--range", "origin/main..HEAD").status, 0)
    // The spec blob is the same, but new parameters are not covered by the old approval.
    let next = alice.commitFile("params.yaml", "train:\n  depth: 8\n  lr: 0.05\n", "deeper again")
    let again = alice.mlgit("check", "--range", "\(change)..HEAD")
    XCTAssertEqual(again.status, 1, again.output)
    XCTAssertTrue(
      again.stdout.contains(
        "\(next.prefix(8)): models/churn.yaml:10:9: error: hyperparameters changed (depth 7 -> 8, in params.yaml:2:3)"),
      again.stdout)
    XCTAssertTrue(again.stdout.contains("not counted: bob@example.com (approved other hyperparameters"), again.stdout)
  }

  // MARK: signatures

  func testSignedApprovalVerifiesAndTamperedOrUnsignedOnesFail() throws {
    let keys = NSTemporaryDirectory() + "mlgit-keys-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: keys) }
    for name in ["alice", "bob", "mallory"] {
      let made = Shell.run(
        "/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", "\(keys)/\(name)"], in: keys)
      XCTAssertEqual(made.status, 0, made.output)
    }
    let bobKey = try String(contentsOfFile: "\(keys)/bob.pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let aliceKey = try String(contentsOfFile: "\(keys)/alice.pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let (_, alice, bob) = makeTeam(rootFiles: [
      // regulated extends strict; this test is about signatures, not the run gates.
      ".mlgit/config.yml":
        "apiVersion: mlgit/v1\nextends: [regulated]\nrules:\n  runs/required: off\n  metrics/threshold: off\n",
      ".mlgit/allowed_signers": "bob@example.com namespaces=\"mlgit-review\" \(bobKey)\n"
        + "alice@example.com namespaces=\"git\" \(aliceKey)\n",
    ])
    // Under regulated the commit itself is signed by its author (commits/signed).
    alice.write("models/credit.yaml", ReviewTests.deeper)
    alice.stage()
    let commit = alice.git(
      "-c", "gpg.format=ssh", "-c", "user.signingkey=\(keys)/alice", "commit", "-q", "--no-verify", "-S",
      "-m", "deeper trees")
    XCTAssertEqual(commit.status, 0, commit.output)
    let change = alice.head
    let blob = try XCTUnwrap(alice.revParse("HEAD:models/credit.yaml"))
    func check() -> CommandResult { alice.mlgit("check", "--range", "origin/main..HEAD") }
    func replaceNote(_ text: String) {
      XCTAssertEqual(alice.git("notes", "--ref=mlgit/reviews", "add", "-f", "-m", text, blob).status, 0)
    }

    // Signing is required, so approving without a key is refused with the set-up to do.
    let keyless = bobApproves(change, from: alice, in: bob)
    XCTAssertEqual(keyless.status, 2, keyless.output)
    XCTAssertTrue(keyless.stderr.contains("signing needs an SSH key"), keyless.stderr)

    // Mallory's key, Bob's name (an identity typed into git config): does not verify.
    XCTAssertEqual(bobApproves(change, from: alice, in: bob, ["--key", "\(keys)/mallory"]).status, 0)
    XCTAssertEqual(bob.git("push", "-q", "origin", ReviewTests.notesRef).status, 0)
    fetchNotes(alice)
    var result = check()
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.contains(
        "needs 1 approval (signed) from anyone but alice@example.com; none yet; not counted: bob@example.com (signature does not verify against .mlgit/allowed_signers)"
      ), result.stdout)

    // Bob's own key: verifies.
    let signed = bobApproves(change, from: alice, in: bob, ["--key", "\(keys)/bob"])
    XCTAssertEqual(signed.status, 0, signed.output)
    XCTAssertTrue(signed.stdout.contains("as bob@example.com (signed)"), signed.stdout)
    XCTAssertEqual(bob.git("push", "-q", "origin", ReviewTests.notesRef).status, 0)
    fetchNotes(alice)
    result = check()
    XCTAssertEqual(result.status, 0, result.output)
    // Records are appended in order: the last signed one is Bob's own.
    let good = try XCTUnwrap(
      alice.git("notes", "--ref=mlgit/reviews", "show", blob).stdout
        .split(separator: "\n").map(String.init).last { $0.contains("\"signature\":\"-----BEGIN SSH SIGNATURE-----") })

    // Tampered: any field changed after signing.
    replaceNote(good.replacingOccurrences(of: "\"at\":\"", with: "\"at\":\"1999"))
    result = check()
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(result.stdout.contains("signature does not verify"), result.stdout)

    // Unsigned: the same record without its signature.
    let unsigned = try XCTUnwrap(good.range(of: ",\"signature\":\"")).lowerBound
    replaceNote(String(good[..<unsigned]) + "}")
    result = check()
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.contains("not counted: bob@example.com (unsigned; signed reviews are required)"), result.stdout)

    replaceNote(good)
    XCTAssertEqual(check().status, 0)
  }

  // MARK: concurrency

  func testConcurrentApprovalsAllSurvive() throws {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    let change = repo.commitFile("models/credit.yaml", ReviewTests.deeper, "deeper trees")
    let reviewers = (1...8).map { "reviewer\($0)@example.com" }
    let results = ResultSlots(count: reviewers.count)
    DispatchQueue.concurrentPerform(iterations: reviewers.count) { i in
      let env = ["GIT_COMMITTER_EMAIL": reviewers[i], "GIT_COMMITTER_NAME": "Reviewer \(i + 1)"]
      results.set(i, repo.mlgit(["review", "approve", change], environment: env))
    }
    for (i, result) in results.values.enumerated() {
      XCTAssertEqual(result?.status, 0, "\(reviewers[i]): \(result?.output ?? "")")
    }
    let blob = try XCTUnwrap(repo.revParse("HEAD:models/credit.yaml"))
    let note = repo.git("notes", "--ref=mlgit/reviews", "show", blob).stdout
    for reviewer in reviewers {
      XCTAssertTrue(note.contains("\"reviewer\":\"\(reviewer)\""), "\(reviewer) lost: \(note)")
    }
    XCTAssertEqual(note.split(separator: "\n").count, reviewers.count)
    let status = repo.mlgit("review", "status", "HEAD")
    XCTAssertTrue(status.stdout.contains("approved by "), status.stdout)
  }

  /// The `hyperparameters` field an approval of `commit`'s spec carries (from `mlgit review`'s own record).
  private func approvalHash(in repo: TempRepository, commit: String) -> String? {
    let copy = TempRepository.clone(repo.path, name: "hash")
    copy.git("fetch", "-q", repo.path, "\(commit):refs/heads/probe")
    let approve = copy.mlgit(["review", "approve", commit], environment: ["GIT_COMMITTER_EMAIL": "probe@example.com"])
    guard approve.status == 0, let blob = copy.revParse("\(commit):models/credit.yaml") else { return nil }
    let note = copy.git("notes", "--ref=mlgit/reviews", "show", blob).stdout
    guard let start = note.range(of: "\"hyperparameters\":\"") else { return nil }
    return String(note[start.upperBound...].prefix(64))
  }
}

/// Results written by concurrent workers, one slot each.
final class ResultSlots: Sendable {
  private let slots: Mutex<[CommandResult?]>
  init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
  func set(_ i: Int, _ value: CommandResult) { slots.withLock { $0[i] = value } }
  var values: [CommandResult?] { slots.withLock { $0 } }
}
