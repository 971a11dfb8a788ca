import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A problem found while reading a spec or a policy document against its schema.
public struct SchemaProblem: Sendable, Equatable {
  public var message: String
  public var location: SourceLocation
  public var hint: String?
  /// The top-level key of an "unknown field" problem: a policy may know it (a team's rule checks it).
  public var unknownField: String?

  public init(_ message: String, at location: SourceLocation, hint: String? = nil, unknownField: String? = nil) {
    self.message = message
    self.location = location
    self.hint = hint
    self.unknownField = unknownField
  }
}

/// A named item of a spec with where it was written (a feature, a sensitive attribute).
public struct LocatedName: Sendable, Equatable {
  public var name: String
  public var location: SourceLocation
  public init(name: String, location: SourceLocation) {
    self.name = name
    self.location = location
  }
}

/// Where a spec's hyperparameters come from.
public enum HyperparameterSource: Sendable {
  /// Written in the spec.
  case inline(Node)
  /// `hyperparameters: {from: params.yaml, key: train}`: a DVC-style parameters file.
  case file(path: String, key: String?, location: SourceLocation)
}

/// A data file the spec declares, with its expected hash.
public struct DataReference: Sendable, Equatable {
  public var name: String
  public var path: String
  public var sha256: String?
  public var location: SourceLocation
  /// `schema:`: the columns (and types, ranges) the file must hold; rule `data/schema`.
  public var schema: DataSchema?
}

/// The bar a run must meet: `auc: {min: 0.78}`.
public struct MetricBound: Sendable, Equatable {
  public var metric: String
  public var min: Double?
  public var max: Double?
  public var location: SourceLocation
}

/// A model spec (`apiVersion: mlgit/v1`), read from a YAML or JSON document.
public struct ModelSpec: Sendable {
  public static let apiVersion = "mlgit/v1"

  public var root: Node
  public var name: String
  public var version: SemanticVersion?
  public var versionLocation: SourceLocation
  public var owner: String
  public var task: String?
  public var target: String?
  public var features: [LocatedName]
  public var sensitiveAttributes: [LocatedName]
  public var hyperparameters: HyperparameterSource?
  public var hyperparametersLocation: SourceLocation
  public var data: [DataReference]
  public var metrics: [MetricBound]
  /// `readiness: {model-2: docs/online-offline.md}`: documents that record an ML Test
  /// Score test done by hand, by test id (`mlgit score` reads them).
  public var readiness: [ReadinessReference] = []
  /// `validation.metrics_files`: the metrics files a run writes (paths as written in the
  /// spec), read by `mlgit run` when no `--metrics` is given.
  public var metricsFiles: [LocatedName] = []
  /// `validation.slices`, `validation.fairness` and `validation.baseline`.
  public var validationEvidence = ValidationEvidence()
  /// `budget:`: the resources a run may use (rule `runs/budget`).
  public var budget: ResourceBudget?
  /// `staleness:`: how old the newest run of this version may be (rule `runs/stale`).
  public var staleness: Staleness?

  /// Top-level keys a spec may carry besides the schema's own.
  public static let informationalKeys: Set<String> = [
    "description", "tags", "labels", "metadata", "framework", "notes",
  ]
  static let schemaKeys: [String] = [
    "apiVersion", "name", "version", "owner", "task", "target", "features", "sensitive_attributes",
    "hyperparameters", "data", "validation", "readiness",
    "budget", "staleness",
  ]

  /// The Hugging Face Hub's model card metadata, allowed beside a card's spec fields.
  public static let cardKeys: Set<String> = [
    "license", "license_name", "license_link", "language", "tags", "datasets", "metrics", "base_model",
    "base_model_relation", "library_name", "pipeline_tag", "model-index", "widget", "co2_eq_emissions", "inference",
    "thumbnail", "model_name", "new_version",
  ]

