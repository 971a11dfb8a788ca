import CMLGitSupport
import FoundationEssentials
import MLGitErrors
import MLSpec
import Synchronization

/// A file of the policy's commit that a command check runs (its script, its program).
public struct PolicyFile: Sendable, Equatable {
  /// The path from the repository's root.
  public var path: String
  public var data: Data
  public var executable: Bool
  /// The blob id (hex), so a policy loaded once is not reused for another version of the file.
  public var blob: String

  public init(path: String, data: Data, executable: Bool, blob: String) {
    self.path = path
    self.data = data
    self.executable = executable
    self.blob = blob
  }
}

/// Reads a file (path from the repository's root) from the commit that holds the
/// policy; nil when the commit has no such file.
public typealias PolicyFileReader = (String) throws -> PolicyFile?

/// What a team rule checks, as declared by its `check:`.
public enum TeamCheck: Sendable {
  /// A field of the spec at a dotted path, and the tests it must pass.
  case field(path: [String], test: FieldTest)
  /// Feature names matched as protected attributes are (words, case, look-alike letters).
  case featuresForbidden([String])
  /// A program run on the spec; it reports findings as JSON lines.
  case command([String])

  public struct FieldTest: Sendable {
    public var required = false
    public var matches: String?
    public var oneOf: [String]?
    public var min: Double?
    public var max: Double?
  }

  static let keys = ["field", "required", "matches", "one_of", "min", "max", "features_forbidden", "command"]

  /// Reads and checks a `check:` mapping; any problem is an error at its line.
  public static func parse(_ node: Node, rule: String) throws -> TeamCheck {
    guard let pairs = node.pairs else {
      throw DocumentError(
        "rule '\(rule)': 'check' must be a mapping, found \(node.typeDescription)", at: node.location,
        hint: "e.g. check: {field: license, required: true}")
    }
    for (key, _) in pairs {
      let name = key.scalarText ?? ""
      guard keys.contains(name) else {
        throw DocumentError(
          "rule '\(rule)': a check has no key '\(name)'", at: key.location,
          hint: ModelSpec.closest(name, in: keys).map { "did you mean '\($0)'?" }
            ?? "a check takes: \(keys.joined(separator: ", "))")
      }
    }
    let kinds = ["field", "features_forbidden", "command"].filter { node[$0] != nil }
    guard kinds.count == 1 else {
      throw DocumentError(
        "rule '\(rule)': a check needs exactly one of 'field', 'features_forbidden' or 'command'"
          + (kinds.isEmpty ? "" : ", found \(kinds.joined(separator: " and "))"), at: node.location)
    }
    func names(_ key: String) throws -> [String] {
      guard let value = node[key] else { return [] }
      guard let items = value.items, !items.isEmpty else {
        throw DocumentError(
          "rule '\(rule)': '\(key)' must be a non-empty list, found \(value.typeDescription)", at: value.location)
      }
      return try items.map { item in
        guard let text = item.scalarText, item.pairs == nil, item.items == nil, !item.isNull else {
          throw DocumentError(
            "rule '\(rule)': an entry of '\(key)' must be a string, found \(item.typeDescription)", at: item.location)
        }
        return text
      }
    }
    func only(_ kind: String) throws {
      if let other = pairs.first(where: { ($0.key.scalarText ?? "") != kind }) {
        throw DocumentError(
          "rule '\(rule)': '\(other.key.scalarText ?? "")' does not go with '\(kind)'", at: other.key.location)
      }
    }
    if node["command"] != nil {
      try only("command")
      return .command(try names("command"))
    }
    if node["features_forbidden"] != nil {
      try only("features_forbidden")
      return .featuresForbidden(try names("features_forbidden"))
    }
    guard let field = node["field"], let path = field.string, !path.isEmpty,
      !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
    else {
      throw DocumentError(
        "rule '\(rule)': 'field' must be a dotted path such as hyperparameters.max_depth",
        at: node["field"]?.location ?? node.location)
    }
    var test = FieldTest()
    if let value = node["required"] {
      guard let flag = value.bool else {
        throw DocumentError(
          "rule '\(rule)': 'required' must be true or false, found \(value.typeDescription)", at: value.location)
      }
      test.required = flag
    }
    if let value = node["matches"] {
      guard let pattern = value.string else {
        throw DocumentError(
          "rule '\(rule)': 'matches' must be a regular expression, found \(value.typeDescription)", at: value.location)
      }
      do {
        _ = try TeamPattern.compile(pattern)
      } catch {
        throw DocumentError(
          "rule '\(rule)': 'matches' is not a valid regular expression: \(pattern)", at: value.location)
      }
      test.matches = pattern
    }
    if node["one_of"] != nil { test.oneOf = try names("one_of") }
    for key in ["min", "max"] {
      guard let value = node[key] else { continue }
      guard value.scalarType == .int || value.scalarType == .float, let number = value.number, number.isFinite else {
        throw DocumentError(
          "rule '\(rule)': '\(key)' must be a number, found \(value.scalarText.map { "'\($0)'" } ?? value.typeDescription)",
          at: value.location)
      }
      if key == "min" { test.min = number } else { test.max = number }
    }
    if let min = test.min, let max = test.max, min > max {
      throw DocumentError(
        "rule '\(rule)': 'min' (\(min)) is above 'max' (\(max))", at: node["min"]?.location ?? node.location)
    }
    guard test.required || test.matches != nil || test.oneOf != nil || test.min != nil || test.max != nil else {
      throw DocumentError(
        "rule '\(rule)': a field check needs 'required', 'matches', 'one_of', 'min' or 'max'", at: node.location)
    }
    return .field(path: path.split(separator: ".").map(String.init), test: test)
  }

