import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// A ref the other side already has, and the branch it stands for (nil for a tag).
struct KnownRef {
  var branch: String?
  var commit: OID
}

/// The checks of pushes: a client's pre-push and a server's pre-receive.
struct PushCheck {
  let repository: Repository
  let checker: HistoryChecker

  init(repository: Repository) {
    self.repository = repository
    self.checker = HistoryChecker(repository: repository)
  }

  /// Judges the commits each update would add: those reachable from its new value and
  /// not from what the receiving side already has there. Deletions, notes refs and refs
  /// that point at no commit (a tag of a tree or blob) are not checked as code.
  ///
  /// `known` lists the refs the receiving side has. An update hides its old value; a new
  /// ref (and, with `hideKnownForUpdates`, any ref) also hides the known refs, except
  /// that a protected branch only counts commits already on protected branches as
  /// checked: rules scoped to protected branches never ran on the others.
  func check(_ updates: [RefUpdate], stage: CheckStage, known: [KnownRef], hideKnownForUpdates: Bool) throws
    -> HistoryReport
  {
    var report = HistoryReport()
    for update in updates {
      if update.isDeletion || update.ref.hasPrefix("refs/notes/") { continue }
      // Annotated tags are peeled; a ref to a tree or blob carries no commits.
      guard let tip = repository.peelToCommit(update.new) else { continue }
      let old = update.isCreation ? nil : repository.peelToCommit(update.old)
      var hidden: [OID] = old.map { [$0] } ?? []
      if old == nil || hideKnownForUpdates {
        let protected = try isProtected(update.branch, tip: tip, old: old)
        // Which other branches count as protected is the target's policy's say (the one in
        // force before the push), not the say of those branches' own tips.
        let target = try checker.policy(in: old ?? tip)
        hidden += known.filter { ref in
          guard protected else { return true }
          guard let branch = ref.branch else { return false }
          return PolicyContext(policy: target, stage: .push, branch: branch).onProtectedBranch
        }.map(\.commit)
      }
      let base = old.map { BranchBase(name: update.ref, commit: $0) }
      report.merge(try checker.judgeWalk(tips: [tip], hidden: hidden, stage: stage, branch: update.branch, base: base))
    }
    return report
  }

  /// True when `branch` is protected by the policy in `tip`'s tree or in `old`'s.
  private func isProtected(_ branch: String?, tip: OID, old: OID?) throws -> Bool {
    guard let branch else { return false }
    for commit in [tip] + (old.map { [$0] } ?? []) {
      let policy = try checker.policy(in: commit)
      if PolicyContext(policy: policy, stage: .push, branch: branch).onProtectedBranch { return true }
    }
    return false
  }

  /// The refs matching the globs, peeled to commits; `branch` names the branch each stands for.
  func knownRefs(matching glob: String, branch: (String) -> String?) throws -> [KnownRef] {
    var found: [KnownRef] = []
    for name in try repository.referenceNames(matching: glob) {
      guard let target = try? repository.referenceTarget(name), let commit = repository.peelToCommit(target) else {
        continue
      }
      found.append(KnownRef(branch: branch(name), commit: commit))
    }
    return found
  }

  /// pre-receive: this repository's branches and tags.
  func localRefs() throws -> [KnownRef] {
    try knownRefs(matching: "refs/heads/*") { $0 } + knownRefs(matching: "refs/tags/*") { _ in nil }
  }

  /// pre-push: what the remote already has. For a named remote, its tracking refs; for a
  /// push to a URL (git passes the URL as the name), nothing is known.
  func remoteRefs(remote: String) throws -> [KnownRef] {
    guard !remote.isEmpty, !remote.contains("/"), !remote.contains(":"),
      let url = try? repository.config().string("remote.\(remote).url"), !url.isEmpty
    else { return [] }
    let prefix = "refs/remotes/\(remote)/"
    return try knownRefs(matching: prefix + "*") { name in
      let short = String(name.dropFirst(prefix.count))
      return short == "HEAD" ? nil : "refs/heads/" + short
    }
  }

  /// Prints the findings of a push check to standard error (where git shows hook output,
  /// on the pushing side prefixed `remote:` for pre-receive) and returns the exit status.
  static func report(_ report: HistoryReport, hook: String) -> ExitStatus {
    if !report.boundary.isEmpty {
      let list = report.boundary.map(\.short).joined(separator: ", ")
      printError(
        "mlgit: not checked: \(list): the parent is not in this shallow clone; the receiving side or CI checks it")
    }
    guard !report.findings.isEmpty else { return .ok }
    // Oldest commit first, as the walk listed them.
    let findings = report.findings
    let status = FindingOutput(format: .text).report(
      findings, checked: "\(hook), \(report.checked) commit\(report.checked == 1 ? "" : "s") checked",
      toStandardError: true)
    guard status != .ok else { return status }
    var offending: [String: [String]] = [:]
    var order: [String] = []
    for finding in findings where finding.severity == .error {
      // A ledger's deletion has no commit: the ref stands for it.
      let commit = finding.commit.map { String($0.prefix(8)) } ?? finding.path
      if offending[commit] == nil { order.append(commit) }
      let item = "\(finding.path) [\(finding.rule)]"
      if !(offending[commit] ?? []).contains(item) { offending[commit, default: []].append(item) }
    }
    printError(
      "mlgit: push refused: \(order.count) commit\(order.count == 1 ? "" : "s") break\(order.count == 1 ? "s" : "") the policy:"
    )
    for commit in order { printError("  \(commit): \((offending[commit] ?? []).joined(separator: ", "))") }
    let reviewRules: Set<String> = [ReviewRequirement.hyperparametersRule, ReviewRequirement.policyRule]
    let errors = findings.filter { $0.severity == .error }
    if !errors.isEmpty && errors.allSatisfy({ $0.rule.hasPrefix("ledger/") }) {
      printError(
        "mlgit: the ledgers (\(LedgerGuard.prefix)*) only grow: fetch them, merge keeping every record (mlgit sync) and push the result"
      )
      return status
    }
    if !errors.isEmpty && errors.allSatisfy({ reviewRules.contains($0.rule) }) {
      // Missing approvals are fixed by approving, not by rewriting: approvals follow the content.
      printError(
        "mlgit: get the approvals named above (mlgit review status), fetch refs/notes/mlgit/reviews and push again")
      return status
    }
    // Each commit is judged alone, so a later commit that repairs the file does not help.
    printError("mlgit: rewrite those commits (git rebase -i) and push again; each commit is judged on its own change")
    return status
  }
}
