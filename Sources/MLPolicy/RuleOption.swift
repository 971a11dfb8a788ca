import MLSpec

/// An option a rule takes under `rules:` beside `severity` (`approvals: 2`, say). Each
/// rule declares its options in its `RuleDescription`; a config is checked against the
/// declarations when it is loaded (name, type, range), so a misspelt or impossible value
/// is an error at its line instead of a rule quietly running with its default, and
/// `mlgit policy explain` lists them.
public struct RuleOption: Sendable {
  public enum Kind: Sendable {
    /// A whole number within the range.
    case integer(ClosedRange<Int>)
    /// One of these words.
    case choice([String])
    case boolean
    /// A branch glob or a list of them; `protected` stands for `protected_branches`.
    case branches
    /// A team rule's check (validated by `TeamCheck.parse`).
    case check
    /// Any text.
    case text
    /// A number of seconds above 0, at most 600.
    case seconds
    /// A number from 0 to 1 (a share: 0.01 is 1%).
    case fraction
  }

  public var name: String
  public var kind: Kind
  public var summary: String
  /// What applies when the option is not set, as `policy explain` prints it.
  public var whenUnset: String

  public init(_ name: String, _ kind: Kind, _ summary: String, whenUnset: String) {
    self.name = name
    self.kind = kind
    self.summary = summary
    self.whenUnset = whenUnset
  }

  /// `branches:`, which every rule takes: the rule runs only for changes going to a matching branch.
  public static let branches = RuleOption(
    "branches", .branches,
    "limits the rule to changes going to these branches (globs; `protected`: the protected_branches list)",
    whenUnset: "every branch")

  /// The values the option takes, as error messages and `policy explain` say them.
  public var expected: String {
    switch kind {
    case .integer(let range): return "a whole number from \(range.lowerBound) to \(range.upperBound)"
    case .choice(let words): return words.map { "'\($0)'" }.joined(separator: " or ")
    case .boolean: return "true or false"
    case .branches: return "a branch glob, a list of them, or 'protected'"
    case .check: return "a check: {field: …}, {features_forbidden: […]} or {command: […]}"
    case .text: return "text"
    case .seconds: return "a number of seconds above 0, at most 600"
    case .fraction: return "a number from 0 to 1 (0.01: 1%)"
    }
  }

  /// Why `node` is not a valid value of this option for `rule`, or nil when it is.
  public func problem(with node: Node, rule: String) -> DocumentError? {
    let valid: Bool
    switch kind {
    case .integer(let range):
      // Only an integer scalar: 2.0, 1e300, .inf and .nan are refused, never converted.
      if node.scalarType == .int, let number = node.number, let whole = Int(exactly: number) {
        valid = range.contains(whole)
      } else {
        valid = false
      }
    case .choice(let words):
      valid = node.string.map(words.contains) ?? false
    case .boolean:
      valid = node.bool != nil
    case .branches:
      valid = node.string != nil || (node.items.map { !$0.isEmpty && $0.allSatisfy { $0.string != nil } } ?? false)
    case .check:
      valid = (try? TeamCheck.parse(node, rule: rule)) != nil
    case .text:
      valid = node.string != nil
    case .seconds:
      valid =
        (node.scalarType == .int || node.scalarType == .float) && (node.number.map { $0 > 0 && $0 <= 600 } ?? false)
    case .fraction:
      valid =
        (node.scalarType == .int || node.scalarType == .float) && (node.number.map { $0 >= 0 && $0 <= 1 } ?? false)
    }
    if valid { return nil }
    var hint: String? = nil
    switch kind {
    case .choice(let words):
      hint = node.string.flatMap { ModelSpec.closest($0, in: words) }.map { "did you mean '\($0)'?" }
    case .branches:
      hint = "e.g. branches: [main, release/*] or branches: protected (the protected_branches list)"
    case .integer, .boolean, .check, .text, .seconds, .fraction:
      break
    }
    return DocumentError(
      "rule '\(rule)': '\(name)' must be \(expected), found \(RuleOption.shown(node))",
      at: node.location, hint: hint)
  }

  /// A value as an error message quotes it: scalars as written, others by their type.
  static func shown(_ node: Node) -> String {
    guard let text = node.scalarText else { return node.typeDescription }
    return node.scalarType == .string ? "'\(text)'" : text
  }
}

extension RuleDescription {
  /// The options the rule takes: its own, and `branches` (which every rule takes).
  public var allOptions: [RuleOption] {
    options.contains { $0.name == RuleOption.branches.name } ? options : options + [.branches]
  }
}

