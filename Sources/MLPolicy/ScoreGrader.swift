import FoundationEssentials
import MLSpec

/// What the repository holds about one model at one revision: the values `ScoreGrader`
/// judges. Collected from git by the score command's engine.
public struct ScoreFacts: Sendable {
  public var model: String
  public var specPath: String
  /// The revision scored (full commit id).
  public var commit: String
  /// The policy in force at that revision (its `.mlgit/config.yml`, else `default`).
  public var policy: EffectivePolicy
  /// Successful recorded runs of the model on commits reachable from the revision.
  public var runs: [RunRecord] = []
  /// Approvals recorded on the spec's blob at the revision.
  public var approvals: [ReviewRecord] = []
  /// The spec's `validation.metrics` bounds.
  public var bounds: [MetricBound] = []
  /// The spec's `readiness:` entries.
  public var readiness: [ReadinessReference] = []
  /// Readiness paths that are files in the revision's tree, with their blob ids.
  public var documents: [String: String] = [:]
  /// The shipped packs in which each rule would earn its full point (for hints).
  public var packsEnforcing: [String: [String]] = [:]
  /// The spec's data entries that declare a `schema:` (`data.<name>.schema`).
  public var dataSchemas: [DataReference] = []
  /// The spec's `validation.slices`, `fairness` and `baseline`.
  public var validation = ValidationEvidence()
  /// Successful runs of the baseline model `validation.baseline` names, reachable from the revision.
  public var baselineRuns: [RunRecord] = []
  /// Successful runs of the scored version (reachable runs on commits where the spec has
  /// the revision's version), and the previous version with its runs.
  public var versionRuns: [RunRecord] = []
  public var previousVersion: PreviousVersion?
  /// Reproductions recorded for runs in `runs` (`mlgit reproduce`).
  public var reproductions: [ReproductionRecord] = []
  /// The spec's version as written, and its `budget:` and `staleness:` blocks.
  public var version: String?
  public var budget: ResourceBudget?
  public var staleness: Staleness?
  /// The clock ages are judged against (`EvidenceClock`).
  public var now = Date()

  public init(model: String, specPath: String, commit: String, policy: EffectivePolicy) {
    self.model = model
    self.specPath = specPath
    self.commit = commit
    self.policy = policy
  }
}

/// One piece of evidence behind a test's points.
public struct ScoreEvidence: Sendable, Equatable, Codable {
  /// `rule`, `always`, `runs`, `tuning-runs`, `validated-run`, `data-schema`, `approval`, `readiness`, …
  public var kind: String
  /// What this evidence earns on its own (the test takes the largest).
  public var points: Double
  public var text: String
  public var rule: String?
  public var severity: String?
  /// The branch globs the rule runs on (`*`: every branch).
  public var branches: [String]?
  public var runs: [String]?
  public var commits: [String]?
  public var reviewers: [String]?
  public var path: String?
  public var blob: String?

  public init(kind: String, points: MLTestScore.Points, text: String) {
    self.kind = kind
    self.points = points.rawValue
    self.text = text
  }
}

/// One test's result for one model.
public struct ScoredTest: Sendable {
  public var test: MLTestScore.Test
  public var points: MLTestScore.Points
  public var evidence: [ScoreEvidence]
  /// What would raise it (nil at a full point).
  public var hint: String?
}

/// One section's results.
public struct ScoredSection: Sendable {
  public var section: MLTestScore.Section
  public var tests: [ScoredTest]
  public var score: Double { MLTestScore.sectionScore(tests.map(\.points)) }
}

/// One model's ML Test Score.
public struct ModelScore: Sendable {
  public var model: String
  public var specPath: String
  public var version: String?
  public var commit: String
  public var sections: [ScoredSection]
  public var score: Double { MLTestScore.modelScore(sections.map(\.score)) }
  /// The section that sets the score (the first of the lowest).
  public var weakest: MLTestScore.Section? {
    sections.min { $0.score < $1.score }?.section
  }
}

