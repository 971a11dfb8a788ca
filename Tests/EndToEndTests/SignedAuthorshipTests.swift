import Foundation
import XCTest

/// Under the `regulated` pack, who made a change is established by the SSH signature on
/// its commit (git's `gpg.format=ssh`), not by the author email: real keys from
/// ssh-keygen, real signed commits, a bare server with the pre-receive hook.
final class SignedAuthorshipTests: XCTestCase {
  static let bob = [
    "GIT_AUTHOR_NAME": "Bob Reviewer", "GIT_AUTHOR_EMAIL": "bob@example.com",
    "GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com",
  ]
  static let intern = ["GIT_AUTHOR_NAME": "Intern", "GIT_AUTHOR_EMAIL": "intern@example.com"]
  static let notesRef = "refs/notes/mlgit/reviews"
  static let deeper = Fixtures.spec(
    version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n")
  /// regulated extends strict; these tests are about authorship, not the run gates.
  static let config =
    "apiVersion: mlgit/v1\nextends: [regulated]\nrules:\n  runs/required: off\n  metrics/threshold: off\n"

  private var keep: [TempRepository] = []
  private var keys = ""

  override func setUpWithError() throws {
    keys = NSTemporaryDirectory() + "mlgit-keys-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
    for name in ["alice", "bob", "mallory"] {
      let made = Shell.run(
        "/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", "\(keys)/\(name)"], in: keys)
      XCTAssertEqual(made.status, 0, made.output)
    }
  }

  override func tearDown() {
    try? FileManager.default.removeItem(atPath: keys)
  }

