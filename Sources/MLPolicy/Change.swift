import FoundationEssentials
import MLSpec
import Synchronization

/// One version of a spec file, parsed once and shared by every rule.
///
/// A value whose fields live in one object (`Contents`, copied on write): a spec change
/// is copied into every rule's judgement, the finding cache and the audit's listing, and
/// copying the parsed document, the spec and the problems field by field took some thirty
/// reference counts each time.
public struct SpecSnapshot: Sendable {
  /// The fields, changed only through `writable()`, which copies them first unless this
  /// value holds the only reference.
  /// @unchecked Sendable: shared contents are never written (copy on write), so reading
  /// them from several threads is safe.
  @usableFromInline final class Contents: @unchecked Sendable {
    @usableFromInline let path: String
    @usableFromInline let blob: String?
    @usableFromInline let document: Node?
    @usableFromInline let documentError: DocumentError?
    @usableFromInline let spec: ModelSpec?
    @usableFromInline let problems: [SchemaProblem]
    @usableFromInline var hyperparameters: JSONValue?
    @usableFromInline var hyperparametersError: String?
    @usableFromInline var parametersNode: Node?

    init(
      path: String, blob: String?, document: Node?, documentError: DocumentError?, spec: ModelSpec?,
      problems: [SchemaProblem], hyperparameters: JSONValue? = nil, hyperparametersError: String? = nil,
      parametersNode: Node? = nil
    ) {
      self.path = path
      self.blob = blob
      self.document = document
      self.documentError = documentError
      self.spec = spec
      self.problems = problems
      self.hyperparameters = hyperparameters
      self.hyperparametersError = hyperparametersError
      self.parametersNode = parametersNode
    }

    func copy() -> Contents {
      Contents(
        path: path, blob: blob, document: document, documentError: documentError, spec: spec, problems: problems,
        hyperparameters: hyperparameters, hyperparametersError: hyperparametersError, parametersNode: parametersNode)
    }
  }

  @usableFromInline var contents: Contents

  // Inlinable, so that code in other modules reading `snapshot.spec?.version` reads the
  // one field from the contents rather than copying the whole spec out first.
  @inlinable public var path: String { contents.path }
  /// The blob id (hex) where known.
  @inlinable public var blob: String? { contents.blob }
  @inlinable public var document: Node? { contents.document }
  /// Why the file could not be read as a document (malformed, binary, too large).
  @inlinable public var documentError: DocumentError? { contents.documentError }
  @inlinable public var spec: ModelSpec? { contents.spec }
  @inlinable public var problems: [SchemaProblem] { contents.problems }
  /// The hyperparameters as a value, with a `from:` parameters file resolved.
  public var hyperparameters: JSONValue? {
    get { contents.hyperparameters }
    set { writable().hyperparameters = newValue }
  }
  /// Why `from:` could not be resolved.
  public var hyperparametersError: String? {
    get { contents.hyperparametersError }
    set { writable().hyperparametersError = newValue }
  }
  /// The node of the `from:` parameters file the hyperparameters come from (to locate a change).
  public var parametersNode: Node? {
    get { contents.parametersNode }
    set { writable().parametersNode = newValue }
  }

  /// The contents, made this value's own before a change.
  private mutating func writable() -> Contents {
    if !isKnownUniquelyReferenced(&contents) { contents = contents.copy() }
    return contents
  }

  public init(path: String, blob: String?, data: Data) {
    do {
      // A Markdown file matched by `specs:` is a model card: its front matter is the spec.
      let card = Document.isMarkdown(path)
      let document = try card ? Document.parseFrontMatter(data) : Document.parse(data)
      let (spec, problems) = ModelSpec.read(document, card: card)
      var hyperparameters: JSONValue? = nil
      if case .inline(let node)? = spec?.hyperparameters { hyperparameters = JSONValue(node) }
      contents = Contents(
        path: path, blob: blob, document: document, documentError: nil, spec: spec, problems: problems,
        hyperparameters: hyperparameters)
    } catch let error as DocumentError {
      contents = Contents(path: path, blob: blob, document: nil, documentError: error, spec: nil, problems: [])
    } catch {
      contents = Contents(
        path: path, blob: blob, document: nil, documentError: DocumentError("\(error)"), spec: nil, problems: [])
    }
  }

  /// A snapshot for a file that could not be read at all (over the size limit, say).
  public init(path: String, blob: String?, unreadable error: DocumentError) {
    contents = Contents(path: path, blob: blob, document: nil, documentError: error, spec: nil, problems: [])
  }

