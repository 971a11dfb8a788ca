import Foundation
import GitKit
import MLPolicy
import MLSpec

/// `RunHistory` answered from git: the ledger's runs placed in a commit's history
/// (`git_graph_descendant_of` for each commit that holds a run of the model asked about),
/// and the spec each of those commits held at a path. Nothing is read until a rule asks,
/// and each answer is remembered for the rest of the check.
final class GitRunHistory: RunHistory, @unchecked Sendable {
  // @unchecked Sendable: `repository` (a libgit2 handle, one thread at a time) and the
  // caches are only touched with `lock` held.
  private let lock = NSLock()
  private let repository: Repository
  private let runs: [String: [RunRecord]]
  private var reachable: [String: Bool] = [:]
  /// Each asked commit's history (itself included), walked once where many run commits
  /// are asked about: one `git_graph_descendant_of` per run commit walks the history
  /// again each time (minutes on a 3,000-commit ledger; the walk takes milliseconds).
  private var histories: [String: Set<String>] = [:]
  private var specs: [String: ModelSpec?] = [:]
  private var specBlobs: [String: ModelSpec?] = [:]
  /// Above this many run commits, a question walks the asked commit's history once.
  static let walkAbove = 16

  /// The rules that ask for runs earlier in the history; the history is only built where
  /// one of them is in force.
  static let askingRules = ["metrics/baseline", "metrics/regression", "runs/budget", "runs/stale", "runs/reproduced"]

  /// A history over `runs` (by commit hex), or nil when no rule in force would ask.
  static func make(for policy: EffectivePolicy, repository: Repository, runs: [String: [RunRecord]]) throws -> GitRunHistory? {
    guard askingRules.contains(where: { policy.severity(of: $0) != .off }) else { return nil }
    return GitRunHistory(repository: try repository.reopen(), runs: runs)
  }

  init(repository: Repository, runs: [String: [RunRecord]]) {
    self.repository = repository
    self.runs = runs
  }

  func runs(of model: String, reachableFrom commit: String) -> [RunRecord] {
    lock.lock()
    defer { lock.unlock() }
    let candidates = runCommits(of: model)
    prepare(commit, asking: candidates.count)
    return candidates.flatMap { runCommit -> [RunRecord] in
      let ofModel = (runs[runCommit] ?? []).filter { $0.model == model && $0.succeeded }
      guard !ofModel.isEmpty, isReachable(runCommit, from: commit) else { return [] }
      return ofModel
    }.sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
  }

  func previousVersion(of path: String, model: String, version: SemanticVersion, before commit: String) -> PreviousVersion? {
    lock.lock()
    defer { lock.unlock() }
    let earlier = trainedVersions(of: path, model: model, reachableFrom: commit).filter { $0.version < version }
    guard let highest = earlier.map(\.version).max() else { return nil }
    let ofVersion = earlier.filter { $0.version == highest }
    let runs = ofVersion.flatMap(\.runs).sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
    // The spec as the latest trained commit of that version wrote it.
    let latest = ofVersion.max { ($0.runs.map(\.finished).max() ?? "") < ($1.runs.map(\.finished).max() ?? "") }
    return PreviousVersion(version: highest, spec: latest?.spec, runs: runs)
  }

  /// Successful runs of `model` on `commit` or its history where the spec at `path` has `version`.
  func runs(of model: String, at path: String, version: SemanticVersion, reachableFrom commit: String) -> [RunRecord] {
    lock.lock()
    defer { lock.unlock() }
    return trainedVersions(of: path, model: model, reachableFrom: commit).filter { $0.version == version }
      .flatMap(\.runs).sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
  }

  /// Each commit of `commit`'s history (itself included) with successful runs of `model`,
  /// by the version the spec at `path` has there (a commit whose spec there is absent,
  /// unreadable, unversioned or of another model is left out). Called with `lock` held.
  private func trainedVersions(of path: String, model: String, reachableFrom commit: String)
    -> [(version: SemanticVersion, spec: ModelSpec, runs: [RunRecord])]
  {
    var found: [(version: SemanticVersion, spec: ModelSpec, runs: [RunRecord])] = []
    let candidates = runCommits(of: model)
    prepare(commit, asking: candidates.count)
    for runCommit in candidates {
      let ofModel = (runs[runCommit] ?? []).filter { $0.model == model && $0.succeeded }
      guard !ofModel.isEmpty, isReachable(runCommit, from: commit),
        let spec = spec(at: path, in: runCommit), spec.name == model, let held = spec.version
      else { continue }
      found.append((held, spec, ofModel))
    }
    return found
  }

  /// The commits holding a successful run of `model`, sorted.
  private func runCommits(of model: String) -> [String] {
    runs.keys.filter { (runs[$0] ?? []).contains { $0.model == model && $0.succeeded } }.sorted()
  }

  /// Walks `commit`'s history once when `count` run commits are to be placed in it.
  private func prepare(_ commit: String, asking count: Int) {
    guard count > Self.walkAbove, histories[commit] == nil, let id = OID(hex: commit) else { return }
    let walk = RevWalk(repository: repository)
    walk.push(id)
    // A commit the walk cannot list falls back to one question per run commit.
    if let commits = try? walk.commits() { histories[commit] = Set(commits.map(\.hex)) }
  }

  /// True when `ancestor` is `commit` or in its history; a commit this clone lacks (a
  /// shallow clone's) is not.
  private func isReachable(_ ancestor: String, from commit: String) -> Bool {
    if ancestor == commit { return true }
    if let history = histories[commit] { return history.contains(ancestor) }
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
  private func spec(at path: String, in commit: String) -> ModelSpec? {
    let key = commit + ":" + path
    if let known = specs[key] { return known }
    var found: ModelSpec?
    if let id = OID(hex: commit), let tree = try? repository.treeOf(commit: id),
      let entry = try? repository.entry(at: path, inTree: tree), entry.isBlob {
      // Most commits hold a spec blob another commit held: each blob is parsed once.
      if let known = specBlobs[entry.id.hex] {
        found = known
      } else {
        if let data = try? repository.blob(entry.id, limit: Document.sizeLimit) {
          found = SpecSnapshot(path: path, blob: entry.id.hex, data: data).spec
        }
        specBlobs[entry.id.hex] = found
      }
    }
    specs[key] = found
    return found
  }
}
