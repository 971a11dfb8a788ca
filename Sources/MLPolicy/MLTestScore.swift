import FoundationEssentials
import MLSpec

/// The ML Test Score rubric (Breck, Cai, Nielsen, Salib, Sculley, "The ML Test Score: A
/// Rubric for ML Production Readiness and Technical Debt Reduction", IEEE Big Data 2017):
/// 28 tests in four sections of seven, and for each test the evidence mlgit accepts.
/// This table is the one place the mapping lives; docs/score.md prints the same table.
public enum MLTestScore {
  /// The four sections, in the paper's order.
  public enum Section: String, CaseIterable, Sendable, Codable {
    case data, model, infrastructure, monitoring

    /// The prefix of its test ids (`data-1`, `model-1`, `infra-1`, `monitor-1`).
    public var testPrefix: String {
      switch self {
      case .data: return "data"
      case .model: return "model"
      case .infrastructure: return "infra"
      case .monitoring: return "monitor"
      }
    }

    public var title: String {
      switch self {
      case .data: return "Features and data"
      case .model: return "Model development"
      case .infrastructure: return "ML infrastructure"
      case .monitoring: return "Monitoring"
      }
    }
  }

  /// Evidence that can earn a test its points. Every test also accepts a document the
  /// spec names in `readiness:` (half a point), so that is not listed per test.
  public enum Source: Sendable, Equatable {
    /// A rule: a full point when it runs at error severity on every protected branch (and
    /// with `options` set as given); half a point when it runs but does not enforce there.
    /// `line` is what to write under `rules:` in `.mlgit/config.yml` to enforce it. A rule
    /// this mlgit does not have yet earns nothing and is not suggested.
    case rule(String, line: String, options: [String: Bool] = [:])
    /// mlgit enforces this itself, whatever the policy: a full point.
    case always(String)
    /// At least one successful recorded run of the model reachable from the revision.
    case runs
    /// Successful runs with at least two different hyperparameter sets (a sweep).
    case tuningRuns
    /// A successful run whose metrics meet every bound of the spec's `validation.metrics`.
    case validatedRun
    /// An approval recorded on the spec's blob at the revision.
    case approval
    /// A `data.<name>.schema` the spec declares (expectations written down, not yet enforced).
    case dataSchema
    /// A successful run meeting every bound of every slice in `validation.slices`.
    case slicedRun
    /// A successful run whose gaps between groups are within every `validation.fairness` max_gap.
    case fairRun
    /// A successful run beating `validation.baseline` (values, or the baseline model's best run).
    case baselineBeaten
    /// The scored version's best run is not worse than the previous version's best run
    /// (the `metrics/regression` comparison, at its default tolerance).
    case noRegression
    /// A recorded reproduction (`mlgit reproduce`) that reproduced a run of the model.
    case reproduction
    /// A successful run of the model that recorded its resource usage (`mlgit run`).
    case measuredRuns
    /// The spec declares `staleness:` and the newest run of its version is younger than
    /// that, as of the clock; a version older than that caps the test at 0.
    case freshRun
  }

  /// One test of the rubric.
  public struct Test: Sendable {
    public var section: Section
    public var number: Int
    public var title: String
    public var sources: [Source]
    /// Why a repository cannot see this test done (it happens in serving): such a test
    /// reaches half a point at most, from a declared document. Nil: observable.
    public var unobservable: String?

    public var id: String { "\(section.testPrefix)-\(number)" }
  }

  /// What a test earns: the rubric knows only these three values.
  public enum Points: Double, Sendable, Comparable, Codable {
    case none = 0
    case half = 0.5
    case full = 1

    public static func < (a: Points, b: Points) -> Bool { a.rawValue < b.rawValue }
  }

  static let gate = "{severity: error, branches: protected}"

