import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitErrors
import MLGitReport
import MLPolicy

/// `mlgit doctor`: what is installed where, and whether it works.
struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Report what mlgit installed where, the libgit2 version and the policy in force.",
    discussion: "Exit status 1 when something needs fixing.")

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  @OptionGroup var colour: ColourOption

  func run() throws {
    let report = DoctorReport(format: format, style: format == .text ? colour.style() : TextStyle(enabled: false))
    let style = report.style
    var problems: [String] = []
    let executable = HookInstaller.currentExecutable()
    report.document.executable = executable
    report.document.libgit2 = libgit2Version()
    report.say("mlgit \(MLGit.version) at \(executable)")
    report.say("libgit2 \(libgit2Version())")
    let workspace = try Workspace.open()
    let repo = workspace.repository
    report.document.repository = repo.workingDirectory ?? repo.gitDirectory
    report.document.bare = repo.isBare
    report.say("repository: \(repo.workingDirectory ?? repo.gitDirectory)\(repo.isBare ? " (bare)" : "")")
    if repo.isShallow { report.say("shallow clone: yes (history checks stop at the shallow boundary)") }
    let hooksDir = try repo.hooksDirectory()
    let configured = try repo.config().string("core.hooksPath")
    report.say("hooks: \(hooksDir)\(configured.map { " (core.hooksPath = \($0))" } ?? "")")
    let installer = HookInstaller(hooksDirectory: hooksDir, executable: executable)
    if repo.isBare {
      problems += checkServerHooks(installer, report)
    } else {
      problems += checkClientHooks(try HookLayout(repository: repo), installer: installer, report)
    }
    problems += checkIndexReader(workspace, report)
    if !repo.isBare { problems += checkNotesSettings(repo, report) }
    if let problem = DoctorCommand.headProblem(repo) {
      // The policy is read from HEAD: with HEAD broken, the config is not to blame.
      report.say(TerminalText.escape("HEAD: \(problem.state)", keepingNewlines: true))
      problems.append(problem.fix)
    } else {
      problems += DoctorCommand.checkPolicy(workspace, report)
    }
    report.document.problems = problems
    if report.format == .json { try ListingJSON.write(report.document) }
    if problems.isEmpty {
      report.say(style.paint("all good", .good))
    } else {
      for problem in problems where report.format == .text {
        report.say(style.paint("to fix:", .error) + TerminalText.escape(" \(problem)", keepingNewlines: true))
      }
      throw ExitCode(ExitStatus.findings.rawValue)
    }
  }

  /// Follows what git runs for each client hook, through any hook manager, to `mlgit hook`.
  func checkClientHooks(_ layout: HookLayout, installer: HookInstaller, _ report: DoctorReport) -> [String] {
    var problems: [String] = []
    report.say("layout: \(layout.description)")
    for hook in HookInstaller.clientHooks {
      let trace = layout.trace(hook)
      report.document.hooks.append(DoctorReport.Hook(name: hook, runs: trace.runs, steps: trace.steps))
      report.say(
        "  \(hook): \(trace.runs ? "mlgit's check runs" : report.style.paint("MLGIT'S CHECK DOES NOT RUN", .error))")
      for step in trace.steps { report.say("    \(step)") }
      let slot = installer.slot(for: hook)
      if trace.runs, HookInstaller.isMLGitHook(atPath: slot),
        (try? String(contentsOfFile: slot, encoding: .utf8)) != installer.script(for: hook)
      {
        report.say("    installed for another mlgit binary or version")
        problems.append("\(hook) is outdated: run `mlgit install --force`")
      }
      if !trace.runs {
        problems.append("mlgit's \(hook) check does not run: run `\(trace.fix ?? "mlgit install")`")
      }
    }
    return problems
  }

  func checkServerHooks(_ installer: HookInstaller, _ report: DoctorReport) -> [String] {
    var problems: [String] = []
    for hook in HookInstaller.serverHooks {
      let path = installer.path(hook)
      let chained =
        FileManager.default.fileExists(atPath: path + HookInstaller.chainSuffix)
        ? ", chains \(hook)\(HookInstaller.chainSuffix)" : ""
      guard FileManager.default.fileExists(atPath: path) else {
        report.say("  \(hook): not installed")
        report.document.hooks.append(DoctorReport.Hook(name: hook, runs: false, steps: ["not installed"]))
        problems.append("\(hook) hook missing: run `mlgit install --server`")
        continue
      }
      guard HookInstaller.isMLGitHook(atPath: path) else {
        report.say("  \(hook): another tool's hook (mlgit's is not installed)")
        report.document.hooks.append(
          DoctorReport.Hook(name: hook, runs: false, steps: ["another tool's hook (mlgit's is not installed)"]))
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
      report.document.hooks.append(DoctorReport.Hook(name: hook, runs: executable, steps: [state + chained]))
      if !executable {
        report.say("  \(hook): installed but not executable\(chained)")
        problems.append("\(hook) is not executable: run `mlgit install --server --force`")
      } else if content != installer.script(for: hook) {
        report.say("  \(hook): installed, but for another mlgit binary or version\(chained)")
        problems.append("\(hook) is outdated: run `mlgit install --server --force`")
      } else {
        report.say("  \(hook): installed\(chained)")
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

  /// Prints the policy in force, or why it cannot be read, and returns what to fix. A
  /// broken committed config is named as such, with the commit that broke it and how a
  /// commit can repair it.
  static func checkPolicy(_ workspace: Workspace, _ report: DoctorReport) -> [String] {
    let repo = workspace.repository
    let head: OID?
    do {
      head = try repo.headCommit()
    } catch let error as GitError {
      report.say("policy: cannot be read: HEAD cannot be resolved: \(error.message)")
      return ["git cannot resolve HEAD (\(error.message)); see `git status`"]
    } catch {
      report.say("policy: cannot be read: \(error)")
      return ["HEAD cannot be resolved: \(error)"]
    }
    do {
      let policy = try workspace.policy(before: head)
      report.say("policy in force: \(policy.sources.joined(separator: " + "))")
      return []
    } catch let broken as BrokenPolicy {
      report.say("policy: cannot be loaded:")
      report.say(
        TerminalText.escape(
          broken.description.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }
            .joined(separator: "\n"), keepingNewlines: true))
      let since = broken.brokenBy.map { " since \($0.id.short) \"\(TerminalText.escape($0.summary))\"" } ?? ""
      return [
        "the committed \(PolicyRepair.configPath) (HEAD's) is broken\(since): fix it, `git add \(PolicyRepair.configPath)` and commit "
          + "(the repairing commit is judged by the repaired config and at least the default pack)"
      ]
    } catch let error as GitError {
      report.say("policy: cannot be read: \(error.message)")
      return ["git cannot read HEAD's tree: \(error.message)"]
    } catch {
      report.say(TerminalText.escape("policy: cannot be loaded: \(error)", keepingNewlines: true))
      return ["fix \(PolicyRepair.configPath)"]
    }
  }

  /// Reads the index the way the hooks do: mlgit's own scanner, or, for the formats it
  /// leaves to git (split, sparse), `git` itself, which must then be able to read it.
  func checkIndexReader(_ workspace: Workspace, _ report: DoctorReport) -> [String] {
    let index = workspace.indexPath
    guard FileManager.default.fileExists(atPath: index) else {
      report.say("index: none yet (git reads a missing index as empty)")
      return []
    }
    do {
      _ = try IndexFile(path: index, prefixes: [".mlgit"])
      report.say("index: read by mlgit's index reader, as the hooks read it")
      return []
    } catch let error as IndexUnreadable {
      let repo = workspace.repository
      let git = GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
      let output = try? git.run(
        ["ls-files", "--stage", "--", ".mlgit"],
        environment: ["GIT_INDEX_FILE": index, "GIT_DIR": repo.gitDirectory])
      if let output, output.status == 0 {
        report.say("index: \(error.reason); the hooks read it through git (git diff-index --cached), which can")
        return []
      }
      let reason = output.map { $0.stderr.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "git cannot be run"
      report.say("index: \(error.reason), and git cannot read it either: \(reason)")
      return ["the index \(index) cannot be read, so every commit is refused: repair it (rm it, then `git reset`)"]
    } catch {
      report.say("index: cannot be read: \(error)")
      return ["the index \(index) cannot be read: repair it (rm it, then `git reset`)"]
    }
  }

  /// The settings `mlgit install` makes for sharing notes: each remote fetches mlgit's notes
  /// (into the namespace `mlgit sync` merges from), and rewrites carry them along.
  func checkNotesSettings(_ repo: Repository, _ report: DoctorReport) -> [String] {
    guard let config = try? repo.config(), let wanted = try? RepositorySettings(repository: repo).wanted() else {
      return []
    }
    var problems: [String] = []
    for setting in wanted where setting.multi {
      let values = (try? config.strings(setting.key)) ?? []
      if values.contains(setting.value) { continue }
      if setting.key.hasPrefix("remote.") {
        let remote = setting.key.dropFirst("remote.".count).dropLast(".fetch".count)
        report.say("notes: remote '\(remote)' does not fetch mlgit's notes (\(setting.key) lacks \(setting.value))")
        problems.append("remote '\(remote)' does not fetch mlgit's notes: run `mlgit install` (it adds the refspec)")
      } else {
        report.say("notes: \(setting.key) lacks \(setting.value), so amend and rebase drop mlgit's notes")
        problems.append("\(setting.key) lacks \(setting.value): run `mlgit install`")
      }
    }
    if problems.isEmpty, !wanted.isEmpty { report.say("notes: every remote fetches mlgit's notes; rewrites keep them") }
    return problems
  }
}
