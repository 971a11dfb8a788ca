import Foundation
import XCTest

/// `mlgit audit --format html` on text chosen by whoever commits or pushes notes: a commit
/// summary with a bidi override, and a run record whose `commit` field holds markup.
final class AuditHTMLEscapingTests: XCTestCase {
  func testBidiControlsAndMarkupFromTheRepositoryAreShownNotObeyed() throws {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec(extra: "validation:\n  metrics:\n    auc: {min: 0.78}\n"))
    repo.write("metrics.json", "{\"auc\": 0.8}\n")
    repo.write(".gitignore", "metrics.json\n")
    repo.stage()
    repo.commitFixture("approved \u{202E}devorppa ton\u{2066}")
    XCTAssertEqual(repo.mlgit("run", "record", "--spec", "models/credit.yaml", "--metrics", "metrics.json").status, 0)
    // The run's note rewritten with stock git, as anyone with push access to the notes can.
    let line = try XCTUnwrap(repo.runLines().first)
    let forged = line.replacingOccurrences(
      of: "\"commit\":\"\(repo.head)\"", with: "\"commit\":\"<script>alert(1)</script>\"")
    XCTAssertNotEqual(forged, line)
    XCTAssertEqual(repo.git("notes", "--ref=mlgit/runs", "add", "-f", "-m", forged, "HEAD").status, 0)

    let result = repo.mlgit("audit", "--format", "html")
    XCTAssertEqual(result.status, 0, result.output)
    let html = result.stdout
    XCTAssertTrue(html.contains("<div class=\"summary\">approved \\u{202E}devorppa ton\\u{2066}</div>"), html)
    for scalar in html.unicodeScalars {
      XCTAssertFalse(
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value),
        "U+\(String(scalar.value, radix: 16, uppercase: true)) reached the page")
    }
    // The run is drawn at its (forged) commit, escaped in the point's title and the axis.
    XCTAssertTrue(html.contains("<circle class=\"pass\""), html)
    XCTAssertFalse(html.contains("<script"), html)
    XCTAssertTrue(html.contains("(&lt;script&gt;): auc 0.8</title>"), html)
    XCTAssertTrue(html.contains(">&lt;script</text>"), html)
  }
}