/// Grades the 28 tests from facts, honestly: a full point only where a rule enforces
/// the test at error severity on every protected branch (or mlgit always enforces it);
/// half a point where evidence exists that nothing enforces; nothing otherwise.
public enum ScoreGrader {
  public static func grade(_ facts: ScoreFacts, version: String? = nil) -> ModelScore {
    let sections = MLTestScore.Section.allCases.map { section in
      ScoredSection(section: section, tests: MLTestScore.tests(in: section).map { grade($0, facts) })
    }
    return ModelScore(
      model: facts.model, specPath: facts.specPath, version: version, commit: facts.commit,
      sections: sections)
  }

  public static func grade(_ test: MLTestScore.Test, _ facts: ScoreFacts) -> ScoredTest {
    var evidence: [ScoreEvidence] = []
    var raise: [String] = []  // what would earn the full point
    var half: [String] = []  // what would earn half a point
    for source in test.sources {
      switch source {
      case .rule(let id, let line, let options):
        guard RuleRegistry.rule(id: id) != nil else { continue }  // a rule this mlgit does not have
        if var found = ruleEvidence(id, options: options, policy: facts.policy) {
          // A rule enforcing what the spec does not declare checks nothing for this model.
          var enforcing = true
          if found.points == 1, let (why, declare) = undeclared(id, facts) {
            found.points = MLTestScore.Points.half.rawValue
            found.text += ", but \(why)"
            raise.append(declare)
            enforcing = false
          }
          evidence.append(found)
          if found.points < 1 && enforcing { raise.append(ruleHint(id, line: line, facts: facts)) }
        } else {
          raise.append(ruleHint(id, line: line, facts: facts))
        }
      case .always(let what):
        evidence.append(ScoreEvidence(kind: "always", points: .full, text: "mlgit always enforces this: \(what)"))
      case .runs:
        if facts.runs.isEmpty {
          half.append("record a training run: `mlgit run --metrics metrics.json -- <training command>`")
        } else {
          var item = ScoreEvidence(
            kind: "runs", points: .half,
            text:
              "\(facts.runs.count) successful recorded run\(facts.runs.count == 1 ? "" : "s") of '\(facts.model)': \(listed(facts.runs))"
          )
          item.runs = facts.runs.map(\.id)
          item.commits = unique(facts.runs.map(\.commit))
          evidence.append(item)
        }
      case .tuningRuns:
        var byParams: [String: RunRecord] = [:]
        for run in facts.runs where byParams[run.params.canonical] == nil { byParams[run.params.canonical] = run }
        if byParams.count >= 2 {
          let chosen = byParams.values.sorted { $0.id < $1.id }
          var item = ScoreEvidence(
            kind: "tuning-runs", points: .half,
            text: "successful runs with \(byParams.count) different hyperparameter sets: \(listed(chosen))")
          item.runs = chosen.map(\.id)
          item.commits = unique(chosen.map(\.commit))
          evidence.append(item)
        } else {
          half.append(
            "record runs of at least two hyperparameter sets (a sweep), each with `mlgit run record --metrics metrics.json --params params.json`"
          )
        }
      case .validatedRun:
        let passing =
          facts.bounds.isEmpty ? [] : facts.runs.filter { run in facts.bounds.allSatisfy { meets(run, $0) } }
        if !passing.isEmpty {
          var item = ScoreEvidence(
            kind: "validated-run", points: .half,
            text:
              "\(listed(passing)) meet\(passing.count == 1 ? "s" : "") every bound of validation.metrics (\(facts.bounds.map(\.metric).joined(separator: ", ")))"
          )
          item.runs = passing.map(\.id)
          item.commits = unique(passing.map(\.commit))
          evidence.append(item)
        } else if facts.bounds.isEmpty {
          half.append(
            "declare the bar in \(facts.specPath): `validation: {metrics: {auc: {min: 0.8}}}`, and record a run that meets it"
          )
        } else {
          half.append(
            "record a run whose metrics meet validation.metrics: `mlgit run --metrics metrics.json -- <training command>`"
          )
        }
      case .dataSchema:
        if facts.dataSchemas.isEmpty {
          half.append(
            "declare the columns of the model's data in \(facts.specPath): `data: {train: {path: data/train.csv, schema: {income: float, age: {type: int, min: 18}}}}`"
          )
        } else {
          let names = facts.dataSchemas.map {
            "\($0.name) (\($0.path), line \($0.schema?.location.line ?? $0.location.line))"
          }
          var item = ScoreEvidence(
            kind: "data-schema", points: .half,
            text: "\(facts.specPath) declares the columns of data " + names.joined(separator: ", "))
          item.path = facts.specPath
          item.commits = [facts.commit]
          evidence.append(item)
        }
      case .slicedRun, .fairRun, .baselineBeaten, .noRegression:
        switch metricEvidence(source, facts) {
        case .found(let item): evidence.append(item)
        case .wanted(let hint): half.append(hint)
        }
      case .approval:
        if facts.approvals.isEmpty {
          half.append("have a reviewer approve the spec: `mlgit review approve \(String(facts.commit.prefix(12)))`")
        } else {
          var item = ScoreEvidence(
            kind: "approval", points: .half,
            text: "\(facts.specPath) (blob \(String((facts.approvals.first?.blob ?? "").prefix(12)))) approved by "
              + unique(facts.approvals.map(\.reviewer)).joined(separator: ", "))
          item.reviewers = unique(facts.approvals.map(\.reviewer))
          item.blob = facts.approvals.first?.blob
          item.path = facts.specPath
          evidence.append(item)
        }
      case .reproduction:
        let reproduced = facts.reproductions.filter(\.reproduced)
        if reproduced.isEmpty {
          half.append(
            "reproduce a run from its commit: `mlgit reproduce \(facts.runs.last?.id ?? "RUN") --yes` (mlgit records the verdict)"
          )
        } else {
          let shown = reproduced.prefix(5).map { "reproduction \($0.id) of run \($0.run) by \($0.user) at \($0.at)" }
          var item = ScoreEvidence(
            kind: "reproduction", points: .half,
            text: shown.joined(separator: ", ") + (reproduced.count > 5 ? " and \(reproduced.count - 5) more" : ""))
          item.runs = unique(reproduced.map(\.run))
          item.commits = unique(reproduced.map(\.commit))
          evidence.append(item)
        }
      case .measuredRuns:
        let measured = facts.runs.filter { $0.resources != nil }
        if measured.isEmpty {
          half.append("train with `mlgit run -- <training command>`, which records wall time, CPU time and peak memory")
        } else {
          let latest = measured[measured.count - 1]
          var item = ScoreEvidence(
            kind: "measured-runs", points: .half,
            text:
              "\(measured.count) run\(measured.count == 1 ? "" : "s") with recorded resource usage, the latest \(latest.id): \(latest.resources.map(\.summary) ?? "")"
          )
          item.runs = measured.map(\.id)
          item.commits = unique(measured.map(\.commit))
          evidence.append(item)
        }
      case .freshRun:
        break  // `freshness` below: it can also cap the test
      }
    }
    // A model too stale right now is not "not too stale", whatever enforces it at push.
    var stale: String?
    if test.sources.contains(.freshRun) { stale = freshness(facts, evidence: &evidence, half: &half) }
    // Every test accepts a document the spec declares: half a point, if it is in the commit.
    let readinessLine =
      "add to \(facts.specPath): `readiness: {\(test.id): docs/readiness/\(test.id).md}` and commit that document"
    var declared = false
    for reference in facts.readiness where reference.test == test.id {
      if let blob = facts.documents[reference.path] {
        var item = ScoreEvidence(
          kind: "readiness", points: .half,
          text: "readiness: \(test.id) -> \(reference.path) (\(facts.specPath):\(reference.location.line))")
        item.path = reference.path
        item.blob = blob
        item.commits = [facts.commit]
        evidence.append(item)
        declared = true
      } else {
        var item = ScoreEvidence(
          kind: "readiness", points: .none,
          text:
            "readiness: \(test.id) -> \(reference.path) is not a file in \(String(facts.commit.prefix(12))): it counts for nothing"
        )
        item.path = reference.path
        item.commits = [facts.commit]
        evidence.append(item)
        half.insert(
          "commit \(reference.path), which \(facts.specPath):\(reference.location.line) names for \(test.id)", at: 0)
      }
    }
    if !declared, !half.contains(where: { $0.hasPrefix("commit ") }) { half.append(readinessLine) }

    var best = evidence.map { MLTestScore.Points(rawValue: $0.points) ?? .none }.max() ?? .none
    if stale != nil { best = .none }
    var hint: String?
    if best < .full {
      var parts: [String] = []
      if let stale {
        parts.append(stale)
      } else if let why = test.unobservable {
        parts.append(
          "a repository cannot observe this (\(why)): half a point at most, from a document the spec declares")
      } else if raise.isEmpty {
        parts.append("no mlgit rule checks this yet: half a point at most, from evidence")
      }
      if !raise.isEmpty { parts.append("for 1 point: " + raise.joined(separator: "; or ")) }
      if best < .half { parts.append("for 0.5: " + half.joined(separator: "; or ")) }
      hint = parts.joined(separator: "; ")
    }
    return ScoredTest(test: test, points: best, evidence: evidence, hint: hint)
  }

