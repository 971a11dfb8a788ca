import FoundationEssentials
import MLGitErrors
import GitKit
import MLPolicy

/// The checks `mlgit doctor` runs: what is installed where (each client hook traced
/// through any hook manager to `mlgit hook`, or the server hook of a bare repository),
/// whether the hooks can read the index, the notes settings, HEAD and the policy in
/// force. Each line is told to `say` as it is found, so what was found before a failure
/// (not a repository, no hooks folder) still shows.
public struct DoctorChecks {
  /// The mlgit binary the hooks should call.
  let executable: String
  /// The environment the repository is opened with (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE).
  let environment: [String: String]

  /// The checks for the running mlgit binary, on the repository git's commands would use here.
  public init() {
    self.init(executable: HookInstaller.currentExecutable(), environment: Workspace.processEnvironment())
  }

  init(executable: String, environment: [String: String]) {
    self.executable = executable
    self.environment = environment
  }

  /// Runs every check; throws when the repository or its hooks folder cannot be opened.
  public func run(say: (Diagnosis.Line) -> Void) throws -> Diagnosis {
    var diagnosis = Diagnosis()
    var report: [String] = []
    func tell(_ line: Diagnosis.Line) {
      report.append(line.plain)
      say(line)
    }
    diagnosis.executable = executable
    diagnosis.libgit2 = libgit2Version()
    tell(Diagnosis.Line("mlgit \(MLGitVersion.current) at \(executable)"))
    tell(Diagnosis.Line("libgit2 \(libgit2Version())"))
    let workspace = try Workspace.open(environment: environment)
    let repo = workspace.repository
    diagnosis.repository = repo.workingDirectory ?? repo.gitDirectory
    diagnosis.bare = repo.isBare
    tell(Diagnosis.Line("repository: \(repo.workingDirectory ?? repo.gitDirectory)\(repo.isBare ? " (bare)" : "")"))
    if repo.isShallow { tell(Diagnosis.Line("shallow clone: yes (history checks stop at the shallow boundary)")) }
    let hooksDir = try repo.hooksDirectory()
    let configured = try repo.config().string("core.hooksPath")
    tell(Diagnosis.Line("hooks: \(hooksDir)\(configured.map { " (core.hooksPath = \($0))" } ?? "")"))
    let installer = HookInstaller(hooksDirectory: hooksDir, executable: executable)
    var problems: [String] = []
    if repo.isBare {
      problems += serverHooks(installer, hooks: &diagnosis.hooks, tell)
    } else {
      problems += clientHooks(try HookLayout(repository: repo), installer: installer, hooks: &diagnosis.hooks, tell)
    }
    problems += indexReader(workspace, tell)
    if !repo.isBare { problems += notesSettings(repo, tell) }
    if let problem = DoctorChecks.headProblem(repo) {
      // The policy is read from HEAD: with HEAD broken, the config is not to blame.
      tell(Diagnosis.Line(TerminalText.escape("HEAD: \(problem.state)", keepingNewlines: true)))
      problems.append(problem.fix)
    } else {
      problems += DoctorChecks.policy(workspace, tell)
    }
    diagnosis.problems = problems
    diagnosis.report = report
    return diagnosis
  }

  /// Follows what git runs for each client hook, through any hook manager, to `mlgit hook`.
  func clientHooks(
    _ layout: HookLayout, installer: HookInstaller, hooks: inout [Diagnosis.Hook], _ say: (Diagnosis.Line) -> Void
  ) -> [String] {
    var problems: [String] = []
    say(Diagnosis.Line("layout: \(layout.description)"))
    for hook in HookInstaller.clientHooks {
      let trace = layout.trace(hook)
      hooks.append(Diagnosis.Hook(name: hook, runs: trace.runs, steps: trace.steps))
      say(
        trace.runs
          ? Diagnosis.Line("  \(hook): mlgit's check runs")
          : Diagnosis.Line("  \(hook): ", alarm: "MLGIT'S CHECK DOES NOT RUN"))
      for step in trace.steps { say(Diagnosis.Line("    \(step)")) }
      let slot = installer.slot(for: hook)
      if trace.runs, HookInstaller.isMLGitHook(atPath: slot),
        (try? String(contentsOfFile: slot, encoding: .utf8)) != installer.script(for: hook)
      {
        say(Diagnosis.Line("    installed for another mlgit binary or version"))
        problems.append("\(hook) is outdated: run `mlgit install --force`")
      }
      if !trace.runs {
        problems.append("mlgit's \(hook) check does not run: run `\(trace.fix ?? "mlgit install")`")
      }
    }
    return problems
  }

