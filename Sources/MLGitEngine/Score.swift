import FoundationEssentials
import GitKit
import MLGitReport
import MLPolicy
import MLSpec

/// Collects, from git, the facts `ScoreGrader` judges: the specs in the revision's tree,
/// the policy in force there, the model's runs reachable from it, the approvals on each
/// spec's blob and the documents its `readiness:` block names.
public struct ScoreBuilder {
  let workspace: Workspace
  var modelFilter: String?
  init(workspace: Workspace, modelFilter: String? = nil) {
    self.workspace = workspace
    self.modelFilter = modelFilter
  }

  /// Every model's score at HEAD by name, for the audit page; empty when HEAD has no
  /// commit or cannot be scored (a broken config), which the audit reports in its own way.
  static func scoresAtHead(_ workspace: Workspace) -> [String: ModelScore] {
    guard (try? workspace.repository.headCommit()) != nil,
      let report = try? ScoreBuilder(workspace: workspace).build(revision: "HEAD")
    else { return [:] }
    return Dictionary(report.models.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
  }

  func build(revision: String) throws -> ScoreReport {
    let repository = workspace.repository
    let commit: OID
    do {
      commit = try repository.resolveCommit(revision)
    } catch let error as GitError {
      throw CommandFailure.usage("mlgit: score: \(error.message)")
    }
    let policy = try workspace.policy(before: commit)
    let tree = try repository.treeOf(commit: commit)
    var report = ScoreReport(
      generated: UTCTimestamp.now(),
      repository: repository.workingDirectory.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
        ?? repository.gitDirectory,
      revision: revision, commit: commit.hex, policySources: policy.sources)

    // Every spec file in the revision's tree (regular files; a symlink is read where it leads
    // by the checks, and scoring the file it leads to under its own path is enough).
    let files = try repository.diff(from: nil, to: tree, prefixes: policy.specGlobs.prefixes)
      .filter { $0.newIsRegularFile && policy.specGlobs.matches($0.path) }
      .sorted { $0.path < $1.path }
    var specs: [(path: String, blob: OID, spec: ModelSpec)] = []
    for file in files {
      guard let blob = file.newID else { continue }
      do {
        let data = try repository.blob(blob, limit: Document.sizeLimit)
        let (spec, _) = ModelSpec.read(try Document.parse(data))
        guard let spec, !spec.name.isEmpty else {
          report.unreadable.append((file.path, "no model name"))
          continue
        }
        if let modelFilter, spec.name != modelFilter { continue }
        specs.append((file.path, blob, spec))
      } catch let error as DocumentError {
        report.unreadable.append((file.path, error.message))
      } catch let error as BlobTooLarge {
        report.unreadable.append((file.path, error.description))
      }
    }
    guard !specs.isEmpty else { return report }

    let runsByCommit = try RunLedger.load(repository)
    let names = Set(specs.map(\.spec.name))
    let baselines = Set(specs.compactMap(\.spec.validationEvidence.baselineName))
    let candidateRuns = runsByCommit.values.joined().filter { names.contains($0.model) && $0.succeeded }
    var reachable = Set<String>()
    // The versions of each model's runs, for the regression evidence: read only if asked.
    let history = GitRunHistory(repository: try repository.reopen(), runs: runsByCommit)
    if !candidateRuns.isEmpty || !baselines.isEmpty {
      let walk = RevWalk(repository: repository)
      walk.push(commit)
      reachable = Set(try walk.commits().map(\.hex))
    }
    let reproductions = candidateRuns.isEmpty ? [:] : try RunLedger.loadReproductions(repository)
    let now = EvidenceClock.now(for: nil)
    let reviews = try ReviewSources(repository: repository).allRecords()
    let packs = ScoreGrader.packsEnforcing()

    for (path, blob, spec) in specs {
      var facts = ScoreFacts(model: spec.name, specPath: path, commit: commit.hex, policy: policy)
      facts.runs = candidateRuns.filter { $0.model == spec.name && reachable.contains($0.commit) }
        .sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
      facts.approvals = (reviews[blob.hex] ?? []).filter(\.isApproval)
      facts.bounds = spec.metrics
      facts.readiness = spec.readiness
      for reference in spec.readiness {
        // Only a file counts: a folder, a symlink or a submodule is not a document.
        if let entry = try repository.entry(at: reference.path, inTree: tree), entry.isBlob {
          facts.documents[reference.path] = entry.id.hex
        }
      }
      facts.packsEnforcing = packs
      facts.validation = spec.validationEvidence
      facts.dataSchemas = spec.data.filter { $0.schema != nil }
      if let baseline = spec.validationEvidence.baselineName {
        facts.baselineRuns = runsByCommit.values.joined().filter {
          $0.model == baseline && $0.succeeded && reachable.contains($0.commit)
        }
        .sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
      }
      if let version = spec.version, !facts.runs.isEmpty {
        facts.versionRuns = history.runs(of: spec.name, at: path, version: version, reachableFrom: commit.hex)
        facts.previousVersion = history.previousVersion(
          of: path, model: spec.name, version: version, before: commit.hex)
      }
      let ids = Set(facts.runs.map(\.id))
      facts.reproductions = Set(facts.runs.map(\.commit)).sorted().flatMap { reproductions[$0] ?? [] }
        .filter { ids.contains($0.run) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
      facts.version = spec.version?.description
      facts.staleness = spec.staleness
      facts.budget = spec.budget
      facts.now = now
      report.models.append(ScoreGrader.grade(facts, version: spec.version.map { "\($0)" }))
    }
    report.models.sort { ($0.model, $0.specPath) < ($1.model, $1.specPath) }
    return report
  }
}