  /// Monitor-4's evidence: the newest run of the version at the revision against the spec's
  /// `staleness:`. Returns why the test is capped at 0 when that run is too old (or only
  /// future-dated runs exist), nil otherwise.
  static func freshness(_ facts: ScoreFacts, evidence: inout [ScoreEvidence], half: inout [String]) -> String? {
    let label = "'\(facts.model)'\(facts.version.map { " \($0)" } ?? "")"
    guard let staleness = facts.staleness else {
      half.append(
        "declare how old a model may get in \(facts.specPath): `staleness: {max_age_days: 30}`, and keep a run of the version within it"
      )
      return nil
    }
    // The version's runs: on commits of REV's history where the spec has REV's version.
    let ofVersion = facts.versionRuns
    let limit = "staleness.max_age_days \(RunsStaleRule.daysText(staleness.maxAgeDays))"
    switch RunsStaleRule.judge(ofVersion, maxAgeDays: staleness.maxAgeDays, now: facts.now) {
    case nil:
      half.append("record a run of \(label): `mlgit run -- <training command>`")
      return nil
    case .fresh(let run, let days)?:
      var item = ScoreEvidence(
        kind: "fresh-run", points: .half,
        text:
          "newest run \(run.id) of \(label) finished \(run.finished), \(RunsStaleRule.daysText(days)) days ago, within \(limit)"
      )
      item.runs = [run.id]
      item.commits = [run.commit]
      evidence.append(item)
      return nil
    case .stale(let run, let days)?:
      var item = ScoreEvidence(
        kind: "fresh-run", points: .none,
        text:
          "newest run \(run.id) of \(label) finished \(run.finished), \(RunsStaleRule.daysText(days)) days ago, over \(limit)"
      )
      item.runs = [run.id]
      item.commits = [run.commit]
      evidence.append(item)
      return
        "\(label) is stale now (newest run \(run.id), \(RunsStaleRule.daysText(days)) days old, over \(limit)): retrain and record the run (`mlgit run -- <training command>`)"
    case .onlyFuture(let run)?:
      var item = ScoreEvidence(
        kind: "fresh-run", points: .none,
        text:
          "run \(run.id) of \(label) is dated \(run.finished), after the clock: runs dated in the future do not count")
      item.runs = [run.id]
      item.commits = [run.commit]
      evidence.append(item)
      return
        "no run of \(label) is dated before now (run \(run.id) claims \(run.finished)): record a run with a true date (`mlgit run -- <training command>`)"
    }
  }