  /// The check in words, for `mlgit policy list` and SARIF.
  public var summary: String {
    switch self {
    case .field(let path, let test):
      var parts: [String] = []
      if test.required { parts.append("is required") }
      if let pattern = test.matches { parts.append("matches \(pattern)") }
      if let names = test.oneOf { parts.append("is one of \(names.joined(separator: ", "))") }
      if let min = test.min { parts.append("is at least \(NumberText.string(min))") }
      if let max = test.max { parts.append("is at most \(NumberText.string(max))") }
      return "'\(path.joined(separator: "."))' " + parts.joined(separator: " and ")
    case .featuresForbidden(let names): return "no feature named like \(names.joined(separator: ", "))"
    case .command(let argv): return "command: \(argv.joined(separator: " "))"
    }
  }
}

/// What a command check's program did.
public enum TeamCommandOutcome: Sendable {
  case finished(status: Int32, stdout: Data, stderr: String)
  case timedOut
  /// It could not be started, or its files could not be written.
  case failed(String)
}

/// Runs command checks' programs: the commands layer provides one (processes are not
/// this module's business); without one a command check reports that it could not run.
public protocol TeamCommandRunner: Sendable {
  func run(_ argv: [String], files: [PolicyFile], input: Data, specPath: String, timeout: Double) -> TeamCommandOutcome
}

/// A rule a team declares in its policy with a `check:`, under an id with its own prefix
/// (`acme/license`). Its severity, `message`, `branches` and `timeout` are options like
/// any rule's; it runs on every spec a change adds or modifies.
public struct TeamRule: Sendable {
  public var id: String
  public var check: TeamCheck
  /// The policy file that declares it, and where.
  public var source: String
  public var location: SourceLocation
  /// The files of the policy's commit a command check names, written out before it runs.
  public var files: [PolicyFile] = []

  /// The default time a command check may run, in seconds.
  public static let defaultTimeout = 10.0

  public init(id: String, check: TeamCheck, source: String, location: SourceLocation) {
    self.id = id
    self.check = check
    self.source = source
    self.location = location
  }

  private static let runnerBox = RunnerBox()
  /// The runner command checks use (set once by the commands layer).
  public static var commandRunner: (any TeamCommandRunner)? {
    get { runnerBox.get() }
    set { runnerBox.set(newValue) }
  }

  /// The team's prefix of an id (`acme` of `acme/license`), nil for ids without one.
  public static func prefix(of id: String) -> String? {
    let parts = id.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else { return nil }
    return String(parts[0])
  }

  /// Prefixes of the shipped rules (`spec`, `features`, …): a team's rule takes its own.
  public static let shippedPrefixes: Set<String> = Set(RuleRegistry.builtInRules.compactMap { prefix(of: $0.id) })

