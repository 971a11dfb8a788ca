import Foundation
import XCTest

/// Hooks and reports under faults: a folder where a hook should be, a full disk, a
/// read-only hooks folder. A clear error and nothing half-written, never a crash.
final class FileFaultTests: XCTestCase {
  func testAFolderWhereAHookShouldBeIsAClearError() throws {
    let repo = TempRepository()
    try FileManager.default.createDirectory(
      atPath: repo.path + "/.git/hooks/pre-commit", withIntermediateDirectories: true)
    let install = repo.mlgit("install")
    XCTAssertEqual(install.status, 2, install.output)
    XCTAssertTrue(
      install.stderr.contains(
        "mlgit: \(repo.path)/.git/hooks/pre-commit is a folder, not a hook; move it away, then run the command again"),
      install.stderr)
    let uninstall = repo.mlgit("uninstall")
    XCTAssertEqual(uninstall.status, 0, uninstall.output)
    let doctor = repo.mlgit("doctor")
    XCTAssertEqual(doctor.status, 1, doctor.output)
    XCTAssertTrue(
      doctor.stdout.contains(".git/hooks/pre-commit: a folder, not a hook; git cannot run it"), doctor.stdout)
    var isDirectory: ObjCBool = false
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit", isDirectory: &isDirectory)
        && isDirectory.boolValue)
  }

  /// Runs `script` in a user and mount namespace with a 8 KiB tmpfs at `mount`, so the
  /// disk can be full or read-only without root; skips where namespaces are not allowed.
  func inTinyFilesystem(_ repo: TempRepository, mount: String, _ script: String) throws -> CommandResult {
    let unshare = ["/usr/bin/unshare", "/bin/unshare"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let unshare else { throw XCTSkip("unshare (util-linux) is not installed") }
    try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
    let probe = Shell.run(unshare, ["-rm", "sh", "-c", "mount -t tmpfs -o size=8k tmpfs '\(mount)'"], in: repo.path)
    guard probe.status == 0 else { throw XCTSkip("user namespaces are not allowed here: \(probe.stderr)") }
    let full = "set -e; mount -t tmpfs -o size=8k tmpfs '\(mount)'; cd '\(repo.path)'; " + script
    return Shell.run(unshare, ["-rm", "sh", "-c", full], in: repo.path, environment: ["MLGIT": Shell.mlgit])
  }

  func testInstallOnAFullDiskLeavesNoHalfWrittenHook() throws {
    let repo = TempRepository()
    let mount = repo.root + "/tiny"
    repo.git("config", "core.hooksPath", mount + "/hooks")
    let result = try inTinyFilesystem(
      repo, mount: mount,
      """
      mkdir '\(mount)/hooks'
      printf '#!/bin/sh\\necho team\\n' > '\(mount)/hooks/pre-commit'; chmod +x '\(mount)/hooks/pre-commit'
      dd if=/dev/zero of='\(mount)/fill' bs=1k count=64 2>/dev/null || true
      set +e; "$MLGIT" install; echo "status=$?"; ls -A '\(mount)/hooks'
      """)
    XCTAssertTrue(result.stdout.contains("status=3"), result.output)
    XCTAssertTrue(
      result.stderr.contains(
        "mlgit: cannot write \(mount)/hooks/pre-commit: No space left on device; nothing was changed"), result.stderr)
    XCTAssertTrue(
      result.stdout.hasSuffix("status=3\npre-commit\n"),
      "the team's hook is back in place, no temporary file: \(result.stdout)")
  }

  func testInstallInAReadOnlyHooksFolderIsAClearError() throws {
    let repo = TempRepository()
    let mount = repo.root + "/tiny"
    repo.git("config", "core.hooksPath", mount + "/hooks")
    let result = try inTinyFilesystem(
      repo, mount: mount,
      """
      mkdir '\(mount)/hooks'; mount -o remount,ro '\(mount)'
      set +e; "$MLGIT" install; echo "status=$?"; ls -A '\(mount)/hooks'
      """)
    XCTAssertTrue(result.stdout.hasSuffix("status=3\n"), result.output)
    XCTAssertTrue(
      result.stderr.contains("mlgit: cannot write \(mount)/hooks/pre-commit: Read-only file system"), result.stderr)
  }

  func testAuditOutputOnAFullDiskLeavesNoFile() throws {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "spec")
    let mount = repo.root + "/tiny"
    let result = try inTinyFilesystem(
      repo, mount: mount,
      """
      dd if=/dev/zero of='\(mount)/fill' bs=1k count=64 2>/dev/null || true
      set +e; "$MLGIT" audit --format html --output '\(mount)/audit.html'; echo "status=$?"; ls -A '\(mount)'
      """)
    XCTAssertTrue(result.stdout.hasSuffix("status=3\nfill\n"), result.output)
    XCTAssertTrue(
      result.stderr.contains("mlgit: cannot write \(mount)/audit.html: No space left on device; nothing was changed"),
      result.stderr)
  }

  /// A pre-push hook killed mid-way (here by its own chained hook, with SIGKILL, so no trap
  /// runs) leaves nothing in TMPDIR: git's ref lines are never written to a file.
  func testAKilledPushHookLeavesNoTemporaryFile() throws {
    let repo = TempRepository(name: "work")
    let remote = TempRepository(bare: true, name: "origin.git")
    repo.git("remote", "add", "origin", remote.path)
    let chained = repo.path + "/.git/hooks/pre-push"
    try Data("#!/bin/sh\ncat >/dev/null\nkill -9 $PPID\n".utf8).write(to: URL(fileURLWithPath: chained))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: chained)
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.commitFile("README", "x\n", "first")
    let tmp = repo.root + "/tmp"
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    let push = repo.git(["push", "origin", "main"], environment: ["TMPDIR": tmp])
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertNil(remote.revParse("refs/heads/main"), "the push did not go through")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [])
    // Without a chained hook the ref lines go straight to mlgit (exec), and the push is checked.
    XCTAssertFalse(HookScriptText.hook.contains("mktemp"), "the hook script keeps git's input in memory")
  }
}

/// The hook template as carried in the binary's source folder.
enum HookScriptText {
  static let hook: String = {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("hooks/hook.sh")
    return (try? String(contentsOf: source, encoding: .utf8)) ?? ""
  }()
}