  /// The rule's standing at the revision: nil when off; a full point at error on every
  /// protected branch (with the options the test needs); half a point otherwise.
  static func ruleEvidence(_ id: String, options: [String: Bool], policy: EffectivePolicy) -> ScoreEvidence? {
    let severity = policy.severity(of: id)
    guard severity != .off else { return nil }
    let scope = policy.branchScope(of: id)
    let protected = policy.protectedBranches
    let covered =
      !protected.isEmpty
      && protected.allSatisfy { branch in
        scope.map { $0.contains { BranchGlobMemo.shared.matches($0, branch) } } ?? true
      }
    let missing = options.filter { key, value in policy.option(id, key)?.bool != value }.keys.sorted()
    let enforced = severity == .error && covered && missing.isEmpty
    var why: [String] = []
    if severity != .error { why.append("it reports but does not refuse") }
    if protected.isEmpty {
      why.append("no protected_branches, so nothing guards a release")
    } else if !covered {
      why.append("its branches do not cover every protected branch (\(protected.joined(separator: ", ")))")
    }
    for key in missing { why.append("without \(key): \(options[key] == true ? "true" : "false")") }
    var item = ScoreEvidence(
      kind: "rule", points: enforced ? .full : .half,
      text: "rule \(id) at \(severity.rawValue) on \(scope.map { $0.joined(separator: ", ") } ?? "every branch")"
        + (enforced ? ", enforced on \(protected.joined(separator: ", "))" : ": " + why.joined(separator: "; ")))
    item.rule = id
    item.severity = severity.rawValue
    item.branches = scope ?? ["*"]
    return item
  }

