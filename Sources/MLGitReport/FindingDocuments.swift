#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLPolicy

/// The JSON documents of `mlgit check --format json` and `--format sarif`, written by
/// `SortedJSON` (JSONEncoder, keys sorted).
enum FindingDocuments {
  /// `--format json`: what was checked, the counts, and each finding.
  struct Findings: Encodable {
    var checked: String
    var errors: Int
    var warnings: Int
    var findings: [Item]
  }

  struct Item: Encodable {
    var rule: String
    var severity: String
    var path: String
    var line: Int
    var column: Int
    var message: String
    var commit: String?
    var hint: String?

    enum CodingKeys: String, CodingKey {
      case rule, severity, path, line, column, message, commit, hint
    }

    /// `commit` and `hint` are written as null when absent, not left out.
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(rule, forKey: .rule)
      try container.encode(severity, forKey: .severity)
      try container.encode(path, forKey: .path)
      try container.encode(line, forKey: .line)
      try container.encode(column, forKey: .column)
      try container.encode(message, forKey: .message)
      try container.encode(commit, forKey: .commit)
      try container.encode(hint, forKey: .hint)
    }
  }

  /// SARIF 2.1.0, the parts mlgit writes.
  struct SARIF: Encodable {
    var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    var version = "2.1.0"
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
  }

  struct Run: Encodable {
    var tool: Tool
    var results: [Result]
  }

  struct Tool: Encodable {
    var driver: Driver
  }

  struct Driver: Encodable {
    var name = "mlgit"
    var version: String
    var rules: [Rule]
  }

  struct Rule: Encodable {
    var id: String
    var name: String
    var shortDescription: Text
    /// Only for built-in rules, which have a rationale.
    var fullDescription: Text?
    var help: Help
    var defaultConfiguration: Configuration
  }

  struct Text: Encodable {
    var text: String
  }

  struct Help: Encodable {
    var text: String
    var markdown: String?
  }

  struct Configuration: Encodable {
    var level: String
  }

  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int?
    var partialFingerprints: [String: String]
    var level: String
    var message: Text
    var locations: [Location]
    var properties: Properties?
  }

  struct Location: Encodable {
    var physicalLocation: PhysicalLocation
  }

  struct PhysicalLocation: Encodable {
    var artifactLocation: ArtifactLocation
    var region: Region
  }

  struct ArtifactLocation: Encodable {
    var uri: String
  }

  struct Region: Encodable {
    var startLine: Int
    var startColumn: Int
  }

  struct Properties: Encodable {
    var commit: String
  }
}
