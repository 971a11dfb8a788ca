import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `mlgit hook NAME` does for each hook the scripts mlgit installs call: the checks,
/// their report on standard error (where git shows hook output; quiet when all is well)
/// and the exit status. A hook writes nothing but mlgit's notes refs (pre-push's opt-in
/// sync).
public enum HookRun {
  /// Runs hook `name` with the arguments git passed it; `input` gives the ref lines git
  /// writes to pre-push's and pre-receive's standard input. They are read before the
  /// repository is opened, as git writes them first.
  public static func run(_ name: String, arguments: [String], input: () -> String = HookRun.standardInput) throws
    -> ExitStatus
  {
    switch name {
    case "pre-commit":
      return try preCommit(try Workspace.open())
    case "pre-push":
      // git runs pre-push as `pre-push <remote name> <url>`; for a push to a URL both are the URL.
      let updates = try RefUpdate.prePush(input())
      return try prePush(try Workspace.open(), remote: arguments.first ?? "", updates: updates)
    case "pre-receive":
      let updates = try RefUpdate.preReceive(input())
      let workspace = try Workspace.open()
      TeamRule.commandRunner = ProcessTeamCommandRunner.forServer(workspace.repository)
      return try preReceive(workspace, updates: updates)
    default:
      throw CommandFailure.usage("mlgit: unknown hook '\(name)'; mlgit runs pre-commit, pre-push and pre-receive")
    }
  }

  /// Reads the ref lines git writes to a hook's standard input.
  @usableFromInline static func standardInput() -> String {
    String(decoding: (try? OpenFile.readToEnd(STDIN_FILENO)) ?? Data(), as: UTF8.self)
  }

  /// pre-commit: the staged change (as `--amend` commits it when git was run so), unless
  /// it stages nothing new on HEAD.
  static func preCommit(_ workspace: Workspace) throws -> ExitStatus {
    let invocation = GitInvocation.parent(environment: workspace.environment)
    InstallHealth.warn(repository: workspace.repository, except: "pre-commit")
    let amend = invocation?.isAmend ?? false
    if !amend, try workspace.stagesNothingOnHead() { return .ok }
    let findings = try CheckRunner(workspace: workspace).checkStaged(
      stage: .commit, amend: amend, invocation: invocation)
    guard !findings.isEmpty else { return .ok }
    let status = FindingOutput(format: .text).report(findings, checked: "pre-commit", toStandardError: true)
    if status != .ok {
      printError(
        "mlgit: commit refused; fix the errors above and commit again (git commit --no-verify skips the check, but the push will be checked)"
      )
    }
    return status
  }

  /// pre-push: the commits each update adds that the remote's tracking refs lack. With no
  /// ref lines, the push pre-commit (the framework) names in the environment: it reads
  /// git's lines itself and passes on the first ref with new commits.
  static func prePush(_ workspace: Workspace, remote: String, updates: [RefUpdate]) throws -> ExitStatus {
    var (remote, updates) = (remote, updates)
    InstallHealth.warn(repository: workspace.repository, except: "pre-push")
    if updates.isEmpty,
      let passed = PreCommitPush(
        environment: workspace.environment, resolve: { try? workspace.repository.resolveCommit($0) })
    {
      (remote, updates) = (passed.remote, [passed.update])
    }
    // Opt-in (`sync_on_push: true`): share run and review notes first, so the gates
    // below see the remote's records too. It never fails the push and never recurses.
    NotesSync.onPush(workspace: workspace, remote: remote)
    let push = PushCheck(repository: workspace.repository)
    let report = try push.check(
      updates, stage: .push, known: try push.remoteRefs(remote: remote), hideKnownForUpdates: false)
    return PushCheck.report(report, hook: "pre-push")
  }

  /// pre-receive: runs in the receiving repository with the pushed objects in quarantine,
  /// which `Workspace.open` adds as alternates; it writes nothing (git moves the refs
  /// afterwards).
  static func preReceive(_ workspace: Workspace, updates: [RefUpdate]) throws -> ExitStatus {
    // The ledgers first: they only grow (`LedgerGuard`), whatever else the push holds.
    let ledger = try LedgerGuard(repository: workspace.repository).check(updates)
    let push = PushCheck(repository: workspace.repository)
    var report = try push.check(updates, stage: .receive, known: try push.localRefs(), hideKnownForUpdates: true)
    report.findings = ledger + report.findings
    return PushCheck.report(report, hook: "pre-receive")
  }
}
