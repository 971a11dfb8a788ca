import Foundation
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitReport

/// The check reporters: SARIF fingerprints that survive moved lines, and GitHub workflow
/// commands that no finding's text can break out of.
final class FindingReporterTests: XCTestCase {
  func finding(
    line: Int = 3, path: String = "models/a.yaml", message: String = "feature zip is protected",
    rule: String = "features/protected", severity: Severity = .error, commit: String? = nil,
    hint: String? = nil
  ) -> Finding {
    Finding(
      rule: rule, severity: severity, message: message, path: path,
      location: SourceLocation(line: line, column: 5), commit: commit, hint: hint)
  }

  func reporter(_ format: OutputFormat) -> FindingReporter {
    FindingReporter(format: format, colour: false, toolVersion: "9.9.9")
  }

  /// sha256 of rule, path and message joined by NULs (`printf 'features/protected\0models/a.yaml\0feature zip is protected' | sha256sum`):
  /// a change to what goes in would close every alert a team has and open new ones.
  func testFingerprintIsTheHashOfRulePathAndMessage() {
    XCTAssertEqual(
      FindingReporter.fingerprint(finding()), "649a494df2423a63676082477e9bcd241ce597433c44cc63354d33652e54ec93")
  }

  func testFingerprintIgnoresTheLineAndColumnButNotTheRestOfTheFinding() {
    let base = FindingReporter.fingerprint(finding())
    XCTAssertEqual(FindingReporter.fingerprint(finding(line: 40)), base)
    XCTAssertEqual(FindingReporter.fingerprint(finding(commit: "0123abcd", hint: "remove it")), base)
    XCTAssertNotEqual(FindingReporter.fingerprint(finding(message: "feature zip is protected!")), base)
    XCTAssertNotEqual(FindingReporter.fingerprint(finding(path: "models/b.yaml")), base)
    XCTAssertNotEqual(FindingReporter.fingerprint(finding(rule: "features/removed")), base)
    // The separator keeps fields apart: moving text from the path to the message changes it.
    XCTAssertNotEqual(
      FindingReporter.fingerprint(finding(path: "a", message: "bc")),
      FindingReporter.fingerprint(finding(path: "ab", message: "c")))
  }

  func testSARIFResultsCarryTheFingerprintWhateverTheLine() throws {
    func result(_ f: Finding) throws -> [String: Any] {
      let text = reporter(.sarif).render([f], checked: "staged changes")
      let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let run = try XCTUnwrap((document["runs"] as? [[String: Any]])?.first)
      XCTAssertEqual(
        (run["tool"] as? [String: Any]).flatMap { $0["driver"] as? [String: Any] }?["version"] as? String, "9.9.9")
      return try XCTUnwrap((run["results"] as? [[String: Any]])?.first)
    }
    let before = try result(finding(line: 3))
    let after = try result(finding(line: 9))
    XCTAssertEqual(
      before["partialFingerprints"] as? [String: String],
      ["mlgitFinding/v1": "649a494df2423a63676082477e9bcd241ce597433c44cc63354d33652e54ec93"])
    XCTAssertEqual(
      before["partialFingerprints"] as? [String: String], after["partialFingerprints"] as? [String: String])
    XCTAssertEqual(before["ruleId"] as? String, "features/protected")
    XCTAssertEqual(before["level"] as? String, "error")
  }

  /// One line a finding; `%`, CR and LF percent-encoded everywhere, `:` and `,` too in
  /// properties, terminal controls escaped: a message cannot start a command of its own.
  func testGitHubCommandsEncodeWhatTheRunnerDecodes() {
    let hostile = finding(
      line: 0, path: "models/a,b:c.yaml", message: "50% off\r\n::error::forged\u{1B}[2K",
      rule: "team/x:y", severity: .warning, commit: "0123456789abcdef", hint: "see\nthis")
    let out = reporter(.github).render([hostile], checked: "HEAD")
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.count, 3, out)  // the command, the summary, and the final newline
    XCTAssertEqual(
      String(lines[0]),
      "::warning file=models/a%2Cb%3Ac.yaml,line=1,col=5,title=team/x%3Ay::01234567: 50%25 off\\r\\n::error::forged\\u{1B}[2K%0Ahint: see\\nthis"
    )
    XCTAssertEqual(String(lines[1]), "mlgit: HEAD: 0 errors, 1 warning")
  }

  func testGitHubSeverities() {
    let out = reporter(.github).render([finding(severity: .error), finding(severity: .note)], checked: "x")
    XCTAssertTrue(
      out.hasPrefix(
        "::error file=models/a.yaml,line=3,col=5,title=features/protected::feature zip is protected\n"
          + "::notice file="), out)
    XCTAssertTrue(out.hasSuffix("mlgit: x: 1 error, 0 warnings\n"), out)
  }

  func testTextEscapesControlsAndColoursOnlyWhenAsked() {
    let f = finding(message: "bad\u{1B}[31m", hint: "fix\u{202E}it")
    let plain = reporter(.text).render([f], checked: "staged")
    XCTAssertEqual(
      plain,
      "models/a.yaml:3:5: error: bad\\u{1B}[31m [features/protected]\n  hint: fix\\u{202E}it\n"
        + "mlgit: staged: 1 error, 0 warnings\n")
    let coloured = FindingReporter(format: .text, colour: true, toolVersion: "1").render([f], checked: "staged")
    XCTAssertTrue(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"), coloured)
    XCTAssertTrue(coloured.contains("bad\\u{1B}[31m"), coloured)
  }
}