  /// Resolves `hyperparameters: {from: FILE, key: K}` with the parameters file's content.
  public mutating func resolveHyperparameters(with paramsData: Data?) {
    guard case .file(let file, _, _)? = spec?.hyperparameters else { return }
    guard let paramsData else {
      hyperparametersError = "parameters file '\(file)' does not exist in this commit"
      return
    }
    resolveHyperparameters(with: .content(paramsData))
  }

  /// What a `from:` parameters file holds, or why it cannot be read.
  public enum ParametersFile: Sendable {
    case content(Data)
    /// The reason, as a phrase: `parameters file 'params.yaml' is 2097152 bytes, over …`.
    case unreadable(String)
  }

  /// Resolves `hyperparameters: {from: FILE, key: K}` with the parameters file as read.
  public mutating func resolveHyperparameters(with parameters: ParametersFile) {
    guard case .file(let file, let key, _)? = spec?.hyperparameters else { return }
    hyperparameters = nil
    hyperparametersError = nil
    parametersNode = nil
    let paramsData: Data
    switch parameters {
    case .content(let data): paramsData = data
    case .unreadable(let reason):
      hyperparametersError = reason
      return
    }
    do {
      let root = try Document.parse(paramsData)
      if let key {
        var node: Node? = root
        for part in key.split(separator: ".") { node = node?[String(part)] }
        guard let found = node else {
          hyperparametersError = "key '\(key)' is not in '\(file)'"
          return
        }
        hyperparameters = JSONValue(found)
        parametersNode = found
      } else {
        hyperparameters = JSONValue(root)
        parametersNode = root
      }
    } catch let error as DocumentError {
      hyperparametersError = "'\(file)' \(error.location): \(error.message)"
    } catch {
      hyperparametersError = "'\(file)': \(error)"
    }
  }
}

/// A spec file's change: before (nil: added) and after (nil: deleted).
public struct ModelChange: Sendable {
  public var path: String
  public var old: SpecSnapshot?
  public var new: SpecSnapshot?

  public init(path: String, old: SpecSnapshot?, new: SpecSnapshot?) {
    self.path = path
    self.old = old
    self.new = new
  }
}

/// Any other changed file a rule may care about (data files, `.mlgit/`).
public struct FileChange: Sendable {
  public var path: String
  public var oldBlob: String?
  public var newBlob: String?
  /// The first bytes of the new content (enough for a CSV header), when read.
  public var newPrefix: Data?
  /// Why the new content could not be read (a symlink that leaves the repository, say).
  public var newProblem: String?
  /// The entry of the parent's policy that reads this file from outside `.mlgit/` (a pack
  /// file it extends, a command check's script), which makes the change a policy change.
  public var readByPolicy: String?

  /// True for a change to the policy: a file under `.mlgit/` or one the policy reads.
  public var isPolicyChange: Bool { EffectivePolicy.isPolicyPath(path) || readByPolicy != nil }

  public init(
    path: String, oldBlob: String?, newBlob: String?, newPrefix: Data? = nil, newProblem: String? = nil,
    readByPolicy: String? = nil
  ) {
    self.readByPolicy = readByPolicy
    self.path = path
    self.oldBlob = oldBlob
    self.newBlob = newBlob
    self.newPrefix = newPrefix
    self.newProblem = newProblem
  }
}

/// Who made a change, and which commit (nil: the staged change).
public struct ChangeOrigin: Sendable {
  public var commit: String?
  public var authorName: String
  public var authorEmail: String
  public var time: Int64
  public var summary: String

  public init(commit: String?, authorName: String = "", authorEmail: String = "", time: Int64 = 0, summary: String = "")
  {
    self.commit = commit
    self.authorName = authorName
    self.authorEmail = authorEmail
    self.time = time
    self.summary = summary
  }
}

/// Everything one commit (or the staged index) changes that the policy looks at.
public struct ChangeSet: Sendable {
  public var origin: ChangeOrigin
  public var specs: [ModelChange]
  public var files: [FileChange]
  /// True for a repository's root commit (it establishes the policy).
  public var isRoot: Bool
  /// Data files named by a spec's `schema:` that the change puts up for checking (filled
  /// only while `data/schema` is on).
  public var dataSamples: [DataSchemaSample] = []

  public init(origin: ChangeOrigin, specs: [ModelChange], files: [FileChange] = [], isRoot: Bool = false) {
    self.origin = origin
    self.specs = specs
    self.files = files
    self.isRoot = isRoot
  }
}

/// Where the check runs; rules with `enforce: push` only refuse at push time.
public enum CheckStage: String, Sendable {
  case commit, push, receive, range
  public var isPushLike: Bool { self != .commit }
}

