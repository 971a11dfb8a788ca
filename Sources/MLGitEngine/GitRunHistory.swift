import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec
import Synchronization

/// `RunHistory` answered from git: the ledger's runs placed in a commit's history
/// (`git_graph_descendant_of` for each commit that holds a run of the model asked about),
/// and the spec each of those commits held at a path. Nothing is read until a rule asks,
/// and each answer is remembered for the rest of the check.
final class GitRunHistory: RunHistory, Sendable {
  /// The repository handle (libgit2's: one thread at a time) and every answer
  /// remembered: rules ask from the thread that judges, whichever it is.
  private let state: Mutex<State>
  /// Above this many run commits, a question walks the asked commit's history once.
  static let walkAbove = 16

  /// The rules that ask for runs earlier in the history; the history is only built where
  /// one of them is in force.
  static let askingRules = ["metrics/baseline", "metrics/regression", "runs/budget", "runs/stale", "runs/reproduced"]

  /// A history over `runs` (by commit hex), or nil when no rule in force would ask.
  static func make(for policy: EffectivePolicy, repository: Repository, runs: [String: [RunRecord]]) throws
    -> GitRunHistory?
  {
    guard askingRules.contains(where: { policy.severity(of: $0) != .off }) else { return nil }
    return GitRunHistory(repository: try repository.reopen(), runs: runs)
  }

  init(repository: sending Repository, runs: [String: [RunRecord]]) {
    state = Mutex(State(repository: repository, runs: runs))
  }

  func runs(of model: String, reachableFrom commit: String) -> [RunRecord] {
    state.withLock { $0.runs(of: model, reachableFrom: commit) }
  }

  func previousVersion(of path: String, model: String, version: SemanticVersion, before commit: String)
    -> PreviousVersion?
  {
    state.withLock { $0.previousVersion(of: path, model: model, version: version, before: commit) }
  }

  /// Successful runs of `model` on `commit` or its history where the spec at `path` has `version`.
  func runs(of model: String, at path: String, version: SemanticVersion, reachableFrom commit: String) -> [RunRecord] {
    state.withLock { $0.runs(of: model, at: path, version: version, reachableFrom: commit) }
  }

  /// What `state`'s lock guards.
  private struct State {
    let repository: Repository
    let runs: [String: [RunRecord]]
    var reachable: [String: Bool] = [:]
    /// The last asked commit's history (itself included), walked where many run commits
    /// are asked about: one `git_graph_descendant_of` per run commit walks the history
    /// again each time (37 s on a 3,000-run ledger; the walk takes milliseconds). Only one
    /// is kept: a history check asks commit after commit, each extending the one before.
    var history: (commit: String, commits: Set<String>)?
    var specBlobs: [String: ModelSpec?] = [:]

    init(repository: Repository, runs: [String: [RunRecord]]) {
      self.repository = repository
      self.runs = runs
    }

    mutating func runs(of model: String, reachableFrom commit: String) -> [RunRecord] {
      let candidates = trained(model)
      prepare(commit, asking: candidates.count)
      return candidates.filter { isReachable($0.commit, from: commit) }.flatMap(\.runs)
        .sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
    }

    mutating func previousVersion(of path: String, model: String, version: SemanticVersion, before commit: String)
      -> PreviousVersion?
    {
      let earlier = trainedVersions(of: path, model: model, reachableFrom: commit).filter { $0.version < version }
      guard let highest = earlier.map(\.version).max() else { return nil }
      let ofVersion = earlier.filter { $0.version == highest }
      let runs = ofVersion.flatMap(\.runs).sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
      // The spec as the latest trained commit of that version wrote it.
      let latest = ofVersion.max { ($0.runs.map(\.finished).max() ?? "") < ($1.runs.map(\.finished).max() ?? "") }
      return PreviousVersion(version: highest, spec: latest.flatMap { spec(at: path, in: $0.commit) }, runs: runs)
    }

    /// Successful runs of `model` on `commit` or its history where the spec at `path` has `version`.
    mutating func runs(of model: String, at path: String, version: SemanticVersion, reachableFrom commit: String)
      -> [RunRecord]
    {
      trainedVersions(of: path, model: model, reachableFrom: commit).filter { $0.version == version }
        .flatMap(\.runs).sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
    }

