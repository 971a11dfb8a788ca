import Foundation
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitReport

/// Every text from a repository reaches the pages escaped: markup as entities, bidi
/// controls as visible escapes.
final class HTMLTextTests: XCTestCase {
  func testMarkupCharactersBecomeEntities() {
    XCTAssertEqual(HTMLText.escape(#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    XCTAssertEqual(HTMLText.escape("plain text, été 🧑‍💻"), "plain text, été 🧑‍💻")
  }

  /// U+202A-U+202E (embeddings, overrides) and U+2066-U+2069 (isolates) are shown, not obeyed.
  func testBidiControlsAreShownNotObeyed() {
    let controls: [UInt32] = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
    for value in controls {
      let scalar = Unicode.Scalar(value)!
      let escaped = HTMLText.escape("a\(Character(scalar))b")
      XCTAssertEqual(escaped, "a\\u{\(String(value, radix: 16, uppercase: true))}b")
      XCTAssertFalse(escaped.unicodeScalars.contains(scalar))
    }
    // Neighbours that change no order are left alone (ZWJ inside emoji, the LRM mark).
    XCTAssertEqual(HTMLText.escape("\u{2029}\u{200D}\u{200E}\u{206A}"), "\u{2029}\u{200D}\u{200E}\u{206A}")
  }

  /// A commit summary with a right-to-left override would show the cells after it in the
  /// other order: the page shows the escape instead, in the row and everywhere else.
  func testTheAuditPageHasNoBidiControlFromTheRepository() {
    var report = AuditBookkeepingTests.report()
    report.models[0].changes[0].summary = "approved \u{202E}devorppa ton"
    report.models[0].changes[0].author = "mallory\u{2067}"
    report.models[0].name = "a\u{202D}"
    report.bypasses[0].summary = "x\u{2066}y"
    let html = AuditHTML.render(report)
    for scalar in html.unicodeScalars {
      XCTAssertFalse(
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value),
        "U+\(String(scalar.value, radix: 16))")
    }
    XCTAssertTrue(html.contains("<div class=\"summary\">approved \\u{202E}devorppa ton</div>"), html)
    XCTAssertTrue(html.contains("<td>mallory\\u{2067}</td>"), html)
    XCTAssertTrue(html.contains("<td>x\\u{2066}y</td>"), html)
  }

  /// A run's `commit` comes from the notes, unchecked: it is text like any other.
  func testARunsRecordedCommitIsEscapedInTheCharts() throws {
    var report = AuditBookkeepingTests.report()
    let spec = ModelSpec.read(
      try Document.parse(Data("apiVersion: mlgit/v1\nname: a\nvalidation:\n  metrics:\n    auc: {min: 0.5}\n".utf8))
    ).spec
    report.models[0].changes[0].bounds = try XCTUnwrap(spec?.metrics)
    XCTAssertEqual(report.models[0].changes[0].bounds.map(\.metric), ["auc"])
    report.models[0].changes[0].runs[0].commit = "<script>alert(1)</script>"
    let html = AuditHTML.render(report)
    XCTAssertFalse(html.contains("<script"), html)
    XCTAssertTrue(html.contains("(&lt;script&gt;): auc 0.9</title>"), html)
    XCTAssertTrue(html.contains(">&lt;script</text>"), html)
  }

  func testScorePageEscapesTheModelAndPath() throws {
    var report = ScoreReport(
      generated: "now", repository: "/r/<x>", revision: "HEAD\u{202E}", commit: "abc", policySources: ["default"])
    let policy = try EffectivePolicy.load(config: nil)
    report.models = [
      ScoreGrader.grade(ScoreFacts(model: "<m>", specPath: "models/\"q\".yaml", commit: "abc", policy: policy))
    ]
    let html = ScoreHTML.render(report)
    XCTAssertTrue(html.contains("<title>mlgit score: &lt;x&gt;</title>"), html)
    XCTAssertTrue(html.contains("<p class=\"meta\">HEAD\\u{202E} · "), html)
    XCTAssertTrue(html.contains("<h2>&lt;m&gt; <span class=\"version\"> · models/&quot;q&quot;.yaml · score "), html)
    XCTAssertFalse(html.contains("<m>"))
  }
}