  /// Reads a spec from its document, reporting every schema problem (not only the first).
  /// Returns a spec whenever the document is a mapping, so other rules can still run.
  /// A model card's front matter (`card`) may also carry the Hub's metadata (`cardKeys`,
  /// `extra_gated_*`), and its `model-index` results declare metrics (see `cardMetrics`).
  public static func read(_ root: Node, card: Bool = false) -> (spec: ModelSpec?, problems: [SchemaProblem]) {
    var problems: [SchemaProblem] = []
    func problem(_ message: String, _ location: SourceLocation, _ hint: String? = nil) {
      problems.append(SchemaProblem(message, at: location, hint: hint))
    }
    guard let pairs = root.pairs else {
      problem(
        "a spec must be a mapping, found \(root.typeDescription)", root.location,
        "start from the example in `mlgit policy explain spec/schema`")
      return (nil, problems)
    }
    for (key, _) in pairs {
      let text = key.scalarText ?? ""
      if card && (cardKeys.contains(text) || text.hasPrefix("extra_gated_")) { continue }
      if !schemaKeys.contains(text) && !informationalKeys.contains(text) {
        let suggestion = closest(text, in: schemaKeys)
        problems.append(
          SchemaProblem(
            "unknown field '\(text)'", at: key.location,
            hint: suggestion.map { "did you mean '\($0)'?" } ?? "known fields: \(schemaKeys.joined(separator: ", "))",
            unknownField: text))
      }
    }
    func required(_ key: String) -> Node? {
      guard let node = root[key], !node.isNull else {
        problem(
          "missing required field '\(key)'", root[key]?.location ?? root.location, "add `\(key):` at the top level")
        return nil
      }
      return node
    }
    func requiredString(_ key: String) -> String? {
      guard let node = required(key) else { return nil }
      guard let text = node.string, !text.isEmpty else {
        problem(
          "'\(key)' must be a non-empty string, found \(node.typeDescription)", node.location,
          node.scalarType == .float || node.scalarType == .int ? "quote it: \(key): \"\(node.scalarText ?? "")\"" : nil)
        return nil
      }
      return text
    }

    if let api = required("apiVersion") {
      if api.string != apiVersion {
        problem(
          "apiVersion must be '\(apiVersion)', found '\(api.scalarText ?? api.typeDescription)'", api.location,
          "set `apiVersion: \(apiVersion)`")
      }
    }
    let name = requiredString("name") ?? ""
    if !name.isEmpty, !isSlug(name) {
      problem(
        "name '\(name)' is not a lowercase slug", root["name"]?.location ?? root.location,
        "use lowercase letters, digits and dashes, e.g. '\(slugify(name))'")
    }
    var version: SemanticVersion?
    let versionNode = root["version"]
    if let node = required("version") {
      if let text = node.string ?? (node.scalarType == .int || node.scalarType == .float ? nil : node.scalarText) {
        version = SemanticVersion(text)
        if version == nil {
          problem("version '\(text)' is not a semantic version", node.location, "use MAJOR.MINOR.PATCH, e.g. 1.4.0")
        }
      } else {
        problem(
          "version must be a semantic version string, found \(node.typeDescription) '\(node.scalarText ?? "")'",
          node.location, "use MAJOR.MINOR.PATCH, e.g. version: 1.4.0")
      }
    }
    let owner = requiredString("owner") ?? ""
    var task: String?
    if let node = root["task"], !node.isNull {
      task = node.string
      if task == nil { problem("'task' must be a string, found \(node.typeDescription)", node.location) }
    }
    var target: String?
    if let node = root["target"], !node.isNull {
      target = node.string
      if target == nil { problem("'target' must be a string, found \(node.typeDescription)", node.location) }
    }

    let features = readNames(
      root["features"], field: "features", required: true, allowMappings: true, root: root, problems: &problems)
    let sensitive = readNames(
      root["sensitive_attributes"], field: "sensitive_attributes", required: false, allowMappings: false, root: root,
      problems: &problems)

    var hyperparameters: HyperparameterSource?
    let hyperLocation = root["hyperparameters"]?.location ?? root.location
    if let node = required("hyperparameters") {
      if let pairs = node.pairs {
        if let from = node["from"] {
          if let path = from.string, !path.isEmpty {
            let key = node["key"]
            if let key, key.string == nil {
              problem("'hyperparameters.key' must be a string, found \(key.typeDescription)", key.location)
            }
            for (k, _) in pairs where k.scalarText != "from" && k.scalarText != "key" {
              problem(
                "unknown field '\(k.scalarText ?? "")' beside 'from'", k.location,
                "a parameters reference takes only 'from' and 'key'")
            }
            hyperparameters = .file(path: path, key: key?.string, location: from.location)
          } else {
            problem("'hyperparameters.from' must be a file path, found \(from.typeDescription)", from.location)
          }
        } else {
          hyperparameters = .inline(node)
        }
      } else {
        problem(
          "'hyperparameters' must be a mapping, found \(node.typeDescription)", node.location,
          "write `hyperparameters:` followed by indented `name: value` lines, or `{from: params.yaml, key: train}`")
      }
    }

    var data: [DataReference] = []
    if let node = root["data"], !node.isNull {
      if let pairs = node.pairs {
        for (key, value) in pairs {
          let dataName = key.scalarText ?? ""
          if let path = value.string {
            data.append(DataReference(name: dataName, path: path, sha256: nil, location: value.location))
          } else if value.pairs != nil {
            guard let path = value["path"]?.string, !path.isEmpty else {
              problem("data '\(dataName)' needs a 'path' string", value["path"]?.location ?? value.location)
              continue
            }
            var sha: String?
            if let shaNode = value["sha256"], !shaNode.isNull {
              if let text = shaNode.string, text.count == 64, text.allSatisfy(\.isHexDigit) {
                sha = text.lowercased()
              } else {
                problem(
                  "data '\(dataName)': sha256 must be 64 hexadecimal characters", shaNode.location,
                  "compute it with `sha256sum \(path)`")
              }
            }
            let schema = value["schema"].flatMap {
              $0.isNull
                ? nil
                : DataSchema.read(
                  $0, key: value.keyNode("schema"),
                  dataName: dataName, problems: &problems)
            }
            data.append(
              DataReference(name: dataName, path: path, sha256: sha, location: value.location, schema: schema))
          } else {
            problem(
              "data '\(dataName)' must be a path or {path: …, sha256: …}, found \(value.typeDescription)",
              value.location)
          }
        }
      } else {
        problem("'data' must be a mapping of name to {path, sha256}, found \(node.typeDescription)", node.location)
      }
    }

    var metrics: [MetricBound] = []
    var metricsFiles: [LocatedName] = []
    var evidence = ValidationEvidence()
    if let node = root["validation"], !node.isNull {
      if node.pairs == nil {
        problem("'validation' must be a mapping, found \(node.typeDescription)", node.location)
      } else if let metricsNode = node["metrics"], !metricsNode.isNull {
        if metricsNode.pairs != nil {
          metrics = ValidationEvidence.readBounds(metricsNode, owner: "", problems: &problems)
        } else {
          problem(
            "'validation.metrics' must be a mapping of metric to bounds, found \(metricsNode.typeDescription)",
            metricsNode.location)
        }
      }
      if let filesNode = node["metrics_files"], !filesNode.isNull {
        metricsFiles = readMetricsFiles(filesNode, problem: problem)
      }
      if node.pairs != nil {
        evidence = ValidationEvidence.read(node, metrics: metrics, model: name, problems: &problems)
      }
    }

    let readiness = ReadinessReference.read(root["readiness"], problems: &problems)
    if card && (root["validation"]?["metrics"]).map({ $0.isNull }) ?? true { metrics = cardMetrics(root) }

    var spec = ModelSpec(
      root: root, name: name, version: version, versionLocation: versionNode?.location ?? root.location,
      owner: owner, task: task, target: target, features: features, sensitiveAttributes: sensitive,
      hyperparameters: hyperparameters, hyperparametersLocation: hyperLocation, data: data, metrics: metrics,
      readiness: readiness)
    spec.metricsFiles = metricsFiles
    spec.validationEvidence = evidence
    spec.budget = ResourceBudget.read(root["budget"], problems: &problems)
    spec.staleness = Staleness.read(root["staleness"], problems: &problems)
    return (spec, problems)
  }

