import FoundationEssentials
import MLSpec
import Synchronization

/// The policy in force: shipped packs overlaid by the repository's config.
///
/// A value whose fields live in one object (`Contents`, copied on write): a history check
/// copies the policy in force into every judgement's context, and copying its lists and
/// tables field by field took some twenty-five reference counts each time.
public struct EffectivePolicy: Sendable {
  /// The fields, changed only through `writable()`, which copies them first unless this
  /// value holds the only reference.
  /// @unchecked Sendable: shared contents are never written (copy on write), so reading
  /// them from several threads is safe.
  private final class Contents: @unchecked Sendable {
    var sources: [String] = []
    var specGlobs: GlobSet = GlobSet(["models/**/*.yaml", "models/**/*.yml", "models/**/*.json"])
    var dataGlobs: GlobSet = GlobSet(["data/**/*.csv", "data/**/*.tsv"])
    var protectedBranches: [String] = ["main"]
    var reviewers: [String] = []
    var settings: [String: RuleSetting] = [:]
    var protectedAttributes: [String: [String]] = [:]
    var proxies: [String: [String]] = [:]
    var legalSources: [String: String] = [:]
    var allowances: [FeatureAllowance] = []
    var requireSignedReviews: Bool = false
    var syncOnPush: Bool = false
    var teamRules: [TeamRule] = []
    var referencedFiles: [String: String] = [:]
    var referenceReasons: [String: String] = [:]
    /// The attribute matcher built from `protectedAttributes` and `proxies`, once per
    /// policy (a history check asks for it once per commit); a new one when they change.
    var matcherBox = MatcherBox()

    init() {}

    func copy() -> Contents {
      let copy = Contents()
      copy.sources = sources
      copy.specGlobs = specGlobs
      copy.dataGlobs = dataGlobs
      copy.protectedBranches = protectedBranches
      copy.reviewers = reviewers
      copy.settings = settings
      copy.protectedAttributes = protectedAttributes
      copy.proxies = proxies
      copy.legalSources = legalSources
      copy.allowances = allowances
      copy.requireSignedReviews = requireSignedReviews
      copy.syncOnPush = syncOnPush
      copy.teamRules = teamRules
      copy.referencedFiles = referencedFiles
      copy.referenceReasons = referenceReasons
      copy.matcherBox = matcherBox
      return copy
    }
  }

  private var contents = Contents()

  /// The contents, made this value's own before a change.
  private mutating func writable() -> Contents {
    if !isKnownUniquelyReferenced(&contents) { contents = contents.copy() }
    return contents
  }

  // Each field is lent (`_read`) and changed in place (`_modify`), so that reading one
  // copies nothing and `settings[id] = merged` changes the one table.
  /// The chain that produced it, oldest first: "default", "strict", ".mlgit/config.yml".
  public private(set) var sources: [String] {
    _read { yield contents.sources }
    _modify { yield &writable().sources }
  }
  public var specGlobs: GlobSet {
    _read { yield contents.specGlobs }
    _modify { yield &writable().specGlobs }
  }
  public var dataGlobs: GlobSet {
    _read { yield contents.dataGlobs }
    _modify { yield &writable().dataGlobs }
  }
  public var protectedBranches: [String] {
    _read { yield contents.protectedBranches }
    _modify { yield &writable().protectedBranches }
  }
  public var reviewers: [String] {
    _read { yield contents.reviewers }
    _modify { yield &writable().reviewers }
  }
  public var settings: [String: RuleSetting] {
    _read { yield contents.settings }
    _modify { yield &writable().settings }
  }
  public var protectedAttributes: [String: [String]] {
    _read { yield contents.protectedAttributes }
    _modify {
      let contents = writable()
      yield &contents.protectedAttributes
      contents.matcherBox = MatcherBox()
    }
  }
  public var proxies: [String: [String]] {
    _read { yield contents.proxies }
    _modify {
      let contents = writable()
      yield &contents.proxies
      contents.matcherBox = MatcherBox()
    }
  }
  public var legalSources: [String: String] {
    _read { yield contents.legalSources }
    _modify { yield &writable().legalSources }
  }
  public var allowances: [FeatureAllowance] {
    _read { yield contents.allowances }
    _modify { yield &writable().allowances }
  }
  public var requireSignedReviews: Bool {
    _read { yield contents.requireSignedReviews }
    _modify { yield &writable().requireSignedReviews }
  }
  public var syncOnPush: Bool {
    _read { yield contents.syncOnPush }
    _modify { yield &writable().syncOnPush }
  }
  /// The team's own rules (`acme/license`), in the order they are declared.
  public private(set) var teamRules: [TeamRule] {
    _read { yield contents.teamRules }
    _modify { yield &writable().teamRules }
  }
  /// Files of the policy's commit besides the config that the policy was built from
  /// (pack files it extends, command checks' scripts): path -> blob id. A policy cached
  /// by its config's blob is reused only where these are the same.
  public private(set) var referencedFiles: [String: String] {
    _read { yield contents.referencedFiles }
    _modify { yield &writable().referencedFiles }
  }
  /// For each of those files, the policy entry that reads it (`extends '../policies/acme.yaml'
  /// in .mlgit/config.yml`): a change to one is a policy change, like one under `.mlgit/`.
  public private(set) var referenceReasons: [String: String] {
    _read { yield contents.referenceReasons }
    _modify { yield &writable().referenceReasons }
  }
  /// The attribute matcher's holder, shared by copies of this value.
  var matcherBox: MatcherBox { contents.matcherBox }

