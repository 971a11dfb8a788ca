import Foundation
import GitKit
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// The key `review approve --sign` signs with: --key, else user.signingKey; a `key::` key
/// goes to a temporary file that is removed after signing.
final class ReviewSigningKeyTests: XCTestCase {
  func testKeyOptionConfigAndAgentKeys() throws {
    let repo = ScratchRepository()
    let repository = try repo.open()

    XCTAssertThrowsError(try ReviewSigningKey.resolve(key: nil, repository: repository)) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
      XCTAssertEqual(
        "\(error)",
        """
        mlgit: signing needs an SSH key: pass --key ~/.ssh/id_ed25519, or set git config user.signingKey ~/.ssh/id_ed25519
          hint: your public key goes in .mlgit/allowed_signers as `you@example.com namespaces="mlgit-review" ssh-ed25519 AAAA…`
        """)
    }

    repo.run(["config", "user.signingKey", "/keys/reviewer"])
    let configured = try ReviewSigningKey.resolve(key: nil, repository: repository)
    XCTAssertEqual(configured.path, "/keys/reviewer")
    XCTAssertNil(configured.temporary)

    // --key wins over the config; ~/ is the home folder.
    let home = try ReviewSigningKey.resolve(key: "~/.ssh/id_ed25519", repository: repository)
    XCTAssertEqual(home.path, NSHomeDirectory() + "/.ssh/id_ed25519")
    XCTAssertNil(home.temporary)

    // key:: is a public key held by ssh-agent, written out for ssh-keygen and removed after.
    let agent = try ReviewSigningKey.resolve(key: "key::ssh-ed25519 AAAAC3Nz reviewer", repository: repository)
    XCTAssertEqual(agent.temporary, agent.path)
    XCTAssertTrue(agent.path.hasPrefix(NSTemporaryDirectory() + "mlgit-signing-key-"), agent.path)
    XCTAssertEqual(try String(contentsOfFile: agent.path, encoding: .utf8), "ssh-ed25519 AAAAC3Nz reviewer\n")
    agent.remove()
    XCTAssertFalse(FileManager.default.fileExists(atPath: agent.path))
  }
}
