import FoundationEssentials
import MLGitErrors
import GitKit
import MLSpec

/// The hook layout of one repository: which manager owns which hook, and where.
struct HookLayout {
  let repository: Repository
  let hooksDirectory: String
  let workTree: String?
  let fileManager = FileManager.default

  init(repository: Repository) throws {
    self.repository = repository
    hooksDirectory = try repository.hooksDirectory()
    workTree = repository.workingDirectory.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
  }

  func hookPath(_ hook: String) -> String { PathText.join(hooksDirectory, hook) }

  func inWorkTree(_ relative: String) -> String? {
    workTree.map { PathText.join($0, relative) }
  }

  // MARK: detection

  /// husky 9: core.hooksPath is `<dir>/_` holding husky's dispatcher `h`; the team's
  /// scripts are in `<dir>`.
  var huskyDirectory: String? {
    guard PathText.lastComponent(hooksDirectory) == "_" else { return nil }
    let dispatcher = PathText.join(hooksDirectory, "h")
    guard let text = try? String(contentsOfFile: dispatcher, encoding: .utf8), text.contains("husky") else {
      return nil
    }
    return PathText.parent(hooksDirectory)
  }

  var preCommitConfig: String? {
    guard let path = inWorkTree(".pre-commit-config.yaml"), fileManager.fileExists(atPath: path) else { return nil }
    return path
  }

  static let lefthookConfigNames = [
    "lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml", ".config/lefthook.yml", ".config/lefthook.yaml",
    "lefthook.toml", ".lefthook.toml", "lefthook.json", ".lefthook.json",
  ]

  /// lefthook's main config file (the first it would load), if any.
  var lefthookConfig: String? {
    for name in HookLayout.lefthookConfigNames {
      if let path = inWorkTree(name), fileManager.fileExists(atPath: path) { return path }
    }
    return nil
  }

  /// lefthook's optional local config, merged over the main one.
  var lefthookLocalConfigs: [String] {
    ["lefthook-local.yml", ".lefthook-local.yml", "lefthook-local.yaml", ".lefthook-local.yaml"].compactMap { name in
      inWorkTree(name).flatMap { fileManager.fileExists(atPath: $0) ? $0 : nil }
    }
  }

  /// The managers this repository shows signs of, strongest sign first.
  var managers: [HookManager] {
    var found: [HookManager] = []
    let kinds = HookInstaller.clientHooks.map { HookFileKind.of(hookPath($0)) }
    if huskyDirectory != nil || (inWorkTree(".husky").map { fileManager.fileExists(atPath: $0) } ?? false) {
      found.append(.husky)
    }
    if lefthookConfig != nil || kinds.contains(.lefthook) { found.append(.lefthook) }
    if preCommitConfig != nil || kinds.contains(.preCommit) { found.append(.preCommit) }
    if kinds.contains(.dvc) || HookFileKind.of(hookPath("post-checkout")) == .dvc { found.append(.dvc) }
    return found
  }

  /// A one-line name of the layout, for `mlgit doctor`.
  var description: String {
    if let husky = huskyDirectory {
      return "husky 9 (core.hooksPath runs \(relative(husky))/<hook> through \(relative(hooksDirectory))/h)"
    }
    let names = managers.map(\.rawValue)
    return names.isEmpty ? "plain git hooks" : "plain git hooks with \(names.joined(separator: ", "))"
  }

  func relative(_ path: String) -> String {
    guard let workTree, path.hasPrefix(workTree + "/") else { return path }
    return String(path.dropFirst(workTree.count + 1))
  }

  // MARK: following the chain

