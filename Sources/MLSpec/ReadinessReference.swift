#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// One entry of a spec's `readiness:` block: an ML Test Score test (`data-1` … `monitor-7`)
/// and the document in the repository that records it being done by hand.
public struct ReadinessReference: Sendable, Equatable {
  public var test: String
  public var path: String
  public var location: SourceLocation

  public init(test: String, path: String, location: SourceLocation) {
    self.test = test
    self.path = path
    self.location = location
  }

  /// The test ids a `readiness:` key may name: the rubric's four sections of seven tests.
  /// Only the form is known here; titles and scoring live with the score table in MLPolicy.
  public static let sectionPrefixes = ["data", "model", "infra", "monitor"]
  public static let testsPerSection = 7

  public static func isTestID(_ text: String) -> Bool {
    guard let dash = text.lastIndex(of: "-") else { return false }
    let prefix = String(text[..<dash])
    let number = Int(text[text.index(after: dash)...]) ?? 0
    return sectionPrefixes.contains(prefix) && (1...testsPerSection).contains(number)
      && text[text.index(after: dash)...] == "\(number)"
  }

  /// Reads `readiness: {TEST: PATH, …}`: a mapping of test id to a repository-relative path.
  static func read(_ node: Node?, problems: inout [SchemaProblem]) -> [ReadinessReference] {
    guard let node, !node.isNull else { return [] }
    guard let pairs = node.pairs else {
      problems.append(
        SchemaProblem(
          "'readiness' must be a mapping of test id to document path, found \(node.typeDescription)",
          at: node.location, hint: "e.g. readiness: {model-2: docs/online-offline.md}"))
      return []
    }
    var references: [ReadinessReference] = []
    for (key, value) in pairs {
      let test = key.scalarText ?? ""
      guard isTestID(test) else {
        problems.append(
          SchemaProblem(
            "readiness: unknown test '\(test)'", at: key.location,
            hint: "test ids are data-1 … data-7, model-1 … model-7, infra-1 … infra-7, monitor-1 … monitor-7"))
        continue
      }
      guard let path = value.string, !path.isEmpty else {
        problems.append(
          SchemaProblem(
            "readiness: '\(test)' must be a document path, found \(value.typeDescription)",
            at: value.location, hint: "e.g. \(test): docs/\(test).md"))
        continue
      }
      if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
        problems.append(
          SchemaProblem(
            "readiness: '\(test)' path '\(path)' must stay inside the repository", at: value.location,
            hint: "give a path relative to the repository's root, e.g. docs/\(test).md"))
        continue
      }
      references.append(ReadinessReference(test: test, path: path, location: value.location))
    }
    return references
  }
}