  /// `validation.metrics_files`: a path or a list of paths, relative to the repository's root
  /// (or, starting `./` or `../`, to the spec's folder, as `hyperparameters: {from: …}`).
  static func readMetricsFiles(_ node: Node, problem: (String, SourceLocation, String?) -> Void) -> [LocatedName] {
    let entries = node.items ?? [node]
    var files: [LocatedName] = []
    for entry in entries {
      guard let path = entry.string, !path.isEmpty else {
        problem(
          "'validation.metrics_files' must be a path or a list of paths, found \(entry.typeDescription)",
          entry.location,
          "e.g. metrics_files: [metrics.json]")
        continue
      }
      if path.hasPrefix("/") {
        problem(
          "metrics file '\(path)' must be a path relative to the repository (or, starting ./ or ../, to the spec)",
          entry.location, nil)
        continue
      }
      files.append(LocatedName(name: path, location: entry.location))
    }
    return files
  }

  /// The metrics a card's `model-index` reports, as declared metrics where the card has
  /// no `validation.metrics`: each result's metric `type` is a metric a run must report,
  /// with no bound. Its `value` is the card's claim, and whether higher is better is not
  /// in the card, so it bounds nothing; `validation.metrics` sets bounds. Entries that are
  /// not the Hub's shape are left to the Hub's own validation.
  static func cardMetrics(_ root: Node) -> [MetricBound] {
    var metrics: [MetricBound] = []
    for model in root["model-index"]?.items ?? [] {
      for result in model["results"]?.items ?? [] {
        for metric in result["metrics"]?.items ?? [] {
          guard let type = metric["type"], let name = type.string, !name.isEmpty,
            !metrics.contains(where: { $0.metric == name })
          else { continue }
          metrics.append(MetricBound(metric: name, min: nil, max: nil, location: type.location))
        }
      }
    }
    return metrics
  }