/// What a rule sees besides the change: the policy in force and where it runs.
public struct PolicyContext: Sendable {
  public var policy: EffectivePolicy
  public var stage: CheckStage
  /// The branch being committed to or pushed to (`main`), when known.
  public var branch: String?
  /// The approvals in `refs/notes/mlgit/reviews` (and their signature checks), filled
  /// in by the commands layer for the review rules.
  public var reviews = ReviewLookup()

  /// Recorded training runs (`refs/notes/mlgit/runs`) by commit (40 hex). Callers
  /// that check commits at push fill it (`RunLedger.load` in MLGitCommands); the
  /// run gates (`runs/required`, `metrics/threshold`, `runs/clean-tree`) read it.
  public var runs: [String: [RunRecord]] = [:]
  /// Runs earlier in the history (a baseline model's, the previous version's), asked for
  /// by the rules that compare (`metrics/baseline`, `metrics/regression`); filled where
  /// `runs` is. Nil: nothing earlier is known.
  public var history: (any RunHistory)?

  /// Reproductions' verdicts (`mlgit reproduce`) by the reproduced run's commit (40 hex),
  /// filled in by the commands layer for `runs/reproduced`.
  public var reproductions: [String: [ReproductionRecord]] = [:]

  /// The time ages are judged against (`runs/stale`): `EvidenceClock.now(for:)`.
  public var now: Date
  /// True when `now` is a commit's time (a history check, `CommitClock`), not the clock's.
  public var clockIsCommitTime = false
  /// Where this context judges one change and others report on it (a history check):
  /// the change's hyperparameter review items, worked out once. Nil: each asker works
  /// them out.
  public var reviewItemsMemo: ReviewItemsMemo?

  public init(policy: EffectivePolicy, stage: CheckStage, branch: String? = nil) {
    self.policy = policy
    self.stage = stage
    self.branch = branch
    now = EvidenceClock.now(for: stage)
  }

  /// The runs recorded on a change's commit (none for the staged change).
  public func runs(for origin: ChangeOrigin) -> [RunRecord] {
    guard let commit = origin.commit else { return [] }
    return runs[commit] ?? []
  }

  /// True when a release gate (`runs/required`, `metrics/threshold`) applies here: at
  /// push-like stages, for a target branch in the rule's branch scope, which is
  /// `protected_branches` when the rule sets no `branches:`.
  public func releaseGateApplies(_ rule: String) -> Bool {
    stage.isPushLike && targets(policy.branchScope(of: rule) ?? policy.protectedBranches)
  }

  public func severity(of rule: String) -> Severity { policy.severity(of: rule) }

  /// True when the target branch is listed in `protected_branches`.
  public var onProtectedBranch: Bool { targets(policy.protectedBranches) }

  /// Whether a rule runs for this target branch. A rule set with `branches:` (branch
  /// globs; the word `protected` stands for `protected_branches`) runs only for changes
  /// going to a matching branch, and not where no branch is known.
  public func applies(_ rule: String) -> Bool {
    guard let patterns = policy.branchScope(of: rule) else { return true }
    return targets(patterns)
  }

  /// True when the target branch matches one of the branch globs (expanded already by
  /// `EffectivePolicy.branchScope`): the one place a branch is matched against a scope.
  /// No branch known (a detached HEAD, say) matches nothing.
  func targets(_ patterns: [String]) -> Bool {
    guard let branch else { return false }
    let short = branch.hasPrefix("refs/heads/") ? String(branch.dropFirst("refs/heads/".count)) : branch
    return patterns.contains { BranchGlobMemo.shared.matches($0, short) }
  }
}

/// Branch-glob answers, remembered: every rule of every commit of a history check asks
/// the same few (pattern, branch) questions, and each answer compiled and ran a Glob.
final class BranchGlobMemo: Sendable {
  static let shared = BranchGlobMemo()
  private struct Key: Hashable {
    var pattern: String
    var branch: String
  }
  private let answers = Mutex<[Key: Bool]>([:])

  func matches(_ pattern: String, _ branch: String) -> Bool {
    // Keys compare as Strings (canonical equivalence) while globs compare scalars: only
    // ASCII text, where the two agree, is remembered.
    guard pattern.utf8.allSatisfy({ $0 < 0x80 }), branch.utf8.allSatisfy({ $0 < 0x80 }) else {
      return Glob(pattern).matches(branch)
    }
    let key = Key(pattern: pattern, branch: branch)
    if let known = answers.withLock({ $0[key] }) { return known }
    let answer = Glob(pattern).matches(branch)
    answers.withLock { answers in
      if answers.count >= 4096 { answers.removeAll() }
      answers[key] = answer
    }
    return answer
  }
}