  public init() {}

  /// The built-in `default` pack alone: what applies with no `.mlgit/config.yml`.
  public static func builtIn() throws -> EffectivePolicy {
    var policy = EffectivePolicy()
    try policy.apply(pack: "default", path: "policies/default.yaml", seen: [])
    return policy
  }

  /// The policy for a repository whose config has this content (nil: no config).
  /// `files` reads other files of the config's commit: pack files it `extends` by
  /// relative path and the scripts its command checks name (nil: none can be read).
  public static func load(config: Data?, path: String = ".mlgit/config.yml", files: PolicyFileReader? = nil) throws
    -> EffectivePolicy
  {
    guard let config else { return try builtIn() }
    let document: PolicyDocument
    do {
      document = try PolicyDocument.parse(config)
    } catch let error as DocumentError {
      throw PolicyLoadError(path: path, error: error)
    }
    var policy = EffectivePolicy()
    try policy.apply(document, path: path, files: files, seen: [path])
    for index in policy.teamRules.indices {
      guard case .command(let argv) = policy.teamRules[index].check, let files else { continue }
      // Each argument naming a file of the commit (the script, a program kept in the
      // repository) is written out for the run, from this commit, never from the change.
      for argument in argv where !argument.hasPrefix("/") && !argument.hasPrefix("-") {
        guard let normal = EffectivePolicy.normalPath(argument), let file = try? files(normal) else { continue }
        policy.teamRules[index].files.append(file)
        policy.referencedFiles[file.path] = file.blob
        if policy.referenceReasons[file.path] == nil {
          policy.referenceReasons[file.path] = "the command check of \(policy.teamRules[index].id)"
        }
      }
    }
    return policy
  }

  /// Applies a repository policy file (the config, or a pack it extends by path): its
  /// parents first, then its own settings.
  mutating func apply(_ document: PolicyDocument, path: String, files: PolicyFileReader?, seen: Set<String>) throws {
    let parents = document.extends.isEmpty && seen.count == 1 ? ["default"] : document.extends
    let items = document.root?["extends"]?.items ?? []
    for (index, pack) in parents.enumerated() {
      let at =
        items.indices.contains(index) ? items[index].location : (document.root?.keyNode("extends")?.location ?? .start)
      if EffectivePolicy.isRelativePack(pack) {
        try applyFile(pack, from: path, at: at, files: files, seen: seen)
        continue
      }
      do {
        try apply(pack: pack, path: path, seen: [])
      } catch let error as DocumentError {
        throw PolicyLoadError(path: path, error: DocumentError(error.message, at: at, hint: error.hint))
      }
    }
    try EffectivePolicy.validateRuleSettings(document, path: path, teamRules: Set(teamRules.map(\.id)))
    overlay(document, source: path)
  }