  /// Follows what git runs for `hook` until it reaches `mlgit hook NAME` or stops.
  func trace(_ hook: String) -> HookTrace {
    let path = hookPath(hook)
    let kind = HookFileKind.of(path)
    var steps: [String] = []
    if kind == .missing {
      steps.append("\(relative(path)): no hook, git runs nothing")
      for moved in [".legacy", ".old", HookInstaller.chainSuffix] where HookFileKind.of(path + moved) == .mlgit {
        steps.append("\(relative(path + moved)): mlgit's hook, moved aside where git never runs it")
      }
      return HookTrace(runs: false, steps: steps, fix: "mlgit install")
    }
    var isDirectory: Bool = false
    if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
      steps.append("\(relative(path)): a folder, not a hook; git cannot run it")
      return HookTrace(runs: false, steps: steps, fix: "mv \(relative(path)) somewhere else; mlgit install")
    }
    if !fileManager.isExecutableFile(atPath: path) {
      steps.append("\(relative(path)): \(kind.name), not executable, so git skips it")
      return HookTrace(
        runs: false, steps: steps, fix: kind == .mlgit ? "mlgit install --force" : "chmod +x \(relative(path))")
    }
    switch kind {
    case .mlgit:
      return traceShim(at: path, hook: hook, steps: ["\(relative(path)): mlgit's hook"])
    case .preCommit:
      steps.append("\(relative(path)): pre-commit's script")
      let legacy = path + ".legacy"
      if HookFileKind.of(legacy) == .mlgit && fileManager.isExecutableFile(atPath: legacy) {
        steps.append("\(relative(legacy)): mlgit's hook, which pre-commit runs first")
        return traceShim(at: legacy, hook: hook, steps: steps)
      }
      let config = preCommitConfigPath(script: path)
      if preCommitConfigRunsMLGit(config, hook: hook) {
        steps.append("\(relative(config)): runs `mlgit hook \(hook)`")
        return HookTrace(runs: true, steps: steps, fix: nil)
      }
      if HookFileKind.of(legacy) == .mlgit { steps.append("\(relative(legacy)): mlgit's hook, but not executable") }
      steps.append("\(relative(config)): no mlgit hook for \(hook)")
      return HookTrace(runs: false, steps: steps, fix: "mlgit install --with pre-commit")
    case .lefthook:
      steps.append("\(relative(path)): lefthook's script (lefthook never runs \(hook).old)")
      if HookFileKind.of(path + ".old") == .mlgit {
        steps.append("\(relative(path + ".old")): mlgit's hook, moved aside by `lefthook install`")
      }
      if let config = lefthookConfig, lefthookRunsMLGit(hook: hook) {
        steps.append("\(relative(config)): runs `mlgit hook \(hook)`")
        return HookTrace(runs: true, steps: steps, fix: nil)
      }
      steps.append("\(lefthookConfig.map(relative) ?? "lefthook.yml"): no mlgit command for \(hook)")
      return HookTrace(runs: false, steps: steps, fix: "mlgit install --with lefthook")
    case .huskyShim:
      steps.append("\(relative(path)): husky's shim")
      guard let husky = huskyDirectory ?? Optional(PathText.parent(hooksDirectory)) else {
        return HookTrace(runs: false, steps: steps, fix: "mlgit install --with husky")
      }
      let script = PathText.join(husky, hook)
      if let text = try? String(contentsOfFile: script, encoding: .utf8), HuskyScript.runsMLGit(text, hook: hook) {
        steps.append("\(relative(script)): runs `mlgit hook \(hook)`")
        return HookTrace(runs: true, steps: steps, fix: nil)
      }
      steps.append("\(relative(script)): \(fileManager.fileExists(atPath: script) ? "no mlgit line" : "missing")")
      return HookTrace(runs: false, steps: steps, fix: "mlgit install --with husky")
    case .dvc, .other, .missing:
      steps.append("\(relative(path)): \(kind.name); mlgit is not in it")
      return HookTrace(runs: false, steps: steps, fix: "mlgit install")
    }
  }

  /// mlgit's own hook: it runs when the binary it names is there.
  func traceShim(at path: String, hook: String, steps: [String]) -> HookTrace {
    var steps = steps
    let chained = hookPath(hook) + HookInstaller.chainSuffix
    let chainedKind = HookFileKind.of(chained)
    if chainedKind != .missing { steps.append("\(relative(chained)): \(chainedKind.name), run first") }
    if chainedKind == .huskyShim {
      // husky's shim dispatches by its own file name, so renamed it runs nothing.
      steps.append("husky's shim under another name runs no .husky script")
    }
    let script = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    if let binary = HookInstaller.executable(inScript: script), !fileManager.isExecutableFile(atPath: binary) {
      steps.append("\(binary): missing, so the hook refuses every \(hook == "pre-commit" ? "commit" : "push")")
      return HookTrace(runs: false, steps: steps, fix: "mlgit install --force")
    }
    return HookTrace(
      runs: chainedKind != .huskyShim, steps: steps, fix: chainedKind == .huskyShim ? "mlgit install --with husky" : nil
    )
  }

  // MARK: pre-commit (the framework)

  /// The config pre-commit's script names (`--config=…`, relative to the work tree).
  func preCommitConfigPath(script: String) -> String {
    let text = (try? String(contentsOfFile: script, encoding: .utf8)) ?? ""
    var name = ".pre-commit-config.yaml"
    if let range = text.firstRange(of: #/--config=[^ )'"]+/#) {
      name = String(text[range].dropFirst("--config=".count))
    }
    return name.hasPrefix("/") ? name : (inWorkTree(name) ?? name)
  }

  /// True when the config has a hook that runs `mlgit hook NAME` at stage `hook`.
  func preCommitConfigRunsMLGit(_ path: String, hook: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path), let root = try? Document.parse(data),
      let repos = root["repos"]?.items
    else { return false }
    let legacyStage = ["pre-commit": "commit", "pre-push": "push"][hook] ?? hook
    for repo in repos {
      for entry in repo["hooks"]?.items ?? [] {
        let id = entry["id"]?.string ?? ""
        let command = entry["entry"]?.string ?? ""
        let byEntry = command.contains("mlgit hook \(hook)")
        // A hook taken from this repository's .pre-commit-hooks.yaml by id.
        let byID = (id == "mlgit" && hook == "pre-commit") || (id == "mlgit-pre-push" && hook == "pre-push")
        guard byEntry || (byID && command.isEmpty) else { continue }
        if let stages = entry["stages"]?.items {
          if !stages.contains(where: { $0.string == hook || $0.string == legacyStage }) { continue }
        } else if byEntry, let defaults = root["default_stages"]?.items,
          !defaults.contains(where: { $0.string == hook || $0.string == legacyStage })
        {
          continue
        }
        return true
      }
    }
    return false
  }

  // MARK: lefthook

  /// True when lefthook's config (or its local override) runs `mlgit hook NAME` for `hook`.
  func lefthookRunsMLGit(hook: String) -> Bool {
    let files = [lefthookConfig].compactMap { $0 } + lefthookLocalConfigs
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else { continue }
      if file.hasSuffix(".yml") || file.hasSuffix(".yaml") {
        guard let root = try? Document.parse(data), let section = root[hook] else { continue }
        var runs: [String] = []
        for (_, command) in section["commands"]?.pairs ?? [] { runs.append(command["run"]?.string ?? "") }
        for job in section["jobs"]?.items ?? [] { runs.append(job["run"]?.string ?? "") }
        if section["skip"]?.bool == true { continue }
        if runs.contains(where: { $0.contains("mlgit hook \(hook)") }) { return true }
      } else if String(decoding: data, as: UTF8.self).contains("mlgit hook \(hook)") {
        // TOML and JSON configs: mlgit does not parse them; a mention is taken as the entry.
        return true
      }
    }
    return false
  }
}