  func publicKey(_ name: String) throws -> String {
    try String(contentsOfFile: "\(keys)/\(name).pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// A server with the pre-receive hook, Alice's clone (hooks installed) whose root commit
  /// holds the regulated config and the allowed signers, and Bob's clone.
  func makeTeam() throws -> (remote: TempRepository, alice: TempRepository, bob: TempRepository) {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let alice = TempRepository.clone(remote.path, name: "alice")
    XCTAssertEqual(alice.mlgit("install").status, 0)
    alice.write("models/credit.yaml", Fixtures.spec())
    alice.write(".mlgit/config.yml", SignedAuthorshipTests.config)
    alice.write(
      ".mlgit/allowed_signers",
      """
      alice@example.com namespaces="git,mlgit-review" \(try publicKey("alice"))
      bob@example.com namespaces="git,mlgit-review" \(try publicKey("bob"))
      alice.reviews@example.com namespaces="mlgit-review" \(try publicKey("alice"))

      """)
    alice.stage()
    alice.commitFixture("regulated credit model")
    let push = alice.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    let bob = TempRepository.clone(remote.path, name: "bob")
    bob.git("config", "user.name", "Bob Reviewer")
    bob.git("config", "user.email", "bob@example.com")
    keep += [remote, alice, bob]
    return (remote, alice, bob)
  }

  /// `git commit` of the deeper spec, signed with `key` (nil: unsigned), hooks running.
  @discardableResult
  func commitDeeper(_ repo: TempRepository, signedWith key: String?, environment: [String: String] = [:])
    -> CommandResult
  {
    repo.write("models/credit.yaml", SignedAuthorshipTests.deeper)
    repo.stage()
    let signing = key.map { ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(keys)/\($0)"] } ?? []
    let commit = repo.git(
      signing + ["commit", "-q"] + (key == nil ? [] : ["-S"]) + ["-m", "deeper trees"], environment: environment)
    XCTAssertEqual(commit.status, 0, commit.output)
    return commit
  }

  /// Bob fetches Alice's main and approves `commit`, signing with his key.
  @discardableResult
  func bobApproves(_ commit: String, from alice: TempRepository, in bob: TempRepository) -> CommandResult {
    XCTAssertEqual(bob.git("fetch", "-q", alice.path, "main:refs/remotes/alice/main").status, 0)
    // Notes others pushed already (none yet is fine).
    bob.git("fetch", "-q", "origin", "+\(SignedAuthorshipTests.notesRef):\(SignedAuthorshipTests.notesRef)")
    let approve = bob.mlgit(
      ["review", "approve", commit, "--key", "\(keys)/bob"], environment: SignedAuthorshipTests.bob)
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertEqual(bob.git("push", "-q", "origin", SignedAuthorshipTests.notesRef).status, 0)
    return approve
  }

  func fetchNotes(_ repo: TempRepository) {
    let fetch = repo.git(
      "fetch", "-q", "origin", "+\(SignedAuthorshipTests.notesRef):\(SignedAuthorshipTests.notesRef)")
    XCTAssertEqual(fetch.status, 0, fetch.output)
  }

  // MARK: the accepted path

  func testSignedCommitApprovedByAnotherSignerIsAccepted() throws {
    let (remote, alice, bob) = try makeTeam()
    // Signed and set up to sign: pre-commit says nothing about signatures.
    let commit = commitDeeper(alice, signedWith: "alice")
    XCTAssertFalse(commit.stderr.contains("[commits/signed]"), commit.stderr)
    let change = alice.head
    XCTAssertTrue(alice.git("cat-file", "commit", "HEAD").stdout.contains("-----BEGIN SSH SIGNATURE-----"))

    let refused = alice.git("push", "origin", "main")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertFalse(refused.stderr.contains("[commits/signed]"), refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains(
        "needs 1 approval (signed) from anyone but alice@example.com; none yet [hyperparameters/review]"),
      refused.stderr)

    bobApproves(change, from: alice, in: bob)
    fetchNotes(alice)
    let accepted = alice.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("main"), change)
  }

  // MARK: forged authorship

  func testForgedAuthorCannotApproveHerOwnSignedChange() throws {
    let (remote, alice, _) = try makeTeam()
    // Alice commits as "intern@example.com", but signs with her own key.
    commitDeeper(alice, signedWith: "alice", environment: SignedAuthorshipTests.intern)
    let change = alice.head
    let short = String(change.prefix(8))
    XCTAssertTrue(alice.git("log", "-1", "--format=%ae").stdout.hasPrefix("intern@example.com"))

    // mlgit refuses to write the approval: the signer made the change.
    let own = alice.mlgit(["review", "approve", change, "--key", "\(keys)/alice"])
    XCTAssertEqual(own.status, 1, own.output)
    XCTAssertTrue(
      own.stderr.contains("you (alice@example.com) signed \(short) \"deeper trees\" with your key (SHA256:"), own.stderr
    )
    XCTAssertTrue(own.stderr.contains("ask anyone but intern@example.com, alice@example.com to run"), own.stderr)
    XCTAssertNil(alice.revParse(SignedAuthorshipTests.notesRef))

    // A record made by hand with stock tools (ssh-keygen -Y sign with her valid key) does not count.
    let blob = try XCTUnwrap(alice.revParse("HEAD:models/credit.yaml"))
    let hash = try XCTUnwrap(approvalHash(in: alice, commit: change))
    let record = try signedRecord(blob: blob, hash: hash, reviewer: "alice@example.com", key: "alice")
    // Her key is also listed under a second email, for reviews only: still her key.
    let second = try signedRecord(blob: blob, hash: hash, reviewer: "alice.reviews@example.com", key: "alice")
    XCTAssertEqual(alice.git("notes", "--ref=mlgit/reviews", "add", "-m", record, "-m", second, blob).status, 0)
    XCTAssertEqual(alice.git("push", "-q", "origin", SignedAuthorshipTests.notesRef).status, 0)
    let push = alice.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains(
        "remote: \(short): models/credit.yaml:11:3: error: hyperparameters changed (max_depth 6 -> 8): needs 1 approval (signed) "
          + "from anyone but intern@example.com, alice@example.com; none yet; not counted: alice@example.com "
          + "(signed the commit: the author's own key), alice.reviews@example.com (signed the commit: the author's own key) "
          + "[hyperparameters/review]"), push.stderr)
    XCTAssertNotEqual(remote.revParse("main"), change)
  }

  func testUnsignedSpecCommitIsRefusedEvenWithAnApproval() throws {
    let (remote, alice, bob) = try makeTeam()
    // Unsigned, with a forged author: pre-commit warns that it will not be signed.
    let commit = commitDeeper(alice, signedWith: nil, environment: SignedAuthorshipTests.intern)
    XCTAssertTrue(
      commit.stderr.contains(
        "models/credit.yaml:1:1: warning: this commit will not be signed with an SSH key (commit.gpgsign is not set and git commit was not given -S)"
      ),
      commit.stderr)
    let change = alice.head
    let short = String(change.prefix(8))
    // The forged author email lets Alice's own tooling approve (no signer is established)…
    let own = alice.mlgit(["review", "approve", change, "--key", "\(keys)/alice"])
    XCTAssertEqual(own.status, 0, own.output)
    XCTAssertEqual(alice.git("push", "-q", "origin", SignedAuthorshipTests.notesRef).status, 0)
    // …and Bob's approval is there too; the commit is still refused: nobody is established as its author.
    bobApproves(change, from: alice, in: bob)
    fetchNotes(alice)
    let push = alice.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains(
        "remote: \(short): models/credit.yaml:1:1: error: commit is not signed; changes to specs and .mlgit/ must be signed "
          + "with an SSH key listed in .mlgit/allowed_signers, because the author email alone can be set to anyone [commits/signed]"
      ),
      push.stderr)
    XCTAssertTrue(
      push.stderr.contains("hint: sign with an SSH key listed in .mlgit/allowed_signers for namespace git"), push.stderr
    )
    XCTAssertNotEqual(remote.revParse("main"), change)
    // pre-push and check --range say the same.
    let range = alice.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(range.stdout.contains("\(short): models/credit.yaml:1:1: error: commit is not signed"), range.stdout)
  }