  public func evaluate(_ change: ModelChange, in context: PolicyContext) -> [Finding] {
    guard let new = change.new, let root = new.document else { return [] }
    let policy = context.policy
    let message = policy.option(id, "message")?.string
    let severity = context.severity(of: id)
    func finding(_ detail: String, _ location: SourceLocation, severity: Severity? = nil, hint: String? = nil)
      -> Finding
    {
      Finding(
        rule: id, severity: severity ?? context.severity(of: id), message: message.map { "\($0): \(detail)" } ?? detail,
        path: change.path, location: location, hint: hint)
    }
    switch check {
    case .field(let path, let test):
      return evaluateField(
        path, test, root: root, finding: { finding($0, $1) },
        failure: { finding($0, $1, severity: .error, hint: $2) })
    case .featuresForbidden(let names):
      guard let spec = new.spec else { return [] }
      let matcher = AttributeMatcher.cache.matcher(protectedAttributes: ["forbidden": names], proxies: [:])
      return spec.features.compactMap { feature in
        guard let match = matcher.protectedMatches(feature.name).first else { return nil }
        return finding(
          "feature '\(feature.name)' is forbidden (matches '\(match.entry)')", feature.location,
          hint: "remove the feature, or change the rule in the policy")
      }
    case .command(let argv):
      let first = root.location
      let timeout = policy.option(id, "timeout")?.number ?? TeamRule.defaultTimeout
      let shown = argv.joined(separator: " ")
      guard let runner = TeamRule.commandRunner else {
        return [finding("command check cannot run here: \(shown)", first, severity: .error)]
      }
      let input = Data(JSONValue(root).canonical.utf8)
      switch runner.run(argv, files: files, input: input, specPath: change.path, timeout: timeout) {
      case .failed(let why):
        return [
          finding(
            "command check could not run: \(why)", first, severity: .error,
            hint: "the program must exist where mlgit runs (see docs/team-rules.md)")
        ]
      case .timedOut:
        return [
          finding(
            "command check did not finish within \(NumberText.string(timeout)) s: \(shown)", first, severity: .error,
            hint: "make it faster, or raise the rule's 'timeout' option")
        ]
      case .finished(let status, let stdout, let stderr):
        guard status == 0 else {
          let said = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
          return [
            finding(
              "command check failed (exit \(status)): \(shown)\(said.isEmpty ? "" : ": \(said)")", first,
              severity: .error,
              hint: "a command check reports findings on standard output and exits 0")
          ]
        }
        var findings: [Finding] = []
        for (index, line) in String(decoding: stdout, as: UTF8.self).split(separator: "\n").enumerated() {
          let text = line.trimmingWhitespace()
          if text.isEmpty { continue }
          guard let reported = TeamRule.reported(text) else {
            let shownLine = text.count > 80 ? String(text.prefix(80)) + "…" : text
            return [
              finding(
                "command check wrote output line \(index + 1) that is not a finding: \(shownLine)", first,
                severity: .error,
                hint: #"write one JSON object a line: {"message": "…", "line": 3, "severity": "warning"}"#)
            ]
          }
          let location = reported.line.map { SourceLocation(line: $0, column: 1) } ?? first
          findings.append(finding(reported.message, location, severity: reported.severity ?? severity))
        }
        return findings
      }
    }
  }

  /// `failure` reports a test that could not give an answer (an error, whatever the rule's
  /// severity: it never passes silently).
  private func evaluateField(
    _ path: [String], _ test: TeamCheck.FieldTest, root: Node,
    finding: (String, SourceLocation) -> Finding, failure: (String, SourceLocation, String) -> Finding
  ) -> [Finding] {
    let name = path.joined(separator: ".")
    var node: Node? = root
    var parent = root
    for key in path {
      guard let current = node else { break }
      parent = current
      node = current.pairs == nil ? nil : current[key]
    }
    guard let value = node, !value.isNull, value.string != "", value.items?.isEmpty != true,
      value.pairs?.isEmpty != true
    else {
      return test.required ? [finding("'\(name)' is required", parent.location)] : []
    }
    var findings: [Finding] = []
    // A list is checked item by item (`tags: [a, b]`); a mapping has no text or number to test.
    let values = value.items ?? [value]
    for item in values {
      if test.matches != nil || test.oneOf != nil {
        guard let text = item.scalarText, item.pairs == nil, item.items == nil else {
          findings.append(finding("'\(name)' must be text, found \(item.typeDescription)", item.location))
          continue
        }
        if let pattern = test.matches, let compiled = try? TeamPattern.compile(pattern) {
          switch compiled.match(text) {
          case .found: break
          case .notFound:
            findings.append(finding("'\(name)' is '\(text)', which does not match \(pattern)", item.location))
          case .tooCostly:
            findings.append(
              failure(
                "'\(name)' could not be matched against \(pattern) within "
                  + "\(TeamPattern.stepLimit) steps", item.location,
                "a pattern that nests quantifiers, such as (a+)+, can take exponential time on a value "
                  + "written for it: rewrite the pattern without nesting them"))
          }
        }
        if let names = test.oneOf, !names.contains(text) {
          findings.append(finding("'\(name)' is '\(text)', not one of \(names.joined(separator: ", "))", item.location))
        }
      }
      if test.min != nil || test.max != nil {
        guard item.scalarType == .int || item.scalarType == .float, let number = item.number, number.isFinite else {
          findings.append(
            finding(
              "'\(name)' must be a number, found \(item.scalarText.map { "'\($0)'" } ?? item.typeDescription)",
              item.location))
          continue
        }
        if let min = test.min, number < min {
          findings.append(
            finding(
              "'\(name)' is \(item.scalarText ?? NumberText.string(number)), below the minimum \(NumberText.string(min))",
              item.location))
        }
        if let max = test.max, number > max {
          findings.append(
            finding(
              "'\(name)' is \(item.scalarText ?? NumberText.string(number)), above the maximum \(NumberText.string(max))",
              item.location))
        }
      }
    }
    return findings
  }

  /// One finding a command check reported, or nil when the line is not one.
  static func reported(_ line: String) -> (message: String, line: Int?, severity: Severity?)? {
    struct Reported: Decodable {
      var message: String
      var line: Int?
      var severity: String?
    }
    guard let object = try? JSONDecoder().decode(Reported.self, from: Data(line.utf8)), !object.message.isEmpty else {
      return nil
    }
    if let line = object.line, line < 1 { return nil }
    var severity: Severity? = nil
    if let text = object.severity {
      guard let known = Severity(rawValue: text), known != .off else { return nil }
      severity = known
    }
    return (object.message, object.line, severity)
  }

}

private final class RunnerBox: Sendable {
  private let runner = Mutex<(any TeamCommandRunner)?>(nil)
  func get() -> (any TeamCommandRunner)? { runner.withLock { $0 } }
  func set(_ new: (any TeamCommandRunner)?) { runner.withLock { $0 = new } }
}

/// A team rule's `matches` pattern: PCRE2's syntax (Perl's), Unicode-aware (`.` is one
/// Unicode scalar; `\d`, `\w`, `\s` and `[[:alpha:]]` are Unicode's; `(?i)` folds Unicode
/// case), matched anywhere in the value unless anchored, `$` at the very end only.
///
/// The matcher backtracks, so a pattern that nests quantifiers (`^(a+)+$`) can take
/// exponential time on a value written for it, and values come from whoever writes a spec.
/// PCRE2 counts a match's backtracking steps: past `stepLimit` the match stops and the
/// rule reports an error for that value. The bound is in steps, not seconds, so a value
/// gets the same answer on every machine, and matching needs no other thread (a thread a
/// value, waited on with a deadline, cost 130 µs each on a virtual machine: 2.3 s of a
/// `check --files` over 2,000 specs with two `matches` rules). After `costlyLimit` values
/// of one pattern ran out of steps, its further values are reported the same way without
/// being matched: a spec with ten thousand such values costs four matches, not minutes.
enum TeamPattern {
  /// Backtracking steps one value may take: ordinary patterns take tens to hundreds; this
  /// is a few hundredths of a second of matching.
  static let stepLimit: UInt32 = 1_000_000