/// The lines `mlgit install --with husky` puts at the top of `.husky/<hook>`.
enum HuskyScript {
  static func block(for hook: String) -> String {
    switch hook {
    case "pre-push":
      // The refs git passes on stdin are kept for the lines below mlgit's.
      return """
        \(ManagedBlock.begin("husky"))
        mlgit_refs=$(cat)
        printf '%s\\n' "$mlgit_refs" | mlgit hook pre-push "$@"
        exec <<mlgit_refs_end
        $mlgit_refs
        mlgit_refs_end
        \(ManagedBlock.end)

        """
    default:
      return "\(ManagedBlock.begin("husky"))\nmlgit hook \(hook) \"$@\"\n\(ManagedBlock.end)\n\n"
    }
  }

  /// True when an uncommented line of the script runs `mlgit hook NAME`.
  static func runsMLGit(_ text: String, hook: String) -> Bool {
    text.split(separator: "\n").contains { line in
      let trimmed = line.trimmingWhitespace()
      return !trimmed.hasPrefix("#") && trimmed.contains("mlgit hook \(hook)")
    }
  }
}

/// The marked lines mlgit adds to another tool's files, so `mlgit uninstall` removes exactly them.
enum ManagedBlock {
  static func begin(_ manager: String) -> String {
    "# >>> mlgit: added by `mlgit install --with \(manager)`; `mlgit uninstall` removes it"
  }
  static let end = "# <<< mlgit"

  /// The text without mlgit's blocks (and the blank line after each), or nil when it has none.
  static func removing(from text: String) -> String? {
    var lines = text.components(separatedBy: "\n")
    var removed = false
    var index = 0
    while index < lines.count {
      if lines[index].trimmingWhitespace().hasPrefix("# >>> mlgit:"),
        let endIndex = lines[index...].firstIndex(where: { $0.trimmingWhitespace() == end })
      {
        var upper = endIndex
        if upper + 1 < lines.count - 1, lines[upper + 1].isEmpty { upper += 1 }
        lines.removeSubrange(index...upper)
        removed = true
      } else {
        index += 1
      }
    }
    return removed ? lines.joined(separator: "\n") : nil
  }

  static func contains(_ text: String) -> Bool { text.contains("# >>> mlgit:") }
}