  func testCommitSignedByAnUnlistedKeyOrWithGPGIsRefused() throws {
    let (_, alice, _) = try makeTeam()
    commitDeeper(alice, signedWith: "mallory")
    let mallory = alice.head
    let fingerprint =
      Shell.run("/usr/bin/env", ["ssh-keygen", "-l", "-f", "\(keys)/mallory.pub"], in: keys).stdout
      .split(separator: " ").dropFirst().first.map(String.init) ?? "?"
    var range = alice.mlgit("check", "--range", "origin/main..HEAD")
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(
      range.stdout.contains(
        "\(mallory.prefix(8)): models/credit.yaml:1:1: error: commit's signature does not establish who made it: "
          + "signed by key \(fingerprint), which .mlgit/allowed_signers does not list [commits/signed]"), range.stdout)

    // A commit carrying a GPG signature: mlgit verifies SSH signatures only, and says so.
    let object = alice.git("cat-file", "commit", "HEAD").stdout
    let header = try XCTUnwrap(object.range(of: "\n\n"))
    var lines = object[..<header.lowerBound].split(separator: "\n").filter {
      !$0.hasPrefix("gpgsig") && !$0.hasPrefix(" ")
    }
    lines.append("gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----")
    let forged = lines.joined(separator: "\n") + String(object[header.lowerBound...])
    let written = alice.git(["hash-object", "-t", "commit", "-w", "--stdin"], input: forged)
    XCTAssertEqual(written.status, 0, written.output)
    let gpg = written.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    range = alice.mlgit("check", gpg)
    XCTAssertEqual(range.status, 1, range.output)
    XCTAssertTrue(
      range.stdout.contains(
        "\(gpg.prefix(8)): models/credit.yaml:1:1: error: commit's signature does not establish who made it: it is signed "
          + "with GPG (OpenPGP); mlgit verifies only SSH signatures (gpg.format=ssh) against .mlgit/allowed_signers [commits/signed]"
      ),
      range.stdout)
  }

  // MARK: helpers

  /// The `hyperparameters` hash an approval of `commit` records, from an approval made in a scratch clone.
  private func approvalHash(in repo: TempRepository, commit: String) -> String? {
    let copy = TempRepository.clone(repo.path, name: "hash")
    copy.git("fetch", "-q", repo.path, "\(commit):refs/heads/probe")
    let approve = copy.mlgit(
      ["review", "approve", commit, "--key", "\(keys)/mallory"],
      environment: ["GIT_COMMITTER_EMAIL": "probe@example.com"])
    guard approve.status == 0, let blob = copy.revParse("\(commit):models/credit.yaml") else { return nil }
    let note = copy.git("notes", "--ref=mlgit/reviews", "show", blob).stdout
    guard let start = note.range(of: "\"hyperparameters\":\"") else { return nil }
    return String(note[start.upperBound...].prefix(64))
  }

  /// A review record signed with `ssh-keygen -Y sign -n mlgit-review`, as anyone can make one.
  private func signedRecord(blob: String, hash: String, reviewer: String, key: String) throws -> String {
    let payload =
      "{\"at\":\"2026-01-01T00:00:00Z\",\"blob\":\"\(blob)\",\"decision\":\"approve\",\"hyperparameters\":\"\(hash)\","
      + "\"path\":\"models/credit.yaml\",\"reviewer\":\"\(reviewer)\",\"schema\":\"mlgit.review/1\"}"
    let signed = Shell.run(
      "/usr/bin/env", ["ssh-keygen", "-Y", "sign", "-n", "mlgit-review", "-f", "\(keys)/\(key)"], in: keys,
      input: payload)
    XCTAssertEqual(signed.status, 0, signed.output)
    let signature = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(
      of: "\n", with: "\\n")
    return String(payload.dropLast()) + ",\"signature\":\"\(signature)\"}"
  }
}
