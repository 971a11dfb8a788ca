import MLSpec

/// The recorded runs behind a change that rules compare a model's best run with: a
/// baseline model's runs, the previous version's runs. The commands layer answers from
/// git, and only when a rule asks, so checks whose rules never compare pay nothing.
public protocol RunHistory: Sendable {
  /// Successful runs of `model` recorded on `commit` or on a commit in its history.
  func runs(of model: String, reachableFrom commit: String) -> [RunRecord]
  /// The version of the spec at `path` that came before the one `commit` holds (whose
  /// `version` is `version`), with its successful runs of `model`; nil when no earlier
  /// version of the spec has a successful run.
  func previousVersion(of path: String, model: String, version: SemanticVersion, before commit: String)
    -> PreviousVersion?
  /// Successful runs of `model` on `commit` or its history, on commits where the spec at
  /// `path` has `version` (the runs of that version: `runs/stale`, `runs/reproduced`).
  func runs(of model: String, at path: String, version: SemanticVersion, reachableFrom commit: String) -> [RunRecord]
}

/// The version of a spec a new version is compared with.
///
/// It is the highest version below the new one that the spec at the same path held in a
/// commit of the new commit's history on which a successful run of the model is recorded:
/// versions that were never trained are skipped, and a branch that went back to an older
/// version number does not make that the previous version.
public struct PreviousVersion: Sendable {
  public var version: SemanticVersion
  /// The spec as that version wrote it (its bounds choose its best run).
  public var spec: ModelSpec?
  /// Its successful runs of the model, oldest first.
  public var runs: [RunRecord]

  public init(version: SemanticVersion, spec: ModelSpec?, runs: [RunRecord]) {
    self.version = version
    self.spec = spec
    self.runs = runs
  }

  /// Its best run, chosen as `metrics/threshold` chooses: most of that version's
  /// `validation.metrics` bounds met, then the latest to finish.
  public var bestRun: RunRecord? {
    MetricCheck.best(of: runs, against: spec?.metrics ?? [])?.run
  }
}

/// A history held in memory: the rule examples' (and unit tests') stand-in for git.
public struct RecordedRunHistory: RunHistory {
  /// Runs reachable from every commit asked about.
  public var earlierRuns: [RunRecord]
  public var previous: PreviousVersion?

  public init(earlierRuns: [RunRecord] = [], previous: PreviousVersion? = nil) {
    self.earlierRuns = earlierRuns
    self.previous = previous
  }

  public func runs(of model: String, reachableFrom commit: String) -> [RunRecord] {
    earlierRuns.filter { $0.model == model && $0.succeeded }
  }

  public func previousVersion(of path: String, model: String, version: SemanticVersion, before commit: String)
    -> PreviousVersion?
  {
    guard let previous, previous.version < version else { return nil }
    return previous
  }

  /// The earlier runs that are not the previous version's (in memory, versions are not placed on commits).
  public func runs(of model: String, at path: String, version: SemanticVersion, reachableFrom commit: String)
    -> [RunRecord]
  {
    guard previous?.version != version else { return previous?.runs ?? [] }
    let ofPrevious = Set(previous?.runs.map(\.id) ?? [])
    return earlierRuns.filter { $0.model == model && $0.succeeded && !ofPrevious.contains($0.id) }
  }
}