  static func ruleHint(_ id: String, line: String, facts: ScoreFacts) -> String {
    var text = "under rules: in .mlgit/config.yml: `\(line)`"
    if facts.policy.protectedBranches.isEmpty { text += " with `protected_branches: [main]`" }
    if let packs = facts.packsEnforcing[id], let first = packs.first {
      text += " (the \(first) pack has it: `extends: [\(first)]`)"
    }
    return text
  }

  /// Run ids with their commits, the first five: `18edccfd8673 on 8b9883a6, …`.
  static func listed(_ runs: [RunRecord]) -> String {
    let shown = runs.prefix(5).map { "run \($0.id) on \($0.commit.prefix(8))" }.joined(separator: ", ")
    return runs.count > 5 ? shown + " and \(runs.count - 5) more" : shown
  }

  static func meets(_ run: RunRecord, _ bound: MetricBound) -> Bool {
    guard let value = run.metrics[bound.metric] else { return false }
    if let min = bound.min, value < min { return false }
    if let max = bound.max, value > max { return false }
    return true
  }

  static func unique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
  }

  /// For each rule of the table, the shipped packs (in `ShippedPacks` order) in which it
  /// earns its full point: what a hint can suggest extending.
  public static func packsEnforcing() -> [String: [String]] {
    var result: [String: [String]] = [:]
    // The smallest pack first: `default`, then `strict`, then those built on them.
    let rank = ["default": 0, "strict": 1, "regulated": 3]
    for pack in ShippedPacks.files.keys.sorted(by: { (rank[$0] ?? 2, $0) < (rank[$1] ?? 2, $1) }) {
      guard let policy = try? EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [\(pack)]\n".utf8))
      else { continue }
      for test in MLTestScore.tests {
        for case .rule(let id, _, let options) in test.sources {
          if ruleEvidence(id, options: options, policy: policy)?.points == 1 { result[id, default: []].append(pack) }
        }
      }
    }
    return result
  }
}