extension EffectivePolicy {
  /// Checks every option of every rule a policy document sets against the rule's
  /// declared options: an unknown rule or option (with the closest known name), a value
  /// of the wrong type or out of range. The first problem is thrown, at its line.
  ///
  /// An id with a prefix of its own (`acme/license`, not `spec/…`) is a team's rule: it is
  /// declared with a `check:` (or set again where `teamRules`, declared by a file it
  /// extends, already has it) and takes `check`, `message`, `timeout` and `branches`.
  static func validateRuleSettings(_ document: PolicyDocument, path: String, teamRules: Set<String> = []) throws {
    let known = RuleRegistry.builtInRules.map { type(of: $0).description.id }
    // In document order, so the first problem reported is the first in the file.
    for (id, setting) in document.rules.sorted(by: {
      ($0.value.location.line, $0.value.location.column) < ($1.value.location.line, $1.value.location.column)
    }) {
      if RuleRegistry.rule(id: id) == nil, let prefix = TeamRule.prefix(of: id),
        !TeamRule.shippedPrefixes.contains(prefix)
      {
        try validateTeamRule(id, setting, declared: teamRules.contains(id), path: path)
        continue
      }
      guard let rule = RuleRegistry.rule(id: id) else {
        let hint = ModelSpec.closest(id, in: known).map { "did you mean '\($0)'?" } ?? "see `mlgit policy list`"
        throw PolicyLoadError(
          path: path, error: DocumentError("unknown rule '\(id)'", at: setting.location, hint: hint))
      }
      let options = type(of: rule).description.allOptions
      try validateOptions(of: id, setting, against: options, path: path, listedAs: "options of \(id)") {
        option, value in
        option.problem(with: value, rule: id)
      }
    }
  }

  /// Checks each option `setting` gives against `options`, in the order they are written:
  /// an unknown name is an error with the closest known one as a hint; `problem` judges a
  /// known option's value.
  static func validateOptions(
    of id: String, _ setting: RuleSetting, against options: [RuleOption], path: String, listedAs: String,
    problem: (RuleOption, Node) throws -> DocumentError?
  ) throws {
    let byName = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let names = setting.options.keys.sorted {
      let a = setting.optionLocations[$0] ?? .start
      let b = setting.optionLocations[$1] ?? .start
      return (a.line, a.column, $0) < (b.line, b.column, $1)
    }
    for name in names {
      guard let value = setting.options[name] else { continue }
      guard let option = byName[name] else {
        let candidates = ["severity"] + options.map(\.name)
        let hint =
          ModelSpec.closest(name, in: candidates).map { "did you mean '\($0)'?" }
          ?? "\(listedAs): \(candidates.joined(separator: ", "))"
        throw PolicyLoadError(
          path: path,
          error: DocumentError(
            "rule '\(id)' has no option '\(name)'",
            at: setting.optionLocations[name] ?? value.location, hint: hint))
      }
      if let error = try problem(option, value) {
        throw PolicyLoadError(path: path, error: error)
      }
    }
  }

  /// The options a team's rule takes.
  public static let teamRuleOptions: [RuleOption] = [
    RuleOption(
      "check", .check, "what the rule checks: a field, forbidden features or a command",
      whenUnset: "declared where the rule is"),
    RuleOption("message", .text, "said before each finding's own text", whenUnset: "the finding's text alone"),
    RuleOption("timeout", .seconds, "how long a command check may run (seconds)", whenUnset: "10"),
    .branches,
  ]

  static func validateTeamRule(_ id: String, _ setting: RuleSetting, declared: Bool, path: String) throws {
    try validateOptions(of: id, setting, against: teamRuleOptions, path: path, listedAs: "a team's rule takes") {
      option, value in
      guard option.name == "check" else { return option.problem(with: value, rule: id) }
      do {
        _ = try TeamCheck.parse(value, rule: id)
        return nil
      } catch let error as DocumentError {
        return error
      }
    }
    if setting.options["check"] == nil && !declared {
      throw PolicyLoadError(
        path: path,
        error: DocumentError(
          "rule '\(id)' is not a shipped rule and has no 'check'", at: setting.location,
          hint:
            "a team's own rule says what it checks, e.g. check: {field: license, required: true}; shipped rules: `mlgit policy list`"
        ))
    }
  }

  /// A whole-number option's value; nil when unset. Validated at load, and read without
  /// trapping whatever the value (`Int(exactly:)` is nil for 1e300 and .nan).
  public func integer(_ rule: String, _ key: String) -> Int? {
    guard let node = option(rule, key), node.scalarType == .int else { return nil }
    return node.number.flatMap { Int(exactly: $0) }
  }

  /// The number of approvals a review rule asks for (default 1).
  public func approvals(_ rule: String) -> Int { max(0, integer(rule, "approvals") ?? 1) }

  /// Where a review rule refuses: `commit` or `push` (the default).
  public func enforcement(_ rule: String) -> String { option(rule, "enforce")?.string ?? "push" }
}

extension RuleOption {
  /// The review rules' options.
  static let approvals = RuleOption(
    "approvals", .integer(0...100),
    "distinct approvers needed, none of them the change's author (0: no approval needed)", whenUnset: "1")
  static let enforce = RuleOption(
    "enforce", .choice(["commit", "push"]),
    "where a missing approval refuses: `push` (pre-commit warns; pre-push, pre-receive and check --range refuse) or `commit` (pre-commit refuses too)",
    whenUnset: "push")
  static let newSpecs = RuleOption("new_specs", .boolean, "a new spec needs approval too", whenUnset: "false")
  /// The release gates' `branches:`, which defaults to the protected branches.
  static let releaseBranches = RuleOption(
    "branches", .branches,
    "the branches the gate guards (globs; `protected`: the protected_branches list)", whenUnset: "protected_branches")
}