  /// The 28 tests, section by section, with the evidence each accepts.
  public static let tests: [Test] = [
    Test(
      section: .data, number: 1, title: "Feature expectations are captured in a schema",
      sources: [.rule("data/schema", line: "data/schema: error"), .dataSchema]),
    Test(section: .data, number: 2, title: "All features are beneficial", sources: []),
    Test(section: .data, number: 3, title: "No feature's cost is too much", sources: []),
    Test(
      section: .data, number: 4, title: "Features adhere to meta-level requirements",
      sources: [.rule("features/protected", line: "features/protected: error")]),
    Test(
      section: .data, number: 5, title: "The data pipeline has appropriate privacy controls",
      sources: [.rule("data/protected-columns", line: "data/protected-columns: error")]),
    Test(section: .data, number: 6, title: "New features can be added quickly", sources: []),
    Test(section: .data, number: 7, title: "All input feature code is tested", sources: []),

    Test(
      section: .model, number: 1, title: "Model specs are reviewed and submitted",
      sources: [
        .rule(
          "hyperparameters/review",
          line: "hyperparameters/review: {severity: error, approvals: 1, enforce: push, new_specs: true}",
          options: ["new_specs": true]), .approval,
      ]),
    Test(
      section: .model, number: 2, title: "Offline and online metrics correlate", sources: [],
      unobservable: "online metrics are measured in serving, outside the repository"),
    Test(section: .model, number: 3, title: "All hyperparameters have been tuned", sources: [.tuningRuns]),
    Test(section: .model, number: 4, title: "The impact of model staleness is known", sources: []),
    Test(
      section: .model, number: 5, title: "A simpler model is not better",
      sources: [.rule("metrics/baseline", line: "metrics/baseline: \(gate)"), .baselineBeaten]),
    Test(
      section: .model, number: 6, title: "Model quality is sufficient on important data slices",
      sources: [.rule("metrics/slices", line: "metrics/slices: \(gate)"), .slicedRun]),
    Test(
      section: .model, number: 7, title: "The model is tested for considerations of inclusion",
      sources: [.rule("metrics/fairness", line: "metrics/fairness: \(gate)"), .fairRun]),

    Test(
      section: .infrastructure, number: 1, title: "Training is reproducible",
      sources: [.rule("runs/reproduced", line: "runs/reproduced: \(gate)"), .reproduction]),
    Test(section: .infrastructure, number: 2, title: "Model specs are unit tested", sources: []),
    Test(
      section: .infrastructure, number: 3, title: "The ML pipeline is integration tested",
      sources: [.rule("runs/required", line: "runs/required: \(gate)"), .runs]),
    Test(
      section: .infrastructure, number: 4, title: "Model quality is validated before serving",
      sources: [.rule("metrics/threshold", line: "metrics/threshold: \(gate)"), .validatedRun]),
    Test(section: .infrastructure, number: 5, title: "The model is debuggable", sources: []),
    Test(
      section: .infrastructure, number: 6, title: "Models are canaried before serving", sources: [],
      unobservable: "canaries run in serving, outside the repository"),
    Test(
      section: .infrastructure, number: 7, title: "Serving models can be rolled back", sources: [],
      unobservable: "rollback happens in serving, outside the repository"),

    Test(section: .monitoring, number: 1, title: "Dependency changes result in notification", sources: []),
    Test(
      section: .monitoring, number: 2, title: "Data invariants hold for training and serving inputs", sources: [],
      unobservable: "serving inputs never reach the repository"),
    Test(
      section: .monitoring, number: 3, title: "Training and serving features compute the same values", sources: [],
      unobservable: "training/serving skew is measured in serving, outside the repository"),
    Test(
      section: .monitoring, number: 4, title: "Models are not too stale",
      sources: [.rule("runs/stale", line: "runs/stale: \(gate)"), .freshRun]),
    Test(
      section: .monitoring, number: 5, title: "The model is numerically stable",
      sources: [.always("metrics are finite: mlgit run and mlgit run record refuse NaN and infinite metrics")]),
    Test(
      section: .monitoring, number: 6, title: "Computing performance has not regressed",
      sources: [.rule("runs/budget", line: "runs/budget: \(gate)"), .measuredRuns]),
    Test(
      section: .monitoring, number: 7, title: "Prediction quality has not regressed",
      sources: [.rule("metrics/regression", line: "metrics/regression: \(gate)"), .noRegression]),
  ]

  /// The tests of one section, in order.
  public static func tests(in section: Section) -> [Test] { tests.filter { $0.section == section } }

  /// A section's score: the sum of its tests' points.
  public static func sectionScore(_ points: [Points]) -> Double { points.reduce(0) { $0 + $1.rawValue } }

  /// The model's ML Test Score: the minimum of its section scores (0 with no section).
  public static func modelScore(_ sectionScores: [Double]) -> Double { sectionScores.min() ?? 0 }
}
