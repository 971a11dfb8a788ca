import Foundation
import XCTest

/// Input a hostile committer controls (policy globs, feature names, spec keys) must
/// neither stall the server hook nor slip past a check or a reviewer's terminal.
final class UntrustedInputTests: XCTestCase {
  /// A bare remote with the server hook and a clone of it, sharing one good commit on main.
  func makeServer() -> (remote: TempRepository, clone: TempRepository) {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    clone.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    let push = clone.git("push", "-q", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    return (remote, clone)
  }

  // MARK: globs

  func testServerJudgesAPushWhosePolicyHasAnAdversarialSpecGlob() {
    let (remote, clone) = makeServer()
    clone.git("checkout", "-q", "-b", "topic")
    // Ten `**` made a backtracking matcher try every way of splitting a 40-folder path
    // (hours); topic branches need no approval for a policy change, so anyone could.
    clone.commitFile(".mlgit/config.yml", """
      apiVersion: mlgit/v1
      specs: ['**/**/**/**/**/**/**/**/**/**/*.yaml']

      """, "specs anywhere")
    let deep = (0..<40).map { "d\($0)" }.joined(separator: "/")
    clone.write(deep + "/notes.txt", "not a spec\n")
    clone.write(deep + "/model.yaml", Fixtures.spec(version: "1.4"))
    clone.stage()
    let bad = clone.commitFixture("deep files")
    let push = Shell.run(Shell.git, ["push", "--no-verify", "origin", "topic"], in: clone.path, timeout: 300)
    XCTAssertNotEqual(push.status, -2, "the server hook did not finish: \(push.stderr)")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains(
      "remote: \(bad.prefix(8)): \(deep)/model.yaml:3:10: error: version must be a semantic version string, found a number '1.4' [spec/schema]"),
      push.stderr)
    XCTAssertTrue(push.stderr.contains("pre-receive hook declined"), push.stderr)
    XCTAssertNil(remote.revParse("refs/heads/topic"))
  }
}