  enum Match { case found, notFound, tooCostly }

  static let costlyLimit = 4

  /// A compiled pattern. @unchecked Sendable: PCRE2's compiled code is only read when
  /// matching, so threads share it.
  final class Compiled: @unchecked Sendable {
    let code: OpaquePointer
    /// Values that ran out of steps so far.
    private let costly = Atomic(0)
    init(_ code: OpaquePointer) { self.code = code }
    deinit { mlgit_pattern_free(code) }

    func match(_ text: String) -> Match {
      if costly.load(ordering: .relaxed) >= costlyLimit { return .tooCostly }
      let status = TeamPattern.withBytes(of: text) { mlgit_pattern_match(code, $0, $1) }
      switch Int(status) {
      case MLGIT_PATTERN_FOUND: return .found
      case MLGIT_PATTERN_NOT_FOUND: return .notFound
      default:  // the step limit, or memory, ran out
        costly.add(1, ordering: .relaxed)
        return .tooCostly
      }
    }
  }

  /// Compiled patterns by their text: a rule's pattern is compiled once, not for each value.
  private static let compiled = Mutex<[String: Compiled]>([:])

  /// The pattern compiled; throws when it is not a valid pattern.
  static func compile(_ pattern: String) throws -> Compiled {
    if let known = compiled.withLock({ $0[pattern] }) { return known }
    guard let code = withBytes(of: pattern, { mlgit_pattern_compile($0, $1, stepLimit) }) else {
      throw InvalidPattern()
    }
    let made = Compiled(code)
    compiled.withLock { $0[pattern] = made }
    return made
  }

  struct InvalidPattern: Error {}

  /// The string's UTF-8 bytes and their count, never a null pointer (PCRE2 refuses one,
  /// even for no bytes).
  private static func withBytes<Result>(
    of string: String, _ body: (UnsafePointer<CChar>, Int) -> Result
  ) -> Result {
    var string = string
    return string.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { chars in
        guard let base = chars.baseAddress else { return "".withCString { body($0, 0) } }
        return body(base, chars.count)
      }
    }
  }
}
