import Foundation
import XCTest

/// The pre-receive hook of `mlgit install --server` behind real git servers: git's smart
/// HTTP (`git http-backend` as a CGI under Debian's lighttpd) and SSH (Debian's sshd with a
/// forced `git-shell` command), each on a loopback port of its own. Both run hooks with a
/// reduced environment (lighttpd passes no PATH to CGI programs; sshd's default PATH lacks
/// /usr/local/bin), so these pushes also prove that the hook finds mlgit by itself.
final class GitServerTests: XCTestCase {
  static let goodSpec = Fixtures.spec()
  /// Line 9, column 5: the third entry of `features`.
  static let badSpec = Fixtures.spec(version: "1.5.0", features: ["income", "debt_ratio", "applicant_race"])
  static let badFinding =
    "models/credit.yaml:9:5: error: feature 'applicant_race' is the protected attribute 'race' [features/protected]"

  /// A temporary folder for a server's files, removed after the test.
  func scratchFolder() throws -> String {
    let folder = NSTemporaryDirectory() + "mlgit-server-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
    return folder
  }

  /// A bare repository `server.git` in `folder` with mlgit's server hook.
  func makeServerRepository(in folder: String) -> TempRepository {
    let bare = TempRepository(existing: folder + "/server.git", root: folder + "/server.git")
    XCTAssertEqual(Shell.run(Shell.git, ["init", "-q", "--bare", "-b", "main", "server.git"], in: folder).status, 0)
    let install = bare.mlgit("install", "--server")
    XCTAssertEqual(install.status, 0, install.output)
    return bare
  }

  /// Clones `url`, pushes a good commit (accepted) and a commit adding a protected feature
  /// (refused, with the rule id, path and line on the pusher's `remote:` lines).
  func pushGoodThenBad(url: String, bare: TempRepository, environment: [String: String], server: LoopbackServer) {
    let root = NSTemporaryDirectory() + "mlgit-test-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let cloned = Shell.run(Shell.git, ["clone", "-q", url, "clone"], in: root, environment: environment)
    guard cloned.status == 0 else {
      XCTFail("git clone \(url) failed: \(cloned.output)\n\(server.name)'s log:\n\(server.log)")
      return
    }
    let clone = TempRepository(existing: root + "/clone", root: root)
    clone.git("config", "user.name", "Alice Author")
    clone.git("config", "user.email", "alice@example.com")

    let good = clone.commitFile("models/credit.yaml", GitServerTests.goodSpec, "add credit model")
    let accepted = clone.git(["push", "origin", "main"], environment: environment)
    XCTAssertEqual(accepted.status, 0, accepted.output + "\n\(server.name)'s log:\n" + server.log)
    XCTAssertEqual(bare.revParse("refs/heads/main"), good)

    let bad = clone.commitFile("models/credit.yaml", GitServerTests.badSpec, "add a protected feature")
    let refused = clone.git(["push", "origin", "main"], environment: environment)
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(refused.stderr.contains("remote: \(bad.prefix(8)): \(GitServerTests.badFinding)"), refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains("remote:   \(bad.prefix(8)): models/credit.yaml [features/protected]"), refused.stderr)
    XCTAssertTrue(
      refused.stderr.contains("! [remote rejected] main -> main (pre-receive hook declined)"), refused.stderr)
    XCTAssertEqual(bare.revParse("refs/heads/main"), good)
  }

  func testSmartHTTPUnderLighttpdRefusesAProtectedFeature() throws {
    let lighttpd = try LoopbackServer.program(["/usr/sbin/lighttpd"], package: "lighttpd")
    let backend = try LoopbackServer.program(["/usr/lib/git-core/git-http-backend"], package: "git")
    let folder = try scratchFolder()
    let bare = makeServerRepository(in: folder)
    // git http-backend refuses pushes from anonymous users unless the repository allows them.
    bare.git("config", "http.receivepack", "true")
    let config = folder + "/lighttpd.conf"
    let server = try LoopbackServer.start(
      "lighttpd", test: self, logPath: folder + "/lighttpd.log", environment: ["PATH": "/usr/bin:/bin"],
      executable: lighttpd
    ) { port in
      try """
      server.document-root = "\(folder)"
      server.bind = "127.0.0.1"
      server.port = \(port)
      server.errorlog = "\(folder)/lighttpd-error.log"
      server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
      alias.url = ("/git" => "\(backend)")
      cgi.assign = ("" => "")
      setenv.set-environment = ("GIT_PROJECT_ROOT" => "\(folder)", "GIT_HTTP_EXPORT_ALL" => "1")

      """.write(toFile: config, atomically: true, encoding: .utf8)
      return ["-D", "-f", config]
    }
    pushGoodThenBad(url: "http://127.0.0.1:\(server.port)/git/server.git", bare: bare, environment: [:], server: server)
  }

  func testSSHWithGitShellRefusesAProtectedFeature() throws {
    let sshd = try LoopbackServer.program(["/usr/sbin/sshd"], package: "openssh-server")
    let ssh = try LoopbackServer.program(["/usr/bin/ssh"], package: "openssh-client")
    let keygen = try LoopbackServer.program(["/usr/bin/ssh-keygen"], package: "openssh-client")
    let gitShell = try LoopbackServer.program(["/usr/bin/git-shell", "/usr/local/bin/git-shell"], package: "git")
    let folder = try scratchFolder()
    let bare = makeServerRepository(in: folder)
    for key in ["host_key", "client_key"] {
      let made = Shell.run(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", key], in: folder)
      XCTAssertEqual(made.status, 0, made.output)
    }
    let clientKey = try String(contentsOfFile: folder + "/client_key.pub", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    // The key may run git-shell only, with the command the client asked for.
    try """
    command="\(gitShell) -c \\"$SSH_ORIGINAL_COMMAND\\"",no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty \(clientKey)

    """.write(toFile: folder + "/authorized_keys", atomically: true, encoding: .utf8)
    let user = NSUserName()
    if getuid() == 0 {
      // sshd run by root insists on its privilege-separation folder, which the package's
      // service start would create; the test's sshd uses nothing else of the machine's.
      try? FileManager.default.createDirectory(
        atPath: "/run/sshd", withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o755])
    }
    let config = folder + "/sshd_config"
    let server = try LoopbackServer.start(
      "sshd", test: self, logPath: folder + "/sshd.log", environment: ["PATH": "/usr/bin:/bin"], executable: sshd
    ) { port in
      try """
      Port \(port)
      ListenAddress 127.0.0.1
      HostKey \(folder)/host_key
      PidFile \(folder)/sshd.pid
      AuthorizedKeysFile \(folder)/authorized_keys
      PubkeyAuthentication yes
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      PermitRootLogin prohibit-password
      StrictModes no
      UsePAM no
      AllowUsers \(user)

      """.write(toFile: config, atomically: true, encoding: .utf8)
      return ["-D", "-e", "-f", config]
    }
    let sshCommand =
      "\(ssh) -i \(folder)/client_key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no"
      + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
    pushGoodThenBad(
      url: "ssh://\(user)@127.0.0.1:\(server.port)\(bare.path)", bare: bare,
      environment: ["GIT_SSH_COMMAND": sshCommand], server: server)
  }
}
