import Foundation
import XCTest

/// mlgit leaves nothing behind in the temporary folder: the files ssh-keygen reads
/// (allowed signers, signatures, a `key::` public key) are removed as soon as it is done.
final class TemporaryFilesTests: XCTestCase {
  static let bob = ["GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com"]
  private var scratch = ""

  override func setUpWithError() throws {
    scratch = NSTemporaryDirectory() + "mlgit-tmpfiles-\(UUID().uuidString.prefix(8))"
    for folder in ["keys", "tmp"] {
      try FileManager.default.createDirectory(atPath: "\(scratch)/\(folder)", withIntermediateDirectories: true)
    }
    for name in ["alice", "bob"] {
      let made = Shell.run(
        "/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", "\(scratch)/keys/\(name)"],
        in: scratch)
      XCTAssertEqual(made.status, 0, made.output)
    }
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

  var tmp: String { "\(scratch)/tmp" }
  /// What mlgit left in its TMPDIR.
  var leftovers: [String] { (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? ["(cannot list)"] }

  func publicKey(_ name: String) throws -> String {
    try String(contentsOfFile: "\(scratch)/keys/\(name).pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
  }

  /// A regulated repository whose spec change is signed by Alice and approved (signed) by Bob.
  func signedHistory() throws -> (repo: TempRepository, change: String) {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.write(
      ".mlgit/config.yml",
      "apiVersion: mlgit/v1\nextends: [regulated]\nrules:\n  runs/required: off\n  metrics/threshold: off\n")
    repo.write(
      ".mlgit/allowed_signers",
      """
      alice@example.com namespaces="git,mlgit-review" \(try publicKey("alice"))
      bob@example.com namespaces="git,mlgit-review" \(try publicKey("bob"))

      """)
    repo.stage()
    repo.commitFixture("regulated credit model")
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"))
    repo.stage()
    let commit = repo.git(
      "-c", "gpg.format=ssh", "-c", "user.signingkey=\(scratch)/keys/alice", "commit", "-q", "--no-verify", "-S",
      "-m", "deeper trees")
    XCTAssertEqual(commit.status, 0, commit.output)
    return (repo, repo.head)
  }

  func testAuditOverSignedApprovalsLeavesNoTemporaryFiles() throws {
    let (repo, change) = try signedHistory()
    let approve = repo.mlgit(
      ["review", "approve", change, "--key", "\(scratch)/keys/bob"],
      environment: TemporaryFilesTests.bob.merging(["TMPDIR": tmp]) { $1 })
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertTrue(approve.stdout.contains("as bob@example.com (signed)"), approve.stdout)

    // The audit checks the approval's signature and the commit's against allowed_signers.
    let audit = repo.mlgit(["audit", "--format", "json"], environment: ["TMPDIR": tmp])
    XCTAssertEqual(audit.status, 0, audit.output)
    XCTAssertTrue(audit.stdout.contains("\"reviewer\": \"bob@example.com\""), audit.stdout)
    let check = repo.mlgit(["check", "--range", "HEAD~1..HEAD"], environment: ["TMPDIR": tmp])
    XCTAssertEqual(check.status, 0, check.output)
    XCTAssertEqual(leftovers, [], "mlgit left files in TMPDIR")
  }

  func testApprovingWithAnAgentKeyLeavesNoTemporaryPublicKey() throws {
    let (repo, change) = try signedHistory()
    // Bob's key lives in an ssh-agent; git config names it as `key::<public key>`.
    let socket = "\(scratch)/agent.sock"
    // In the foreground (-D), as a child this test owns and stops: a daemonised agent
    // would keep the output files of the command that started it open.
    let agent = Process()
    agent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    agent.arguments = ["ssh-agent", "-D", "-a", socket]
    agent.standardOutput = FileHandle.nullDevice
    agent.standardError = FileHandle.nullDevice
    try agent.run()
    defer {
      agent.terminate()
      agent.waitUntilExit()
    }
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
    let add = Shell.run(
      "/usr/bin/env", ["ssh-add", "-q", "\(scratch)/keys/bob"], in: scratch, environment: ["SSH_AUTH_SOCK": socket])
    XCTAssertEqual(add.status, 0, add.output)
    repo.git("config", "user.signingKey", "key::\(try publicKey("bob"))")

    let approve = repo.mlgit(
      ["review", "approve", change],
      environment: TemporaryFilesTests.bob.merging(["TMPDIR": tmp, "SSH_AUTH_SOCK": socket]) { $1 })
    XCTAssertEqual(approve.status, 0, approve.output)
    XCTAssertTrue(approve.stdout.contains("as bob@example.com (signed)"), approve.stdout)
    XCTAssertEqual(repo.mlgit("check", "--range", "HEAD~1..HEAD").status, 0)
    XCTAssertEqual(leftovers, [], "mlgit left files in TMPDIR")
  }
}
