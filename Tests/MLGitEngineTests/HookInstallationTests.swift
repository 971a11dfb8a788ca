import Foundation
import MLGitErrors
import XCTest

@testable import MLGitEngine

/// `mlgit install` and `uninstall` as the engine does them: what each step says, in order,
/// and the refusals that leave the repository as it was.
final class HookInstallationTests: XCTestCase {
  func testInstallThenUninstallSaysEachStep() throws {
    let repo = ScratchRepository()
    let installation = HookInstallation(repository: try repo.open())
    let hooks = repo.path + "/.git/hooks"
    var said: [String] = []
    try installation.install(server: false, force: false, with: nil) { said.append($0) }
    XCTAssertEqual(
      said,
      [
        "mlgit: installed pre-commit hook at \(hooks)/pre-commit",
        "mlgit: installed pre-push hook at \(hooks)/pre-push",
      ])
    XCTAssertEqual(repo.run(["config", "mlgit.hooks"]), "hooks")
    said = []
    try installation.install(server: false, force: false, with: nil) { said.append($0) }
    XCTAssertEqual(
      said,
      [
        "mlgit: pre-commit hook at \(hooks)/pre-commit is up to date",
        "mlgit: pre-push hook at \(hooks)/pre-push is up to date",
      ])
    said = []
    try installation.uninstall { said.append($0) }
    XCTAssertEqual(said.count, 2)
    XCTAssertFalse(FileManager.default.fileExists(atPath: hooks + "/pre-commit"))
    said = []
    try installation.uninstall { said.append($0) }
    XCTAssertEqual(said, ["mlgit: no mlgit hooks in \(hooks)"])
  }

  func testRefusalsAreUsageErrorsAndWriteNothing() throws {
    let repo = ScratchRepository()
    let installation = HookInstallation(repository: try repo.open())
    var said: [String] = []
    XCTAssertThrowsError(try installation.install(server: true, force: false, with: nil) { said.append($0) }) {
      XCTAssertEqual((($0) as? MLGitError)?.exitStatus, .usage)
      XCTAssertEqual(
        "\($0)",
        "mlgit: --server installs a pre-receive hook in a bare repository; \(repo.path)/.git/ has a working tree")
    }
    XCTAssertThrowsError(try installation.install(server: false, force: false, with: "yarn") { said.append($0) }) {
      XCTAssertEqual("\($0)", "mlgit: --with takes pre-commit, lefthook or husky, not 'yarn'")
    }
    let bare = ScratchRepository(bare: true)
    XCTAssertThrowsError(
      try HookInstallation(repository: try bare.open()).install(server: false, force: false, with: nil) {
        said.append($0)
      }
    ) {
      XCTAssertEqual(
        "\($0)",
        "mlgit: \(bare.path)/ is a bare repository; run `mlgit install --server` to check pushes it receives")
    }
    XCTAssertEqual(said, [])
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
  }
}
