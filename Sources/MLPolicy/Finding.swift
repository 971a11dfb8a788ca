import FoundationEssentials
import MLSpec

/// One result of a rule: what is wrong, where, and what to do.
public struct Finding: Sendable, Equatable {
  public var rule: String
  public var severity: Severity
  public var message: String
  public var path: String
  public var line: Int
  public var column: Int
  /// The commit the finding belongs to (nil for the staged change).
  public var commit: String?
  public var hint: String?

  public init(
    rule: String, severity: Severity, message: String, path: String,
    location: SourceLocation = .start, commit: String? = nil, hint: String? = nil
  ) {
    self.rule = rule
    self.severity = severity
    self.message = message
    self.path = path
    self.line = location.line
    self.column = location.column
    self.commit = commit
    self.hint = hint
  }

  /// Orders findings by commit, path, line, column, rule for stable output.
  public static func stableOrder(_ a: Finding, _ b: Finding) -> Bool {
    (a.commit ?? "", a.path, a.line, a.column, a.rule, a.message) < (
      b.commit ?? "", b.path, b.line, b.column, b.rule, b.message
    )
  }
}

/// A worked example in a rule's description; the examples run as unit tests.
public struct RuleExample: Sendable {
  /// The file the example puts in the change.
  public var path: String
  /// Its content after the change (nil: deleted).
  public var content: String?
  /// Its content before the change (nil: added).
  public var parent: String?
  /// `.mlgit/config.yml` in force, when the example needs one.
  public var config: String?
  /// Does the rule report a finding for this example?
  public var triggers: Bool
  /// Run records (ledger lines) on the example's commit, for the run gates.
  public var runs: [String] = []
  /// Who approved the new content (review rules); the change's author is `author@example.com`.
  public var approvedBy: [String] = []
  /// What the commit's signature establishes (`commits/signed`); nil: not checked.
  public var signer: CommitSigner?
  /// Runs earlier in the history (`metrics/baseline`, `metrics/regression`): ledger lines
  /// reachable from the example's commit; with `parent`, the lines recorded on the parent's
  /// version of the spec (its previous version).
  public var earlierRuns: [String] = []
  /// Other files of the example's commit by path (the data files a spec names).
  public var files: [String: String] = [:]

  public init(
    path: String = "models/example.yaml", _ content: String?, parent: String? = nil, config: String? = nil,
    triggers: Bool
  ) {
    self.path = path
    self.content = content
    self.parent = parent
    self.config = config
    self.triggers = triggers
  }

  /// An example with run records on its commit.
  public init(
    path: String = "models/example.yaml", _ content: String?, parent: String? = nil, config: String? = nil,
    runs: [String], triggers: Bool
  ) {
    self.init(path: path, content, parent: parent, config: config, triggers: triggers)
    self.runs = runs
  }

  /// An example with run records on its commit and earlier in its history.
  public init(
    path: String = "models/example.yaml", _ content: String?, parent: String? = nil, config: String? = nil,
    runs: [String], earlierRuns: [String], triggers: Bool
  ) {
    self.init(path: path, content, parent: parent, config: config, runs: runs, triggers: triggers)
    self.earlierRuns = earlierRuns
  }

  /// The commit an example with runs stands for.
  public static let exampleCommit = "c0ffee" + String(repeating: "0", count: 34)

  /// The clock examples are judged at (`runs/stale`): 2026-01-15T00:00:00Z.
  public static let exampleNow = Date(timeIntervalSince1970: 1_768_435_200)

  /// An example whose commit carries this signature.
  public init(
    path: String = "models/example.yaml", _ content: String?, parent: String? = nil, config: String? = nil,
    signer: CommitSigner, triggers: Bool
  ) {
    self.init(path: path, content, parent: parent, config: config, triggers: triggers)
    self.signer = signer
  }

  /// An example whose new content carries approvals by these reviewers.
  public init(
    path: String = "models/example.yaml", _ content: String?, parent: String? = nil, config: String? = nil,
    approvedBy: [String], triggers: Bool
  ) {
    self.init(path: path, content, parent: parent, config: config, triggers: triggers)
    self.approvedBy = approvedBy
  }
}

/// What a rule is, for `mlgit policy explain` and for the tests.
public struct RuleDescription: Sendable {
  public var id: String
  public var summary: String
  public var rationale: String
  public var defaultSeverity: Severity
  /// The worked examples, built when asked for (by the tests and `mlgit policy explain`):
  /// a hook reads every rule's id and severity, and should not pay for example text.
  public var examples: [RuleExample] { makeExamples() }
  private let makeExamples: @Sendable () -> [RuleExample]
  /// What the rule's per-spec findings depend on, so history checks can reuse them.
  public var dependsOn: RuleDependency
  /// The options the rule takes besides `severity` (and `branches`, which every rule
  /// takes; see `allOptions`). A config setting any other is refused when loaded.
  public var options: [RuleOption]

  public init(
    id: String, summary: String, rationale: String, defaultSeverity: Severity,
    options: [RuleOption] = [],
    examples: @autoclosure @escaping @Sendable () -> [RuleExample],
    dependsOn: RuleDependency = .wholeChange
  ) {
    self.id = id
    self.summary = summary
    self.rationale = rationale
    self.defaultSeverity = defaultSeverity
    self.options = options
    self.makeExamples = examples
    self.dependsOn = dependsOn
  }
}

/// What `evaluate(_ change:in:)` reads besides the policy, stage and branch. A history
/// check judges the same spec blob in many commits and reuses findings keyed by it.
public enum RuleDependency: Sendable {
  /// The new version of the spec only (its path and blob): schema, features.
  case newSpec
  /// The old and the new version of the spec (path and both blobs): version bumps.
  case specChange
  /// Anything else: the commit, its author, notes (reviews, runs). Never reused.
  case wholeChange
}