  /// True for an `extends` entry that names a file (`./policies/acme.yaml`) rather than a shipped pack.
  static func isRelativePack(_ name: String) -> Bool {
    name.hasPrefix("./") || name.hasPrefix("../") || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
  }

  /// A path from the repository's root with `.` and `..` resolved; nil when it leaves the repository.
  static func normalPath(_ path: String) -> String? {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      } else {
        parts.append(part)
      }
    }
    return parts.isEmpty ? nil : parts.joined(separator: "/")
  }

  /// Applies a pack file named by relative path from the policy file `from`, read from the same commit.
  mutating func applyFile(_ name: String, from: String, at: SourceLocation, files: PolicyFileReader?, seen: Set<String>)
    throws
  {
    let folder = from.split(separator: "/").dropLast().joined(separator: "/")
    guard let target = EffectivePolicy.normalPath(folder.isEmpty ? name : "\(folder)/\(name)") else {
      throw PolicyLoadError(
        path: from, error: DocumentError("extends '\(name)': the path leaves the repository", at: at))
    }
    guard !seen.contains(target) else {
      throw PolicyLoadError(
        path: from, error: DocumentError("policy files extend each other in a cycle through '\(target)'", at: at))
    }
    let file: PolicyFile?
    do {
      file = try files?(target)
    } catch {
      throw PolicyLoadError(
        path: from, error: DocumentError("extends '\(name)': \(target) cannot be read: \(error)", at: at))
    }
    guard let file else {
      throw PolicyLoadError(
        path: from,
        error: DocumentError(
          "extends '\(name)': no file \(target) in the policy's commit", at: at,
          hint: "a pack file is read from the commit that holds the config, relative to the file that extends it"))
    }
    referencedFiles[target] = file.blob
    if referenceReasons[target] == nil { referenceReasons[target] = "extends '\(name)' in \(from)" }
    let document: PolicyDocument
    do {
      document = try PolicyDocument.parse(file.data)
    } catch let error as DocumentError {
      throw PolicyLoadError(path: target, error: error)
    }
    try apply(document, path: target, files: files, seen: seen.union([target]))
  }

  mutating func apply(pack name: String, path: String, seen: Set<String>) throws {
    guard !seen.contains(name) else {
      throw DocumentError("policy packs extend each other in a cycle through '\(name)'")
    }
    guard let text = ShippedPacks.files[name] else {
      throw DocumentError(
        "unknown policy pack '\(name)'",
        hint: "shipped packs: \(ShippedPacks.files.keys.sorted().joined(separator: ", "))")
    }
    let document = try EffectivePolicy.shippedPack(name, text: text)
    for parent in document.extends { try apply(pack: parent, path: path, seen: seen.union([name])) }
    if sources.contains(name) { return }
    overlay(document, source: name)
  }

  /// Shipped packs built so far in this process, by name: each is built once and kept.
  static let shippedPacks = Mutex<[String: PolicyDocument]>([:])

  /// The shipped pack `name` if this process has already built it; nil otherwise.
  static func loadedShippedPack(_ name: String) -> PolicyDocument? { shippedPacks.withLock { $0[name] } }

  /// The shipped pack `name`, as `ShippedPackDocuments` builds it. Its rule settings are
  /// not checked here:
  /// `ShippedPacksTests` checks every shipped pack's, which depend on nothing else.
  static func shippedPack(_ name: String, text: String) throws -> PolicyDocument {
    if let known = loadedShippedPack(name) { return known }
    let document: PolicyDocument
    do {
      // Built by code written from the pack, which ShippedPackDocumentsTests keeps the
      // document read from the YAML (only a config's `extends` reads a document's tree).
      document = try ShippedPackDocuments.document(name) ?? PolicyDocument.parse(Data(text.utf8))
    } catch let error as DocumentError {
      throw PolicyLoadError(path: "policies/\(name).yaml", error: error)
    }
    shippedPacks.withLock { $0[name] = document }
    return document
  }

  mutating func overlay(_ document: PolicyDocument, source: String) {
    sources.append(source)
    // The shipped `default` pack names the globs a policy starts with: kept, not compiled again.
    if let specs = document.specs, !specGlobs.isMade(of: specs) { specGlobs = GlobSet(specs) }
    if let data = document.data, !dataGlobs.isMade(of: data) { dataGlobs = GlobSet(data) }
    if let branches = document.protectedBranches { protectedBranches = branches }
    if let reviewers = document.reviewers { self.reviewers = reviewers }
    // In document order, so team rules list and run in the order they are written.
    for (id, setting) in document.rules.sorted(by: {
      ($0.value.location.line, $0.value.location.column) < ($1.value.location.line, $1.value.location.column)
    }) {
      var merged = settings[id] ?? RuleSetting(severity: nil)
      if let severity = setting.severity { merged.severity = severity }
      merged.options.merge(setting.options) { $1 }
      merged.location = setting.location
      settings[id] = merged
      // Validated already (`validateRuleSettings`): a check that does not read is not in force.
      if let node = setting.options["check"], let check = try? TeamCheck.parse(node, rule: id) {
        let rule = TeamRule(id: id, check: check, source: source, location: setting.location)
        if let index = teamRules.firstIndex(where: { $0.id == id }) {
          teamRules[index] = rule
        } else {
          teamRules.append(rule)
        }
      }
    }
    EffectivePolicy.add(document.protectedAttributes, to: &protectedAttributes)
    EffectivePolicy.add(document.proxies, to: &proxies)
    if legalSources.isEmpty { legalSources = document.sources } else { legalSources.merge(document.sources) { $1 } }
    if allowances.isEmpty { allowances = document.allowances } else { allowances += document.allowances }
    if let signed = document.requireSignedReviews { requireSignedReviews = signed }
    if let sync = document.syncOnPush { syncOnPush = sync }
  }

  /// Adds a document's lists to the policy's, category by category, in one access (one
  /// new matcher). Into a table that has none yet (the built-in policy, from the `default`
  /// pack), the document's table is taken whole: shared, not copied name by name.
  private static func add(_ lists: [String: [String]], to table: inout [String: [String]]) {
    if table.isEmpty {
      table = lists
      return
    }
    for (category, names) in lists { table[category, default: []] += names }
  }

  /// The severity a rule runs at: the config's, else the rule's default.
  public func severity(of rule: String) -> Severity {
    if let severity = settings[rule]?.severity { return severity }
    if teamRules.contains(where: { $0.id == rule }) { return .error }
    return RuleRegistry.defaultSeverity(of: rule) ?? .off
  }

  /// A rule option (`approvals`, `enforce`, `branches`, …) from the config.
  public func option(_ rule: String, _ key: String) -> Node? { settings[rule]?.options[key] }

  /// The branch globs a rule is limited to by its `branches:` option (`protected`
  /// expands to `protected_branches`), or nil when it applies everywhere.
  public func branchScope(of rule: String) -> [String]? {
    guard let node = option(rule, "branches") else { return nil }
    let names = node.string.map { [$0] } ?? (node.items ?? []).compactMap(\.string)
    return names.flatMap { $0 == "protected" ? protectedBranches : [$0] }
  }

  /// True when the file is `.mlgit/` policy (config, reviewers, signers).
  public static func isPolicyPath(_ path: String) -> Bool { path.hasPrefix(".mlgit/") }

  /// Why a change to `path` is a policy change outside `.mlgit/`: the entry of this policy
  /// that reads the file (a pack file it extends, a command check's script); nil when none does.
  public func policyEntryReading(_ path: String) -> String? {
    EffectivePolicy.isPolicyPath(path) ? nil : referenceReasons[path]
  }
}

/// A policy that cannot be loaded: names the file and the line (exit 2).
public struct PolicyLoadError: Error, CustomStringConvertible {
  public let path: String
  public let error: DocumentError
  public init(path: String, error: DocumentError) {
    self.path = path
    self.error = error
  }
  public var description: String {
    var text = "\(path):\(error.location.line):\(error.location.column): error: \(error.message)"
    if let hint = error.hint { text += "\n  hint: \(hint)" }
    return text
  }
}
