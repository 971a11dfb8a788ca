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
    clone.commitFile(
      ".mlgit/config.yml",
      """
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
    XCTAssertTrue(
      push.stderr.contains(
        "remote: \(bad.prefix(8)): \(deep)/model.yaml:3:10: error: version must be a semantic version string, found a number '1.4' [spec/schema]"
      ),
      push.stderr)
    XCTAssertTrue(push.stderr.contains("pre-receive hook declined"), push.stderr)
    XCTAssertNil(remote.revParse("refs/heads/topic"))
  }

  // MARK: look-alike names

  func testLookAlikeSpellingsOfProtectedNamesAreReported() {
    let (remote, clone) = makeServer()
    // Fullwidth letters are `race` under NFKC; the Cyrillic 'а' (U+0430) only looks like 'a'.
    let bad = clone.commitFile(
      "models/credit.yaml", Fixtures.spec(version: "1.5.0", features: ["income", "ｒａｃｅ", "r\u{0430}ce"]), "look-alikes")
    let local = clone.mlgit("check", "HEAD")
    XCTAssertEqual(local.status, 1, local.output)
    let fullwidth =
      "models/credit.yaml:8:5: error: feature 'ｒａｃｅ' is the protected attribute 'race' [features/protected]"
    let cyrillic =
      "models/credit.yaml:9:5: error: feature 'r\u{0430}ce' is the protected attribute 'race' spelt with look-alike letters: Cyrillic '\u{0430}' (U+0430) for 'a' [features/protected]"
    XCTAssertTrue(local.stdout.contains("\(bad.prefix(8)): \(fullwidth)"), local.stdout)
    XCTAssertTrue(local.stdout.contains("\(bad.prefix(8)): \(cyrillic)"), local.stdout)
    let push = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(push.stderr.contains("remote: \(bad.prefix(8)): \(fullwidth)"), push.stderr)
    XCTAssertTrue(push.stderr.contains("remote: \(bad.prefix(8)): \(cyrillic)"), push.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), bad)
  }

  /// Asserts that `text` holds no character a terminal would act on (tabs separate listing columns).
  func assertNoRawControls(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
    let raw = text.unicodeScalars.filter {
      ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}"
    }
    XCTAssertTrue(
      raw.isEmpty, "raw control characters \(raw.map { String($0.value, radix: 16) }) in: \(text.debugDescription)",
      file: file, line: line)
  }

  func testControlCharactersInSpecKeysAreEscapedInFindingsAndReviewDiff() throws {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    // A key that erases its own line (ESC[2K) and returns to its start (CR) would let the
    // next line stand where the change was; U+202E shows what follows reversed.
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.4.1",
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 6\n  seed: 42\n  \"seed\\e[2K\\r\": 43\n",
        extra: "\"note\\e[2K\\r\\u202Ex\": 1\n"))
    repo.stage()
    let staged = repo.mlgit("check", "--staged")
    XCTAssertEqual(staged.status, 1, staged.output)
    assertNoRawControls(staged.output)
    XCTAssertTrue(
      staged.stdout.contains(
        #"models/credit.yaml:14:1: error: unknown field 'note\u{1B}[2K\r\u{202E}x' [spec/schema]"#), staged.stdout)
    XCTAssertTrue(
      staged.stdout.contains(#"models/credit.yaml:13:3: warning: hyperparameters changed (+seed\u{1B}[2K\r 43)"#),
      staged.stdout)

    // JSON keeps the key as it is: JSON escapes it itself.
    let json = repo.mlgit("check", "--staged", "--format", "json")
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let messages = (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    XCTAssertTrue(messages.contains("unknown field 'note\u{1B}[2K\r\u{202E}x'"), "\(messages)")

    let commit = repo.commitFixture("crafted keys")
    let diff = repo.mlgit("review", "diff", commit)
    XCTAssertEqual(diff.status, 0, diff.output)
    assertNoRawControls(diff.output)
    XCTAssertTrue(diff.stdout.contains(#"  + seed\u{1B}[2K\r  43"#), diff.stdout)
    let status = repo.mlgit("review", "status", commit)
    assertNoRawControls(status.output)
    XCTAssertTrue(status.stdout.contains(#"+seed\u{1B}[2K\r 43"#), status.stdout)
    let history = repo.mlgit("check", commit)
    XCTAssertEqual(history.status, 1, history.output)
    assertNoRawControls(history.output)
    XCTAssertTrue(
      history.stdout.contains(
        "\(commit.prefix(8)): "
          + #"models/credit.yaml:14:1: error: unknown field 'note\u{1B}[2K\r\u{202E}x' [spec/schema]"#), history.stdout)
    let audit = repo.mlgit("audit")
    assertNoRawControls(audit.output)
    XCTAssertTrue(audit.stdout.contains(#"hyperparameter seed\u{1B}[2K\r: (absent) -> 43"#), audit.stdout)
  }

  func testControlCharactersInRunRecordsAreEscapedInListings() {
    let repo = TempRepository()
    let head = repo.commitFile("a.txt", "a\n", "first")
    // Anyone who can push refs/notes/mlgit/runs writes these lines.
    let line =
      #"{"command":"sh -c \u001b[2K\rtrain","commit":"\#(head)","data":{},"dirty":false,"exit":0,"finished":"2026-01-01T00:00:01Z","host":"h","id":"r1","metrics":{"auc\u001b[1A":0.5},"model":"m\r\u009b2K","params":{},"schema":"mlgit.run/1","started":"2026-01-01T00:00:00Z","user":"u"}"#
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "add", "-m", line, head).status, 0)
    let list = repo.mlgit("runs")
    XCTAssertEqual(list.status, 0, list.output)
    assertNoRawControls(list.output)
    XCTAssertTrue(
      list.stdout.contains(
        "r1\t\(head.prefix(8))\t" + #"m\r\u{9B}2K"# + "\t2026-01-01T00:00:00Z\t0\tno\t-\t" + #"auc\u{1B}[1A=0.5"#),
      list.stdout)
    let show = repo.mlgit("runs", "show", "r1")
    XCTAssertEqual(show.status, 0, show.output)
    assertNoRawControls(show.output)
    XCTAssertTrue(show.stdout.contains(#"command  sh -c \u{1B}[2K\rtrain"#), show.stdout)
  }
}