  static func readNames(
    _ node: Node?, field: String, required: Bool, allowMappings: Bool, root: Node, problems: inout [SchemaProblem]
  ) -> [LocatedName] {
    guard let node, !node.isNull else {
      if required {
        problems.append(
          SchemaProblem(
            "missing required field '\(field)'", at: node?.location ?? root.location,
            hint: "list the model's inputs under `\(field):`"))
      }
      return []
    }
    guard let items = node.items else {
      problems.append(
        SchemaProblem(
          "'\(field)' must be a list, found \(node.typeDescription)", at: node.location,
          hint: "write one `- name` line per entry"))
      return []
    }
    if required && items.isEmpty {
      problems.append(SchemaProblem("'\(field)' is empty", at: node.location, hint: "a model needs at least one input"))
    }
    var names: [LocatedName] = []
    var seen: [String: Int] = [:]
    for item in items {
      var name: String?
      if let text = item.string {
        name = text
      } else if allowMappings, item.pairs != nil {
        if let text = item["name"]?.string {
          name = text
        } else {
          problems.append(
            SchemaProblem(
              "an entry of '\(field)' needs a 'name' string", at: item.location,
              hint: "e.g. {name: tenure_months, cost: low}"))
          continue
        }
      } else {
        problems.append(
          SchemaProblem(
            "an entry of '\(field)' must be a name string, found \(item.typeDescription)",
            at: item.location, hint: item.scalarText.map { "quote it: \"\($0)\"" }))
        continue
      }
      guard let name, !ModelSpec.isBlank(name) else {
        problems.append(SchemaProblem("an entry of '\(field)' is empty", at: item.location))
        continue
      }
      let location = item.pairs != nil ? (item["name"]?.location ?? item.location) : item.location
      if let first = seen[name] {
        problems.append(
          SchemaProblem(
            "'\(name)' is listed twice in '\(field)' (first at line \(first))", at: location,
            hint: "remove the duplicate"))
        continue
      }
      seen[name] = location.line
      names.append(LocatedName(name: name, location: location))
    }
    return names
  }