  /// Whether the pre-receive hook in a bare repository's hooks folder is mlgit's current one.
  func serverHooks(
    _ installer: HookInstaller, hooks: inout [Diagnosis.Hook], _ say: (Diagnosis.Line) -> Void
  ) -> [String] {
    var problems: [String] = []
    for hook in HookInstaller.serverHooks {
      let path = installer.path(hook)
      let chained =
        FileManager.default.fileExists(atPath: path + HookInstaller.chainSuffix)
        ? ", chains \(hook)\(HookInstaller.chainSuffix)" : ""
      guard FileManager.default.fileExists(atPath: path) else {
        say(Diagnosis.Line("  \(hook): not installed"))
        hooks.append(Diagnosis.Hook(name: hook, runs: false, steps: ["not installed"]))
        problems.append("\(hook) hook missing: run `mlgit install --server`")
        continue
      }
      guard HookInstaller.isMLGitHook(atPath: path) else {
        say(Diagnosis.Line("  \(hook): another tool's hook (mlgit's is not installed)"))
        hooks.append(
          Diagnosis.Hook(name: hook, runs: false, steps: ["another tool's hook (mlgit's is not installed)"]))
        problems.append("\(hook) is not mlgit's: run `mlgit install --server` to chain it")
        continue
      }
      let content = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      let executable = FileManager.default.isExecutableFile(atPath: path)
      let state =
        !executable
        ? "installed but not executable"
        : content != installer.script(for: hook)
          ? "installed, but for another mlgit binary or version" : "installed"
      hooks.append(Diagnosis.Hook(name: hook, runs: executable, steps: [state + chained]))
      say(Diagnosis.Line("  \(hook): \(state)\(chained)"))
      if !executable {
        problems.append("\(hook) is not executable: run `mlgit install --server --force`")
      } else if content != installer.script(for: hook) {
        problems.append("\(hook) is outdated: run `mlgit install --server --force`")
      }
    }
    return problems
  }

  /// What is wrong with HEAD, if anything: unreadable, or naming a commit that is not there.
  static func headProblem(_ repo: Repository) -> (state: String, fix: String)? {
    let branch = repo.headBranch()
    let head: OID?
    do {
      head = try repo.headCommit()
    } catch {
      return (
        "cannot be read (\(error))",
        "HEAD is damaged: point it at a branch with `git symbolic-ref HEAD refs/heads/BRANCH` (`git branch` lists them)"
      )
    }
    guard let head else { return nil }
    let kind = try? repo.objectKind(head)
    guard kind != "commit" else { return nil }
    let name = branch ?? "HEAD"
    let what = kind.map { "a \($0), not a commit" } ?? "a commit that is not in the object database"
    return (
      "\(name) points at \(head.short), \(what)",
      "\(name) is damaged: find its last good commit with `git reflog \(name)` and restore it with `git update-ref \(name) COMMIT`"
    )
  }

