import FoundationEssentials
import GitKit
import MLGitReport
import MLPolicy
import MLSpec

/// Builds an `AuditReport` in one walk: the history checker judges each commit (reusing
/// its caches) and hands over the change it read, so nothing is diffed or parsed twice.
public final class AuditBuilder {
  let repository: Repository
  var modelFilter: String?
  /// Only commits with a committer date at or after this time (seconds since 1970).
  var since: Int64?
  var sinceText: String?
  var branch: String?

  private var models: [AuditModel] = []
  private var modelIndex: [String: Int] = [:]
  /// The model whose spec a path held last.
  private var pathOwner: [String: String] = [:]
  /// Per judged commit: for each model index, the change in force there (model change
  /// index, -1: none). Copy-on-write arrays, so commits that change no spec share them.
  private var inForce: [OID: ContiguousArray<Int32>] = [:]
  private var bypasses: [AuditBypass] = []
  private var otherFindings: [Finding] = []
  /// The history checker's approvals and signature verifiers (set by `build`).
  private var reviewSources: ReviewSources?

  init(repository: Repository) {
    self.repository = repository
  }

  func build() throws -> AuditReport {
    let checker = HistoryChecker(repository: repository)
    KeptUntilExit.keep(checker)  // its caches hold every spec read
    checker.keptUntilExit = true
    reviewSources = checker.reviews
    // The runs are read while the history walk starts on the other thread.
    var runs: [String: [RunRecord]] = [:]
    checker.whileReading = { [unowned checker, repository] in
      runs = try RunLedger.load(repository)
      checker.provideRuns(runs)
    }
    if let since { checker.include = { $0.committer.time >= since } }
    checker.onJudged = { [unowned self] judged in try self.record(judged) }
    var tips = try PushCheck(repository: repository).localRefs().map(\.commit)
    if tips.isEmpty, let head = try repository.headCommit() { tips = [head] }
    var history = HistoryReport()
    if !tips.isEmpty {
      history = try checker.judgeWalk(tips: tips, hidden: [], stage: .range, branch: branch)
    } else {
      runs = try RunLedger.load(repository)
    }
    var report = AuditReport(
      generated: UTCTimestamp.now(),
      repository: repository.workingDirectory.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
        ?? repository.gitDirectory,
      modelFilter: modelFilter, since: sinceText, branch: branch)
    report.commitsScanned = history.checked
    report.boundary = history.boundary.map(\.hex)
    report.unattributedRuns = attach(runs)
    let live = Set(pathOwner.values)
    for index in models.indices { models[index].deleted = !live.contains(models[index].name) }
    report.models = models
    report.bypasses = bypasses
    report.otherFindings = otherFindings
    if let modelFilter {
      report.models = models.filter { $0.name == modelFilter }
      report.bypasses = bypasses.filter { $0.models.contains(modelFilter) }
      report.otherFindings = []
      report.unattributedRuns = report.unattributedRuns.filter { $0.model == modelFilter }
    }
    return report
  }

  // MARK: One commit