  static func isSlug(_ name: String) -> Bool {
    // Bytes, not Characters: every spec of a history check is named (and Character
    // properties showed in its profile). Only ASCII passes, so bytes are characters.
    let bytes = name.utf8
    guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
    else { return false }
    var previous: UInt8 = 0
    for byte in bytes {
      let allowed =
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        || byte == UInt8(ascii: "-")
      if !allowed || (byte == UInt8(ascii: "-") && previous == byte) { return false }
      previous = byte
    }
    return true
  }

  static func slugify(_ name: String) -> String {
    var out = ""
    for ch in name.lowercased() {
      if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch) } else if !out.hasSuffix("-") { out.append("-") }
    }
    // One dash at most at each end: dashes are never doubled above.
    if out.hasPrefix("-") { out.removeFirst() }
    if out.hasSuffix("-") { out.removeLast() }
    return out
  }

  /// The candidate nearest to `word` by edit distance, when it is close enough to be a typo.
  public static func closest(_ word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 4) else { return nil }
    return best.0
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}

/// A semantic version (semver.org 2.0): MAJOR.MINOR.PATCH[-pre][+build].
public struct SemanticVersion: Comparable, Sendable, CustomStringConvertible {
  public var major: Int, minor: Int, patch: Int
  public var prerelease: String?
  public var text: String

  public init?(_ text: String) {
    var core = Substring(text)
    if let plus = core.firstIndex(of: "+") { core = core[..<plus] }
    var pre: String?
    if let dash = core.firstIndex(of: "-") {
      pre = String(core[core.index(after: dash)...])
      core = core[..<dash]
      if pre?.isEmpty ?? true { return nil }
    }
    // MAJOR.MINOR.PATCH: ASCII digits, no leading zero, within Int; read as bytes.
    var numbers = (0, 0, 0)
    var part = 0
    var value = 0
    var digits = 0
    var leadingZero = false
    func close() -> Bool {
      guard digits > 0, !(leadingZero && digits > 1) else { return false }
      switch part {
      case 0: numbers.0 = value
      case 1: numbers.1 = value
      default: numbers.2 = value
      }
      return true
    }
    for byte in core.utf8 {
      if byte == UInt8(ascii: ".") {
        guard part < 2, close() else { return nil }
        (part, value, digits, leadingZero) = (part + 1, 0, 0, false)
        continue
      }
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
      if digits == 0 { leadingZero = byte == UInt8(ascii: "0") }
      let (times, overflow) = value.multipliedReportingOverflow(by: 10)
      let (sum, carry) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
      guard !overflow, !carry else { return nil }
      (value, digits) = (sum, digits + 1)
    }
    guard part == 2, close() else { return nil }
    (major, minor, patch) = numbers
    prerelease = pre
    self.text = text
  }

  public var description: String { text }

  public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
    if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
      return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
    switch (lhs.prerelease, rhs.prerelease) {
    case (nil, nil): return false
    case (nil, _): return false
    case (_, nil): return true
    case (let a?, let b?): return precedes(a, b)
    }
  }

  /// semver.org rule 11: dot-separated identifiers compared one by one, numeric ones as
  /// numbers and below alphanumeric ones; a shorter list that is a prefix comes first.
  static func precedes(_ a: String, _ b: String) -> Bool {
    let left = a.split(separator: ".", omittingEmptySubsequences: false)
    let right = b.split(separator: ".", omittingEmptySubsequences: false)
    for (x, y) in zip(left, right) where x != y {
      switch (Int(x), Int(y)) {
      case (let m?, let n?): return m < n
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return x < y
      }
    }
    return left.count < right.count
  }

  public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
    (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch) && lhs.prerelease == rhs.prerelease
  }
}

extension ModelSpec {
  /// True when `text` is empty or only whitespace (`CharacterSet.whitespaces`). A name
  /// that starts with a visible ASCII character is answered without trimming, which
  /// showed in history-check profiles (every feature name of every spec).
  static func isBlank(_ text: String) -> Bool {
    if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
    return text.trimmingWhitespace().isEmpty
  }
}