  /// Says the policy in force, or why it cannot be read, and returns what to fix. A
  /// broken committed config is named as such, with the commit that broke it and how a
  /// commit can repair it.
  static func policy(_ workspace: Workspace, _ say: (Diagnosis.Line) -> Void) -> [String] {
    let repo = workspace.repository
    let head: OID?
    do {
      head = try repo.headCommit()
    } catch let error as GitError {
      say(Diagnosis.Line("policy: cannot be read: HEAD cannot be resolved: \(error.message)"))
      return ["git cannot resolve HEAD (\(error.message)); see `git status`"]
    } catch {
      say(Diagnosis.Line("policy: cannot be read: \(error)"))
      return ["HEAD cannot be resolved: \(error)"]
    }
    do {
      let policy = try workspace.policy(before: head)
      say(Diagnosis.Line("policy in force: \(policy.sources.joined(separator: " + "))"))
      return []
    } catch let broken as BrokenPolicy {
      say(Diagnosis.Line("policy: cannot be loaded:"))
      say(
        Diagnosis.Line(
          TerminalText.escape(
            broken.description.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }
              .joined(separator: "\n"), keepingNewlines: true)))
      let since = broken.brokenBy.map { " since \($0.id.short) \"\(TerminalText.escape($0.summary))\"" } ?? ""
      return [
        "the committed \(PolicyRepair.configPath) (HEAD's) is broken\(since): fix it, `git add \(PolicyRepair.configPath)` and commit "
          + "(the repairing commit is judged by the repaired config and at least the default pack)"
      ]
    } catch let error as GitError {
      say(Diagnosis.Line("policy: cannot be read: \(error.message)"))
      return ["git cannot read HEAD's tree: \(error.message)"]
    } catch {
      say(Diagnosis.Line(TerminalText.escape("policy: cannot be loaded: \(error)", keepingNewlines: true)))
      return ["fix \(PolicyRepair.configPath)"]
    }
  }

  /// Reads the index the way the hooks do: mlgit's own scanner, or, for the formats it
  /// leaves to git (split, sparse), `git` itself, which must then be able to read it.
  func indexReader(_ workspace: Workspace, _ say: (Diagnosis.Line) -> Void) -> [String] {
    let index = workspace.indexPath
    guard FileManager.default.fileExists(atPath: index) else {
      say(Diagnosis.Line("index: none yet (git reads a missing index as empty)"))
      return []
    }
    do {
      _ = try IndexFile(path: index, prefixes: [".mlgit"])
      say(Diagnosis.Line("index: read by mlgit's index reader, as the hooks read it"))
      return []
    } catch let error as IndexUnreadable {
      let repo = workspace.repository
      let git = GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
      let output = try? git.run(
        ["ls-files", "--stage", "--", ".mlgit"],
        environment: ["GIT_INDEX_FILE": index, "GIT_DIR": repo.gitDirectory])
      if let output, output.status == 0 {
        say(
          Diagnosis.Line(
            "index: \(error.reason); the hooks read it through git (git diff-index --cached), which can"))
        return []
      }
      let reason = output.map { $0.stderr.trimmingWhitespaceAndNewlines() } ?? "git cannot be run"
      say(Diagnosis.Line("index: \(error.reason), and git cannot read it either: \(reason)"))
      return ["the index \(index) cannot be read, so every commit is refused: repair it (rm it, then `git reset`)"]
    } catch {
      say(Diagnosis.Line("index: cannot be read: \(error)"))
      return ["the index \(index) cannot be read: repair it (rm it, then `git reset`)"]
    }
  }

  /// The settings `mlgit install` makes for sharing notes: each remote fetches mlgit's notes
  /// (into the namespace `mlgit sync` merges from), and rewrites carry them along.
  func notesSettings(_ repo: Repository, _ say: (Diagnosis.Line) -> Void) -> [String] {
    guard let config = try? repo.config(), let wanted = try? RepositorySettings(repository: repo).wanted() else {
      return []
    }
    var problems: [String] = []
    for setting in wanted where setting.multi {
      let values = (try? config.strings(setting.key)) ?? []
      if values.contains(setting.value) { continue }
      if setting.key.hasPrefix("remote.") {
        let remote = setting.key.dropFirst("remote.".count).dropLast(".fetch".count)
        say(
          Diagnosis.Line(
            "notes: remote '\(remote)' does not fetch mlgit's notes (\(setting.key) lacks \(setting.value))"))
        problems.append("remote '\(remote)' does not fetch mlgit's notes: run `mlgit install` (it adds the refspec)")
      } else {
        say(Diagnosis.Line("notes: \(setting.key) lacks \(setting.value), so amend and rebase drop mlgit's notes"))
        problems.append("\(setting.key) lacks \(setting.value): run `mlgit install`")
      }
    }
    if problems.isEmpty, !wanted.isEmpty {
      say(Diagnosis.Line("notes: every remote fetches mlgit's notes; rewrites keep them"))
    }
    return problems
  }
}
