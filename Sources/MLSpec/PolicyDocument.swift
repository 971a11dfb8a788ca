import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// How seriously a rule's findings are taken.
public enum Severity: String, Sendable, Comparable, CaseIterable {
  case off, note, warning, error

  public static func < (lhs: Severity, rhs: Severity) -> Bool {
    let order: [Severity] = [.off, .note, .warning, .error]
    return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
  }
}

/// One rule's entry under `rules:`: a bare severity or `{severity: …, option: …}`.
public struct RuleSetting: Sendable {
  public var severity: Severity?
  public var options: [String: Node]
  /// Where each option's name is written, for errors about the name itself.
  public var optionLocations: [String: SourceLocation] = [:]
  public var location: SourceLocation

  public init(severity: Severity?, options: [String: Node] = [:], location: SourceLocation = .start) {
    self.severity = severity
    self.options = options
    self.location = location
  }
}

/// A named exception: one feature allowed for one model, with a written reason.
public struct FeatureAllowance: Sendable, Equatable {
  public var model: String
  public var feature: String
  public var justification: String
  public var location: SourceLocation
}

/// A policy document: `.mlgit/config.yml` or a shipped pack in `policies/`.
public struct PolicyDocument: Sendable {
  public var name: String?
  public var description: String?
  public var extends: [String] = []
  public var specs: [String]?
  public var data: [String]?
  public var protectedBranches: [String]?
  public var reviewers: [String]?
  public var rules: [String: RuleSetting] = [:]
  /// category -> names (and their synonyms).
  public var protectedAttributes: [String: [String]] = [:]
  /// category -> names that can reveal it.
  public var proxies: [String: [String]] = [:]
  public var sources: [String: String] = [:]
  public var allowances: [FeatureAllowance] = []
  public var requireSignedReviews: Bool?
  public var syncOnPush: Bool?
  /// Top-level keys this document sets, for `mlgit policy show`.
  public var root: Node?

  public init() {}

  static let knownKeys = [
    "apiVersion", "name", "description", "extends", "specs", "data", "protected_branches", "reviewers", "rules",
    "protected_attributes", "proxies", "sources", "exceptions", "require_signed_reviews", "sync_on_push",
  ]

  /// Parses and checks a policy document; any problem is fatal (exit 2), with its location.
  public static func parse(_ data: Data) throws -> PolicyDocument {
    try read(try Document.parse(data))
  }

  /// Checks a policy document already parsed.
  public static func read(_ root: Node) throws -> PolicyDocument {
    guard let pairs = root.pairs else {
      throw DocumentError("a policy must be a mapping, found \(root.typeDescription)", at: root.location)
    }
    var doc = PolicyDocument()
    doc.root = root
    for (key, value) in pairs {
      let text = key.scalarText ?? ""
      switch text {
      case "apiVersion":
        guard value.string == ModelSpec.apiVersion else {
          throw DocumentError("apiVersion must be '\(ModelSpec.apiVersion)'", at: value.location)
        }
      case "name": doc.name = try string(value, text)
      case "description": doc.description = try string(value, text)
      case "extends":
        if let single = value.string { doc.extends = [single] } else { doc.extends = try strings(value, text) }
      case "specs": doc.specs = try strings(value, text)
      case "data": doc.data = try strings(value, text)
      case "protected_branches": doc.protectedBranches = try strings(value, text)
      case "reviewers": doc.reviewers = try strings(value, text)
      case "rules": doc.rules = try rules(value)
      case "protected_attributes": doc.protectedAttributes = try categories(value, text)
      case "proxies": doc.proxies = try categories(value, text)
      case "sources":
        guard let entries = value.pairs else { throw DocumentError("'sources' must be a mapping", at: value.location) }
        for (k, v) in entries { doc.sources[k.scalarText ?? ""] = try string(v, "sources.\(k.scalarText ?? "")") }
      case "exceptions": doc.allowances = try allowances(value)
      case "require_signed_reviews": doc.requireSignedReviews = try bool(value, text)
      case "sync_on_push": doc.syncOnPush = try bool(value, text)
      default:
        let hint = ModelSpec.closest(text, in: knownKeys).map { "did you mean '\($0)'?" }
        throw DocumentError("unknown setting '\(text)'", at: key.location, hint: hint)
      }
    }
    return doc
  }

