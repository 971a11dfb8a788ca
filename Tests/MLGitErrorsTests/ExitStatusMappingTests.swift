import ArgumentParser
import Foundation
@testable import GitKit
@testable import MLGitCommands
@testable import MLGitEngine
import MLGitErrors
import MLPolicy
import MLSpec
import XCTest

/// Every error type mlgit defines ends a command with the status PRODUCT.md gives it
/// (1 policy errors, 2 bad usage, config or input, 3 git or system failure) and a
/// readable message; an error mlgit did not define is a system failure (3).
final class ExitStatusMappingTests: XCTestCase {
  private func ending(_ error: Error) -> MLGitMain.Ending { MLGitMain.ending(for: error) }

  func testGitAndSystemFailuresExit3() {
    XCTAssertEqual(
      ending(GitError(message: "cannot read tree abc1234")),
      MLGitMain.Ending(status: 3, message: "mlgit: cannot read tree abc1234"))
    XCTAssertEqual(
      ending(IndexUnreadable(path: ".git/index", reason: "bad signature")),
      MLGitMain.Ending(status: 3, message: "mlgit: libgit2 cannot read the index .git/index: bad signature"))
    XCTAssertEqual(
      ending(CommandFailure.system("mlgit: cannot write x")),
      MLGitMain.Ending(status: 3, message: "mlgit: cannot write x"))
  }

  func testBadInputAndConfigExit2() throws {
    let location = SourceLocation(line: 3, column: 5)
    XCTAssertEqual(
      ending(DocumentError("expected a mapping", at: location)),
      MLGitMain.Ending(status: 2, message: "error: expected a mapping"))
    XCTAssertEqual(
      ending(
        PolicyLoadError(
          path: ".mlgit/config.yml", error: DocumentError("unknown key 'x'", at: location, hint: "remove it"))),
      MLGitMain.Ending(status: 2, message: ".mlgit/config.yml:3:5: error: unknown key 'x'\n  hint: remove it"))
    XCTAssertEqual(
      ending(RunRecordError("metrics.json: metric 'auc' is NaN")),
      MLGitMain.Ending(status: 2, message: "mlgit: error: metrics.json: metric 'auc' is NaN"))
    XCTAssertThrowsError(try JSONValue.parse("{\"a\": }")) { error in
      let ended = self.ending(error)
      XCTAssertEqual(ended.status, 2)
      XCTAssertTrue(ended.message.hasPrefix("mlgit: error: invalid JSON at byte 6"), ended.message)
    }
    let blob = try XCTUnwrap(OID(hex: "0123456789abcdef0123456789abcdef01234567"))
    XCTAssertEqual(
      ending(BlobTooLarge(id: blob, size: 20, limit: 10)),
      MLGitMain.Ending(status: 2, message: "mlgit: error: object 01234567 is 20 bytes, over the 10-byte limit"))
    XCTAssertEqual(ending(UnresolvablePath(path: "a.yaml", reason: .missing("a.yaml"), links: [])).status, 2)
    XCTAssertEqual(ending(PolicyLinkOutside(path: ".mlgit/config.yml", target: "docs/c.yml")).status, 2)
    XCTAssertEqual(ending(CommandFailure.usage("mlgit: bad")), MLGitMain.Ending(status: 2, message: "mlgit: bad"))
    XCTAssertEqual(ending(ValidationError("--range takes A..B")).status, 2)
  }

  func testPolicyErrorsAndReportedStatusesKeepTheirStatus() {
    XCTAssertEqual(
      ending(CommandFailure(status: .findings, message: "mlgit: you authored it")),
      MLGitMain.Ending(status: 1, message: "mlgit: you authored it"))
    // A status already reported (findings printed, a training run's own exit status).
    XCTAssertEqual(ending(ExitCode(1)), MLGitMain.Ending(status: 1, message: ""))
    XCTAssertEqual(ending(ExitCode(137)), MLGitMain.Ending(status: 137, message: ""))
  }

  /// Foundation's and the system's errors: exit 3, with the path and the system's reason.
  func testErrorsMLGitDidNotDefineExit3Readably() {
    XCTAssertThrowsError(try Data("x".utf8).write(to: URL(fileURLWithPath: "/nonexistent-mlgit-folder/key.pub"))) {
      error in
      XCTAssertEqual(
        self.ending(error),
        MLGitMain.Ending(
          status: 3, message: "mlgit: error: /nonexistent-mlgit-folder/key.pub: No such file or directory"))
    }
    XCTAssertEqual(
      ending(POSIXError(.ENOSPC)), MLGitMain.Ending(status: 3, message: "mlgit: error: No space left on device"))
    struct Unknown: Error, CustomStringConvertible { var description: String { "something broke" } }
    XCTAssertEqual(ending(Unknown()), MLGitMain.Ending(status: 3, message: "mlgit: error: something broke"))
  }

  func testParsingErrorsAreUsageAndHelpSucceeds() {
    XCTAssertThrowsError(try MLGit.parseAsRoot(["--no-such-option"])) { error in
      let ended = MLGitMain.parsingEnding(for: error)
      XCTAssertEqual(ended.status, 2)
      XCTAssertFalse(ended.toStandardOutput)
      XCTAssertTrue(ended.message.contains("--no-such-option"), ended.message)
    }
    // A command's own validation.
    XCTAssertThrowsError(try MLGit.parseAsRoot(["check", "--range", "main"])) { error in
      let ended = MLGitMain.parsingEnding(for: error)
      XCTAssertEqual(ended.status, 2)
      XCTAssertTrue(ended.message.hasPrefix("Error: --range takes A..B (two revisions), got 'main'"), ended.message)
    }
    let help = MLGitMain.parsingEnding(for: CleanExit.helpRequest(MLGit.self))
    XCTAssertEqual(help.status, 0)
    XCTAssertTrue(help.toStandardOutput)
    XCTAssertTrue(help.message.contains("USAGE: mlgit"), help.message)
  }

  /// `mlgit install --help` parses to a help command whose run throws the help.
  func testHelpThrownWhileRunningIsPrintedAndSucceeds() throws {
    var command = try MLGit.parseAsRoot(["install", "--help"])
    XCTAssertThrowsError(try command.run()) { error in
      let ended = MLGitMain.ending(for: error)
      XCTAssertEqual(ended.status, 0)
      XCTAssertTrue(ended.toStandardOutput)
      XCTAssertTrue(ended.message.contains("--force"), ended.message)
    }
  }

  /// Quoted inside another message (`"\(error)"`, `localizedDescription`), mlgit's errors
  /// read as their description, not Foundation's "The operation could not be completed".
  func testErrorsReadAsTheirDescriptionWhereverQuoted() {
    let errors: [Error] = [
      DocumentError("expected a mapping", at: SourceLocation(line: 2, column: 1)),
      GitError(message: "cannot read blob abc"),
      RunRecordError("bad metrics"),
      PolicyLoadError(path: "p.yml", error: DocumentError("bad", at: SourceLocation(line: 1, column: 1))),
      CommandFailure.usage("mlgit: bad usage"),
    ]
    for error in errors {
      XCTAssertEqual(error.localizedDescription, "\(error)")
      XCTAssertFalse(error.localizedDescription.contains("could not be completed"), error.localizedDescription)
    }
  }
}