  private func record(_ judged: JudgedCommit) throws {
    let commit = judged.commit
    var state = commit.parents.first.flatMap { inForce[$0] } ?? []
    var findingsByPath: [String: [Finding]] = [:]
    for finding in judged.findings { findingsByPath[finding.path, default: []].append(finding) }
    var claimed = Set<String>()
    var touchedModels: [String: String] = [:]  // path -> model, for bypasses
    // What the review rule asked of this commit's specs, with the same context.
    let reviewItems =
      judged.change.specs.isEmpty
      ? []
      : ReviewRequirement.hyperparameterItems(in: judged.change, context: judged.context)
    // The verifier for this commit's base `.mlgit/allowed_signers`; looked up (outer
    // optional) only when a record on one of its specs is signed.
    var signatures: (any ReviewSignatureVerifier)??
    for spec in judged.change.specs {
      let name = modelName(of: spec)
      if commit.parents.count > 1, let other = try mergedFrom(spec, commit: commit) {
        // A merge brings a change made on another branch: it is listed at that commit.
        claimed.insert(spec.path)
        if let index = modelIndex[name], let known = inForce[other], index < known.count {
          set(&state, index, known[index])
        }
        continue
      }
      let index = model(named: name)
      if !models[index].paths.contains(spec.path) { models[index].paths.append(spec.path) }
      var change = describe(spec, commit: commit)
      if let oldName = spec.old?.spec?.name, !oldName.isEmpty, oldName != name { change.renamedFrom = oldName }
      change.findings = findingsByPath[spec.path] ?? []
      claimed.insert(spec.path)
      touchedModels[spec.path] = name
      let item = reviewItems.first { $0.path == spec.path }
      if let item {
        change.reviewNeeded = item.isRequired
        change.reviewApproved = item.isSatisfied
        change.reviewRequired = item.required
        change.approvedBy = item.approvals
      }
      if let blob = change.blob, let records = judged.context.reviews.records[blob], !records.isEmpty {
        if signatures == nil, records.contains(where: { $0.signature != nil }) {
          signatures = .some(try reviewSources?.signatureVerifier(baseTree: judged.baseTree))
        }
        // Judged in note order (as the rule counts them), listed by time.
        change.approvals = AuditApproval.judge(
          records, for: item, ruleVerifier: judged.context.reviews.verifier,
          signatures: signatures ?? nil
        )
        .enumerated().sorted {
          ($0.element.at, $0.element.reviewer, $0.offset) < ($1.element.at, $1.element.reviewer, $1.offset)
        }
        .map(\.element)
      }
      models[index].changes.append(change)
      set(&state, index, Int32(models[index].changes.count - 1))
      if spec.new == nil {
        if pathOwner[spec.path] == name { pathOwner[spec.path] = nil }
      } else {
        pathOwner[spec.path] = name
      }
    }
    inForce[commit.id] = state
    var errors: [Finding] = []
    for finding in judged.findings where !claimed.contains(finding.path) || touchedModels[finding.path] != nil {
      if finding.severity == .error { errors.append(finding) }
      if touchedModels[finding.path] == nil { otherFindings.append(finding) }
    }
    if !errors.isEmpty {
      let paths = Array(Set(errors.map(\.path))).sorted()
      bypasses.append(
        AuditBypass(
          commit: commit.id.hex, author: commit.author.name, email: commit.author.email, time: commit.author.time,
          summary: commit.summary, rules: Array(Set(errors.map(\.rule))).sorted(), paths: paths,
          models: Array(Set(paths.compactMap { touchedModels[$0] })).sorted()))
    }
  }

  private func set(_ state: inout ContiguousArray<Int32>, _ index: Int, _ value: Int32) {
    if state.count <= index { state.append(contentsOf: repeatElement(-1, count: index + 1 - state.count)) }
    state[index] = value
  }

  private func model(named name: String) -> Int {
    if let known = modelIndex[name] { return known }
    models.append(AuditModel(name: name))
    modelIndex[name] = models.count - 1
    return models.count - 1
  }

  /// The model a spec change belongs to: the new `name`, else the old one, else the
  /// model whose spec the path held (a spec broken beyond reading keeps its model).
  private func modelName(of spec: ModelChange) -> String {
    if let name = spec.new?.spec?.name, !name.isEmpty { return name }
    if let name = spec.old?.spec?.name, !name.isEmpty { return name }
    if let known = pathOwner[spec.path] { return known }
    return "(unnamed: \(spec.path))"
  }

  /// The other parent of a merge that already has the spec's new content, if any.
  private func mergedFrom(_ spec: ModelChange, commit: CommitInfo) throws -> OID? {
    for parent in commit.parents.dropFirst() where repository.contains(parent) {
      let tree = try repository.treeOf(commit: parent)
      let entry = try repository.entry(at: spec.path, inTree: tree)
      if entry?.id.hex == spec.new?.blob { return parent }
    }
    return nil
  }