    /// Each commit of `commit`'s history (itself included) with successful runs of `model`,
    /// by the version the spec at `path` has there (a commit whose spec there is absent,
    /// unreadable, unversioned or of another model is left out).
    private mutating func trainedVersions(of path: String, model: String, reachableFrom commit: String)
      -> [(commit: String, version: SemanticVersion, runs: [RunRecord])]
    {
      var found: [(commit: String, version: SemanticVersion, runs: [RunRecord])] = []
      let candidates = trained(model)
      prepare(commit, asking: candidates.count)
      for candidate in candidates where isReachable(candidate.commit, from: commit) {
        guard let held = version(at: path, in: candidate.commit, model: model) else { continue }
        found.append((candidate.commit, held, candidate.runs))
      }
      return found
    }

    /// The commits holding successful runs of `model`, with those runs, sorted by commit;
    /// worked out once per model (a history check asks for every commit it judges).
    private mutating func trained(_ model: String) -> [(commit: String, runs: [RunRecord])] {
      if let known = trainedByModel[model] { return known }
      let found = runs.keys.sorted().compactMap { commit -> (commit: String, runs: [RunRecord])? in
        let ofModel = (runs[commit] ?? []).filter { $0.model == model && $0.succeeded }
        return ofModel.isEmpty ? nil : (commit, ofModel)
      }
      trainedByModel[model] = found
      return found
    }

    private var trainedByModel: [String: [(commit: String, runs: [RunRecord])]] = [:]

    /// The version of the spec at `path` in `commit`, when it is `model`'s and has one.
    private mutating func version(at path: String, in commit: String, model: String) -> SemanticVersion? {
      let key = commit + ":" + path
      let held: HeldVersion?
      if let known = versions[key] {
        held = known
      } else if noVersion.contains(key) {
        held = nil
      } else {
        let spec = spec(at: path, in: commit)
        held = spec.flatMap { spec in spec.version.map { HeldVersion(model: spec.name, version: $0) } }
        if let held { versions[key] = held } else { noVersion.insert(key) }
      }
      guard let held, held.model == model else { return nil }
      return held.version
    }

    private struct HeldVersion {
      var model: String
      var version: SemanticVersion
    }

    private var versions: [String: HeldVersion] = [:]
    private var noVersion: Set<String> = []

    /// Walks `commit`'s history once when `count` run commits are to be placed in it: from
    /// the last walked commit's history when that commit is in this one's (only the new
    /// commits are walked), else whole.
    private mutating func prepare(_ commit: String, asking count: Int) {
      guard count > GitRunHistory.walkAbove, history?.commit != commit, let id = OID(hex: commit) else { return }
      let walk = RevWalk(repository: repository)
      walk.push(id)
      var known: Set<String> = []
      if let last = history, let lastID = OID(hex: last.commit), (try? repository.isDescendant(id, of: lastID)) == true
      {
        walk.hide(lastID)
        known = last.commits
      }
      // A commit the walk cannot list falls back to one question per run commit.
      guard let commits = try? walk.commits() else {
        history = nil
        return
      }
      known.formUnion(commits.map(\.hex))
      history = (commit, known)
    }

    /// True when `ancestor` is `commit` or in its history; a commit this clone lacks (a
    /// shallow clone's) is not.
    private mutating func isReachable(_ ancestor: String, from commit: String) -> Bool {
      if ancestor == commit { return true }
      if let history, history.commit == commit { return history.commits.contains(ancestor) }
      let key = ancestor + commit
      if let known = reachable[key] { return known }
      var answer = false
      if let a = OID(hex: ancestor), let d = OID(hex: commit), repository.contains(a) {
        answer = (try? repository.isDescendant(d, of: a)) ?? false
      }
      reachable[key] = answer
      return answer
    }

    /// The spec at `path` in `commit`, as the checks read it; nil when absent or unreadable.
    /// Each blob is parsed once, however many commits hold it.
    private mutating func spec(at path: String, in commit: String) -> ModelSpec? {
      guard let id = OID(hex: commit), let tree = try? repository.treeOf(commit: id),
        let entry = try? repository.entry(at: path, inTree: tree), entry.isBlob
      else { return nil }
      if let known = specBlobs[entry.id.hex] { return known }
      var found: ModelSpec?
      if let data = try? repository.blob(entry.id, limit: Document.sizeLimit) {
        found = SpecSnapshot(path: path, blob: entry.id.hex, data: data).spec
      }
      specBlobs[entry.id.hex] = .some(found)
      return found
    }
  }
}
