import Foundation
import MLPolicy
import MLSpec
import XCTest

@testable import MLGitReport

/// `mlgit check --format json` and `--format sarif`, written from Codable documents by
/// JSONEncoder, byte for byte as they were written from dictionaries by
/// JSONSerialization (the reference below): keys sorted, slashes as they are, nulls where
/// a finding has no commit or hint.
final class FindingDocumentsTests: XCTestCase {
  let findings: [Finding] = [
    Finding(
      rule: "features/protected", severity: .error, message: "feature zip is protected", path: "models/a b.yaml",
      location: SourceLocation(line: 3, column: 5), hint: "remove it / ask"),
    Finding(
      rule: "runs/required", severity: .warning, message: "no run \"quoted\" \u{1}\u{7f} é 中 \u{2028}",
      path: "models/ü.yaml", location: SourceLocation(line: 0, column: 0), commit: "0123456789abcdef"),
    Finding(rule: "team/our-check", severity: .note, message: "tab\there\nnewline\\", path: "x", commit: "abc"),
  ]

  func reporter(_ format: OutputFormat) -> FindingReporter {
    FindingReporter(format: format, colour: false, toolVersion: "9.9.9")
  }

  func testJSONIsWhatJSONSerializationWrote() {
    for subset in [[], Array(findings.prefix(1)), findings] {
      XCTAssertEqual(reporter(.json).render(subset, checked: "HEAD /x"), Self.referenceJSON(subset, checked: "HEAD /x"))
    }
  }

  func testSARIFIsWhatJSONSerializationWrote() {
    for subset in [[], Array(findings.prefix(1)), findings] {
      XCTAssertEqual(reporter(.sarif).render(subset, checked: ""), Self.referenceSARIF(subset, toolVersion: "9.9.9"))
    }
  }

  // MARK: The former writers

  static func serialize(_ object: Any) -> String {
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  static func referenceJSON(_ findings: [Finding], checked: String) -> String {
    let items: [[String: Any]] = findings.map { f in
      [
        "rule": f.rule, "severity": f.severity.rawValue, "path": f.path, "line": f.line, "column": f.column,
        "message": f.message, "commit": f.commit as Any? ?? NSNull(), "hint": f.hint as Any? ?? NSNull(),
      ]
    }
    return serialize([
      "checked": checked,
      "errors": findings.filter { $0.severity == .error }.count,
      "warnings": findings.filter { $0.severity == .warning }.count,
      "findings": items,
    ])
  }

  static func referenceSARIF(_ findings: [Finding], toolVersion: String) -> String {
    let rules = RuleRegistry.builtInRules.map { type(of: $0).description }
    var ruleObjects: [[String: Any]] = rules.map { d in
      [
        "id": d.id, "name": d.id,
        "shortDescription": ["text": d.summary], "fullDescription": ["text": d.rationale],
        "help": [
          "text": "\(d.summary)\n\n\(d.rationale)\n\nOptions and examples: mlgit policy explain \(d.id)",
          "markdown": "**\(d.summary)**\n\n\(d.rationale)\n\nOptions and examples: `mlgit policy explain \(d.id)`",
        ],
        "defaultConfiguration": ["level": FindingReporter.sarifLevel(d.defaultSeverity)],
      ]
    }
    var ids = rules.map(\.id)
    for id in Set(findings.map(\.rule)).subtracting(ids).sorted() where TeamRule.prefix(of: id) != nil {
      ids.append(id)
      ruleObjects.append([
        "id": id, "name": id,
        "shortDescription": ["text": "team rule \(id), declared in the repository's policy"],
        "help": ["text": "mlgit policy explain \(id)"],
        "defaultConfiguration": ["level": FindingReporter.sarifLevel(.error)],
      ])
    }
    let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    let results: [[String: Any]] = findings.map { f in
      var result: [String: Any] = [
        "ruleId": f.rule,
        "partialFingerprints": ["mlgitFinding/v1": FindingReporter.fingerprint(f)],
        "level": FindingReporter.sarifLevel(f.severity),
        "message": ["text": f.hint.map { "\(f.message). Hint: \($0)" } ?? f.message],
        "locations": [
          [
            "physicalLocation": [
              "artifactLocation": [
                "uri": f.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? f.path
              ],
              "region": ["startLine": max(1, f.line), "startColumn": max(1, f.column)],
            ]
          ]
        ],
      ]
      if let i = index[f.rule] { result["ruleIndex"] = i }
      if let commit = f.commit { result["properties"] = ["commit": commit] }
      return result
    }
    return serialize([
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
      "version": "2.1.0",
      "runs": [
        [
          "tool": ["driver": ["name": "mlgit", "version": toolVersion, "rules": ruleObjects]],
          "results": results,
        ]
      ],
    ])
  }
}