  private func describe(_ spec: ModelChange, commit: CommitInfo) -> AuditChange {
    let status: AuditChange.Status = spec.old == nil ? .added : (spec.new == nil ? .deleted : .modified)
    let old = spec.old
    let new = spec.new
    var change = AuditChange(
      commit: commit.id.hex, author: commit.author.name, email: commit.author.email, time: commit.author.time,
      summary: commit.summary, path: spec.path, status: status, blob: new?.blob,
      owner: new?.spec?.owner ?? old?.spec?.owner ?? "",
      version: (old.flatMap(AuditBuilder.version), new.flatMap(AuditBuilder.version)))
    let oldFeatures = old?.spec?.features.map(\.name) ?? []
    let newFeatures = new?.spec?.features.map(\.name) ?? []
    // Most changes keep their features: sets only where the lists differ.
    if oldFeatures != newFeatures {
      let oldSet = Set(oldFeatures)
      let newSet = Set(newFeatures)
      change.featuresAdded = newFeatures.filter { !oldSet.contains($0) }
      change.featuresRemoved = oldFeatures.filter { !newSet.contains($0) }
    }
    if status != .deleted {
      change.hyperparameters = HyperparameterChange.diff(old?.hyperparameters, new?.hyperparameters, by: .leaf)
      change.hyperparametersError = new?.hyperparametersError
    }
    change.data = AuditBuilder.dataChanges(old?.spec?.data ?? [], new?.spec?.data ?? [])
    change.bounds = new?.spec?.metrics ?? []
    return change
  }

  static func version(of snapshot: SpecSnapshot) -> String? {
    snapshot.spec?.version?.text ?? snapshot.document?["version"]?.scalarText
  }

  static func dataChanges(_ old: [DataReference], _ new: [DataReference]) -> [DataChange] {
    var byName: [String: DataReference] = [:]
    for item in old { byName[item.name] = item }
    var changes: [DataChange] = []
    var seen = Set<String>()
    for item in new {
      seen.insert(item.name)
      let before = byName[item.name]
      if before?.path != item.path || before?.sha256 != item.sha256 {
        changes.append(DataChange(name: item.name, path: item.path, old: before?.sha256, new: item.sha256))
      }
    }
    for item in old where !seen.contains(item.name) {
      changes.append(DataChange(name: item.name, path: item.path, old: item.sha256, new: nil))
    }
    return changes
  }

  // MARK: Runs

  /// Attaches each run to the change of its model in force at its commit; returns the rest.
  private func attach(_ runs: [String: [RunRecord]]) -> [RunRecord] {
    var rest: [RunRecord] = []
    for (hex, records) in runs {
      let state = OID(hex: hex).flatMap { inForce[$0] }
      for var run in records {
        // A record without its commit (written by hand or by a tool) is on the commit its note is on.
        if run.commit.isEmpty { run.commit = hex }
        guard let state, let index = modelIndex[run.model], index < state.count, state[index] >= 0 else {
          rest.append(run)
          continue
        }
        models[index].changes[Int(state[index])].runs.append(run)
      }
    }
    for index in models.indices {
      for change in models[index].changes.indices where models[index].changes[change].runs.count > 1 {
        models[index].changes[change].runs.sort { ($0.finished, $0.id) < ($1.finished, $1.id) }
      }
    }
    return rest.sorted { ($0.finished, $0.id) < ($1.finished, $1.id) }
  }

  // MARK: Dates

  /// Reads `--since`: `YYYY-MM-DD` (midnight UTC), an ISO-8601 time, or `@SECONDS`.
  public static func parseDate(_ text: String) -> Int64? {
    if text.hasPrefix("@") { return Int64(text.dropFirst()) }
    return (UTCTimestamp.date(day: text) ?? UTCTimestamp.date(text)).map(UTCTimestamp.seconds)
  }
}
