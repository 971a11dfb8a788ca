import Foundation
import XCTest

/// The README's "A model that scores 3": its commands, taken from README.md itself so the
/// page cannot drift from what mlgit does, run in a temporary folder; the model must score
/// at least 3 with every section at least 3, and print the lines the README shows.
final class ReadmeScoreTests: XCTestCase {
  static let marker = "<!-- readme-score-example -->"

  /// The `sh` block after the marker, and the lines of the plain block after that.
  static func example() throws -> (commands: String, expected: [String]) {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    guard let marked = text.range(of: marker) else {
      throw ReadmeExample.missing("README.md lost its \(marker) marker")
    }
    var blocks: [String] = []
    var current: [String]?
    for line in text[marked.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        if let done = current {
          blocks.append(done.joined(separator: "\n"))
          current = nil
          if blocks.count == 2 { break }
        } else {
          current = []
        }
      } else {
        current?.append(String(line))
      }
    }
    guard blocks.count == 2 else {
      throw ReadmeExample.missing("README.md has no command block and output block after the marker")
    }
    return (blocks[0] + "\n", blocks[1].split(separator: "\n").map(String.init))
  }

  func testTheReadmesStrictExampleScoresAtLeastThree() throws {
    let (commands, expected) = try ReadmeScoreTests.example()
    XCTAssertTrue(commands.contains("extends: [strict]"), "the example must use the strict pack:\n\(commands)")
    XCTAssertFalse(expected.isEmpty)
    let folder = TempRepository()
    let bin = URL(fileURLWithPath: Shell.mlgit).deletingLastPathComponent().path
    let environment = ["PATH": "\(bin):/usr/local/bin:/usr/bin:/bin"]
    let run = Shell.run("/bin/bash", ["-e", "-c", commands], in: folder.root, environment: environment)
    XCTAssertEqual(run.status, 0, "the README's commands failed:\n\(run.output)")
    let printed = Set(run.stdout.split(separator: "\n").map(String.init))
    for line in expected {
      XCTAssertTrue(printed.contains(line), "mlgit score did not print the README's line\n\(line)\nin\n\(run.stdout)")
    }

    let scored = folder.root + "/scored"
    let json = Shell.run(Shell.mlgit, ["score", "--format", "json"], in: scored, environment: environment)
    XCTAssertEqual(json.status, 0, json.output)
    let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let models = try XCTUnwrap(document["models"] as? [[String: Any]])
    XCTAssertEqual(models.count, 1)
    let model = try XCTUnwrap(models.first)
    XCTAssertEqual(model["name"] as? String, "credit-risk")
    let score = try XCTUnwrap(model["score"] as? Double)
    XCTAssertGreaterThanOrEqual(score, 3, json.stdout)
    let sections = try XCTUnwrap(model["sections"] as? [[String: Any]])
    XCTAssertEqual(sections.compactMap { $0["id"] as? String }, ["data", "model", "infrastructure", "monitoring"])
    for section in sections {
      XCTAssertGreaterThanOrEqual(section["score"] as? Double ?? 0, 3, "section \(section["id"] ?? "?") below 3")
    }
    // The full points come from the strict pack's rules, data-1 from data/schema.
    let tests = sections.flatMap { $0["tests"] as? [[String: Any]] ?? [] }
    let dataSchema = try XCTUnwrap(tests.first { $0["id"] as? String == "data-1" })
    XCTAssertEqual(dataSchema["points"] as? Double, 1)
    let rules = (dataSchema["evidence"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    XCTAssertEqual(rules, ["data/schema"])

    // The bar holds in CI too.
    XCTAssertEqual(
      Shell.run(Shell.mlgit, ["score", "--min-score", "3"], in: scored, environment: environment).status, 0)
  }
}

/// The README no longer holds the example the test runs: a failure, never a skip.
enum ReadmeExample: Error {
  case missing(String)
}