  static func string(_ node: Node, _ key: String) throws -> String {
    guard let text = node.string else {
      throw DocumentError("'\(key)' must be a string, found \(node.typeDescription)", at: node.location)
    }
    return text
  }

  static func bool(_ node: Node, _ key: String) throws -> Bool {
    guard let value = node.bool else {
      throw DocumentError("'\(key)' must be true or false, found \(node.typeDescription)", at: node.location)
    }
    return value
  }

  static func strings(_ node: Node, _ key: String) throws -> [String] {
    guard let items = node.items else {
      throw DocumentError("'\(key)' must be a list of strings, found \(node.typeDescription)", at: node.location)
    }
    return try items.map { item in
      guard let text = item.string ?? (item.scalarType == .int ? item.scalarText : nil) else {
        throw DocumentError("an entry of '\(key)' must be a string, found \(item.typeDescription)", at: item.location)
      }
      return text
    }
  }

  static func categories(_ node: Node, _ key: String) throws -> [String: [String]] {
    guard let pairs = node.pairs else {
      throw DocumentError(
        "'\(key)' must map a category to a list of names, found \(node.typeDescription)", at: node.location)
    }
    var out: [String: [String]] = [:]
    for (k, v) in pairs { out[k.scalarText ?? "", default: []] += try strings(v, "\(key).\(k.scalarText ?? "")") }
    return out
  }

  static func severity(_ node: Node, rule: String) throws -> Severity {
    guard let text = node.scalarText, let severity = Severity(rawValue: text.lowercased()) else {
      throw DocumentError(
        "rule '\(rule)': severity must be error, warning, note or off, found '\(node.scalarText ?? node.typeDescription)'",
        at: node.location)
    }
    return severity
  }

  static func rules(_ node: Node) throws -> [String: RuleSetting] {
    guard let pairs = node.pairs else {
      throw DocumentError(
        "'rules' must map rule ids to a severity or settings, found \(node.typeDescription)", at: node.location)
    }
    var out: [String: RuleSetting] = [:]
    for (key, value) in pairs {
      let id = key.scalarText ?? ""
      if value.scalarText != nil {
        out[id] = RuleSetting(severity: try severity(value, rule: id), location: key.location)
      } else if let settings = value.pairs {
        var setting = RuleSetting(severity: nil, location: key.location)
        for (k, v) in settings {
          if k.scalarText == "severity" {
            setting.severity = try severity(v, rule: id)
          } else {
            setting.options[k.scalarText ?? ""] = v
            setting.optionLocations[k.scalarText ?? ""] = k.location
          }
        }
        out[id] = setting
      } else {
        throw DocumentError(
          "rule '\(id)' must be a severity or a mapping, found \(value.typeDescription)", at: value.location)
      }
    }
    return out
  }

  static func allowances(_ node: Node) throws -> [FeatureAllowance] {
    guard let items = node.items else {
      throw DocumentError("'exceptions' must be a list of {model, feature, justification}", at: node.location)
    }
    return try items.map { item in
      guard item.pairs != nil else {
        throw DocumentError(
          "an exception must be {model, feature, justification}, found \(item.typeDescription)", at: item.location)
      }
      func field(_ name: String) throws -> String {
        guard let text = item[name]?.string, !text.trimmingWhitespace().isEmpty else {
          throw DocumentError(
            "an exception needs a non-empty '\(name)'", at: item[name]?.location ?? item.location,
            hint: name == "justification" ? "write why this feature is acceptable for this model" : nil)
        }
        return text
      }
      return FeatureAllowance(
        model: try field("model"), feature: try field("feature"),
        justification: try field("justification"), location: item.location)
    }
  }
}
