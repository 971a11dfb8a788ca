import Foundation
import XCTest

/// A failure of the system under mlgit (a file it cannot write, a folder that is not
/// there) ends it with status 3 and a readable message naming the file and the system's
/// reason, whichever code path met it: never 2 (bad input), never Foundation's
/// `Error Domain=NSCocoaErrorDomain …` text.
final class SystemErrorStatusTests: XCTestCase {
  func testATemporaryFolderThatIsNotThereIsASystemFailure() throws {
    let repo = TempRepository()
    repo.commitFile("README.md", "hello\n", "init")
    // A `key::` signing key goes to a temporary file for ssh-keygen: TMPDIR has no such folder.
    repo.git("config", "user.signingKey", "key::ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOCWm0xgZ0Pj4I9T1gJ5d1lQ bob")
    let missing = repo.root + "/no-such-folder/"
    let approve = repo.mlgit(
      "review", "approve", "HEAD", "--sign", environment: ["TMPDIR": missing, "GIT_COMMITTER_EMAIL": "bob@example.com"])
    XCTAssertEqual(approve.status, 3, approve.output)
    XCTAssertTrue(approve.stderr.hasPrefix("mlgit: error: \(missing)mlgit-signing-key-"), approve.stderr)
    XCTAssertTrue(approve.stderr.hasSuffix(".pub: No such file or directory\n"), approve.stderr)
    XCTAssertFalse(approve.stderr.contains("NSCocoaErrorDomain"), approve.stderr)
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/reviews", "list").stdout, "", "nothing was approved")
  }
}
