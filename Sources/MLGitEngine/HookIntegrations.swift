import FoundationEssentials
import MLGitErrors
import GitKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `mlgit install --with MANAGER`: mlgit's check as an entry in the manager's own config,
/// which survives every reinstall of the manager and reaches everyone who clones.
/// Each entry is a marked block (`# >>> mlgit` … `# <<< mlgit`) so `mlgit uninstall`
/// removes exactly what was added.
struct HookIntegration {
  let layout: HookLayout
  let installer: HookInstaller

  static let hooks = HookInstaller.clientHooks

  /// Adds mlgit to the manager's config, hands the hooks folder back to the manager,
  /// and returns what it did, a line each.
  func add(_ manager: HookManager) throws -> [String] {
    guard layout.workTree != nil else {
      throw CommandFailure.usage("mlgit: --with \(manager.rawValue) needs a repository with a working tree")
    }
    var messages: [String] = []
    switch manager {
    case .preCommit:
      let tool = try locate("pre-commit", install: "pip install pre-commit")
      messages += try addToPreCommitConfig()
      messages += try removeShims()
      messages += try runTool(tool, ["install"], "pre-commit install")
    case .lefthook:
      let tool = try locate("lefthook", install: "pip install lefthook, or npm install --save-dev lefthook")
      messages += try addToLefthookConfig()
      messages += try removeShims()
      messages += try runTool(tool, ["install"], "lefthook install")
    case .husky:
      messages += try addToHuskyScripts()
      messages += try removeShims()
    case .dvc:
      throw CommandFailure.usage(
        """
        mlgit: dvc has no config for other tools' hooks. Either run `dvc install` first and then
        `mlgit install` (mlgit chains dvc's hooks), or use pre-commit for both:
        `dvc install --use-pre-commit-tool` and `mlgit install --with pre-commit`
        """)
    }
    for hook in HookIntegration.hooks {
      let trace = layout.trace(hook)
      if !trace.runs {
        messages.append("warning: mlgit's \(hook) check does not run yet: \(trace.steps.last ?? "")")
      }
    }
    return messages
  }

  /// Removes mlgit's shims (restoring what they chained), so the check does not run twice.
  func removeShims() throws -> [String] {
    try HookIntegration.hooks.compactMap { try installer.uninstall($0) }
  }

  /// Removes every block mlgit added to a manager's files; deletes a file that held nothing else.
  static func removeAll(layout: HookLayout) throws -> [String] {
    var files = [layout.inWorkTree(".pre-commit-config.yaml")].compactMap { $0 }
    files += HookLayout.lefthookConfigNames.compactMap { layout.inWorkTree($0) }
    let husky = layout.huskyDirectory ?? layout.inWorkTree(".husky")
    files += hooks.compactMap { hook in husky.map { PathText.join($0, hook) } }
    var messages: [String] = []
    for file in files {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8),
        let remaining = ManagedBlock.removing(from: text)
      else {
        continue
      }
      if remaining.trimmingWhitespaceAndNewlines().isEmpty {
        try HookInstaller.unlink(file)
        messages.append("removed \(layout.relative(file)) (it held only mlgit's entry)")
      } else {
        try FileReplacement.write(Data(remaining.utf8), to: file, mode: HookIntegration.mode(of: file))
        messages.append("removed mlgit's entry from \(layout.relative(file))")
      }
    }
    return messages
  }

  // MARK: pre-commit

  static func preCommitEntry(indent: String) -> String {
    let lines = [
      ManagedBlock.begin("pre-commit"),
      "- repo: local",
      "  hooks:",
      "    - id: mlgit",
      "      name: mlgit policy check",
      "      entry: mlgit hook pre-commit",
      "      language: system",
      "      pass_filenames: false",
      "      always_run: true",
      "      stages: [pre-commit]",
      "    - id: mlgit-pre-push",
      "      name: mlgit push check",
      "      entry: mlgit hook pre-push",
      "      language: system",
      "      pass_filenames: false",
      "      always_run: true",
      "      stages: [pre-push]",
      ManagedBlock.end,
    ]
    return lines.map { indent + $0 }.joined(separator: "\n") + "\n"
  }

  func addToPreCommitConfig() throws -> [String] {
    guard let path = layout.inWorkTree(".pre-commit-config.yaml") else { return [] }
    let original = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    if layout.preCommitConfigRunsMLGit(path, hook: "pre-commit")
      && layout.preCommitConfigRunsMLGit(path, hook: "pre-push")
    {
      return ["\(layout.relative(path)) already runs mlgit at pre-commit and pre-push"]
    }
    var lines = original.isEmpty ? [] : original.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    let hookTypes =
      ManagedBlock.begin("pre-commit") + "\ndefault_install_hook_types: [pre-commit, pre-push]\n" + ManagedBlock.end
    var messages: [String] = []
    if let reposLine = lines.firstIndex(where: { $0.hasPrefix("repos:") }) {
      let rest = lines[reposLine].dropFirst("repos:".count).trimmingWhitespace()
      if rest == "[]" {
        lines[reposLine] = "repos:"
      } else if !rest.isEmpty && !rest.hasPrefix("#") {
        throw CommandFailure.usage(snippetFailure(path, "its `repos:` is not a block list"))
      }
      // The items' indentation, from the first item below `repos:`.
      let item = lines[(reposLine + 1)...].first { line in
        let trimmed = line.trimmingWhitespace()
        return trimmed.hasPrefix("- ")
      }
      let indent = item.map { String($0.prefix { $0 == " " }) } ?? "  "
      lines.insert(
        contentsOf: HookIntegration.preCommitEntry(indent: indent).split(separator: "\n").map(String.init),
        at: reposLine + 1)
      if !lines.contains(where: { $0.hasPrefix("default_install_hook_types:") }) {
        lines.insert(contentsOf: hookTypes.components(separatedBy: "\n"), at: reposLine)
      } else if let types = lines.first(where: { $0.hasPrefix("default_install_hook_types:") }),
        !types.contains("pre-push")
      {
        messages.append(
          "note: add pre-push to default_install_hook_types in \(layout.relative(path)), so `pre-commit install` installs the push check"
        )
      }
    } else {
      lines += hookTypes.components(separatedBy: "\n") + ["repos:"]
      lines += HookIntegration.preCommitEntry(indent: "  ").split(separator: "\n").map(String.init)
    }
    let updated = lines.joined(separator: "\n") + "\n"
    try FileReplacement.write(Data(updated.utf8), to: path, mode: HookIntegration.mode(of: path))
    guard layout.preCommitConfigRunsMLGit(path, hook: "pre-commit"),
      layout.preCommitConfigRunsMLGit(path, hook: "pre-push")
    else {
      if original.isEmpty {
        try? HookInstaller.unlink(path)
      } else {
        try FileReplacement.write(Data(original.utf8), to: path, mode: HookIntegration.mode(of: path))
      }
      throw CommandFailure.usage(snippetFailure(path, "mlgit could not place its entry so that it reads back"))
    }
    return messages + ["added mlgit's hooks (ids mlgit, mlgit-pre-push) to \(layout.relative(path))"]
  }

  // MARK: lefthook

  func addToLefthookConfig() throws -> [String] {
    let path = layout.lefthookConfig ?? layout.inWorkTree("lefthook.yml") ?? "lefthook.yml"
    guard path.hasSuffix(".yml") || path.hasSuffix(".yaml") else {
      throw CommandFailure.usage(snippetFailure(path, "mlgit edits lefthook's YAML configs only"))
    }
    let original = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    var lines = original.isEmpty ? [] : original.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    var added: [String] = []
    for hook in HookIntegration.hooks where !layout.lefthookRunsMLGit(hook: hook) {
      let run = hook == "pre-push" ? "mlgit hook pre-push {1} {2}" : "mlgit hook \(hook)"
      let fields = ["run: \(run)"] + (hook == "pre-push" ? ["use_stdin: true"] : [])
      guard
        let header = lines.firstIndex(where: {
          $0 == "\(hook):" || $0.hasPrefix("\(hook): ") || $0.hasPrefix("\(hook):#")
        })
      else {
        lines +=
          [ManagedBlock.begin("lefthook"), "\(hook):", "  commands:", "    mlgit:"] + fields.map { "      " + $0 } + [
            ManagedBlock.end
          ]
        added.append(hook)
        continue
      }
      // The hook's own lines run until the next line that starts at column 0.
      var end = header + 1
      while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
      let body = lines[(header + 1)..<end]
      let childIndent =
        body.first {
          !$0.trimmingWhitespace().isEmpty && !$0.trimmingWhitespace().hasPrefix("#")
        }
        .map { String($0.prefix { $0 == " " }) } ?? "  "
      if let commands = body.firstIndex(where: { $0 == childIndent + "commands:" }) {
        let inner = childIndent + "  "
        lines.insert(
          contentsOf: [inner + ManagedBlock.begin("lefthook"), inner + "mlgit:"] + fields.map { inner + "  " + $0 } + [
            inner + ManagedBlock.end
          ], at: commands + 1)
      } else if let jobs = body.firstIndex(where: { $0 == childIndent + "jobs:" }) {
        let inner = childIndent + "  "
        lines.insert(
          contentsOf: [inner + ManagedBlock.begin("lefthook"), inner + "- name: mlgit"]
            + fields.map { inner + "  " + $0 } + [inner + ManagedBlock.end], at: jobs + 1)
      } else {
        let inner = childIndent
        lines.insert(
          contentsOf: [inner + ManagedBlock.begin("lefthook"), inner + "commands:", inner + "  mlgit:"]
            + fields.map { inner + "    " + $0 } + [inner + ManagedBlock.end], at: header + 1)
      }
      added.append(hook)
    }
    if added.isEmpty { return ["\(layout.relative(path)) already runs mlgit at pre-commit and pre-push"] }
    try FileReplacement.write(
      Data((lines.joined(separator: "\n") + "\n").utf8), to: path, mode: HookIntegration.mode(of: path))
    guard HookIntegration.hooks.allSatisfy({ layout.lefthookRunsMLGit(hook: $0) }) else {
      if original.isEmpty {
        try? HookInstaller.unlink(path)
      } else {
        try FileReplacement.write(Data(original.utf8), to: path, mode: HookIntegration.mode(of: path))
      }
      throw CommandFailure.usage(snippetFailure(path, "mlgit could not place its commands so that they read back"))
    }
    return ["added mlgit's commands for \(added.joined(separator: " and ")) to \(layout.relative(path))"]
  }

  // MARK: husky

  func addToHuskyScripts() throws -> [String] {
    guard let husky = layout.huskyDirectory ?? layout.inWorkTree(".husky") else { return [] }
    try? FileManager.default.createDirectory(atPath: husky, withIntermediateDirectories: true)
    var messages: [String] = []
    for hook in HookIntegration.hooks {
      let path = PathText.join(husky, hook)
      let original = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      if HuskyScript.runsMLGit(original, hook: hook) {
        messages.append("\(layout.relative(path)) already runs mlgit")
        continue
      }
      // First in the script: a line before it that exits early would skip it.
      var lines = original.components(separatedBy: "\n")
      let at = lines.first?.hasPrefix("#!") == true ? 1 : 0
      lines.insert(contentsOf: HuskyScript.block(for: hook).components(separatedBy: "\n").dropLast(), at: at)
      let updated = original.isEmpty ? HuskyScript.block(for: hook) : lines.joined(separator: "\n")
      try FileReplacement.write(
        Data(updated.utf8), to: path, mode: original.isEmpty ? 0o755 : HookIntegration.mode(of: path))
      messages.append("added `mlgit hook \(hook)` to \(layout.relative(path)) (commit it so the team runs it too)")
    }
    return messages
  }

  // MARK: helpers

  static func mode(of path: String) -> mode_t {
    let value = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? UInt).map { Int($0) }
    return mode_t(value ?? 0o644)
  }

  func snippetFailure(_ path: String, _ why: String) -> String {
    "mlgit: cannot add mlgit to \(layout.relative(path)): \(why); add the snippet from docs/hooks.md by hand"
  }

  /// The manager's command on PATH; `--with` runs it so its scripts are in place.
  func locate(_ tool: String, install: String) throws -> String {
    if let found = ProgramLookup.find(tool) { return found }
    throw CommandFailure.usage(
      "mlgit: \(tool) is not on PATH; install it (\(install)), then run `mlgit install --with \(tool)` again")
  }

  func runTool(_ tool: String, _ arguments: [String], _ shown: String) throws -> [String] {
    let output = try GitCommandLine.runProgram(tool, arguments, directory: layout.workTree)
    guard output.status == 0 else {
      throw CommandFailure.system("mlgit: `\(shown)` failed (exit \(output.status)):\n\(output.text)\(output.stderr)")
    }
    return ["ran `\(shown)`"]
  }
}
