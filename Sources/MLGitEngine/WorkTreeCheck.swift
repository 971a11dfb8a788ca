import FoundationEssentials
import MLGitErrors
import GitKit
import MLPolicy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `mlgit check --files [PATH…]`: the policy on spec, config and data files as they are in
/// the work tree, staged or not, each judged whole (not only what differs from HEAD), by
/// the policy in force in HEAD, as the pre-commit hook judges.
///
/// git stores the files' current content in a temporary index beside the real one (a copy
/// of it, with the work tree's versions added as `git add` would: blobs are written to the
/// object database, as `git add` writes them); the real index, the work tree and the refs
/// are never touched, and the temporary index is removed on every exit path.
public struct WorkTreeCheck {
  let workspace: Workspace
  let engine = PolicyEngine()
  public init(workspace: Workspace) { self.workspace = workspace }

  /// `paths`: as given on the command line, relative to the current folder; empty: every
  /// file the policy covers.
  public func findings(paths: [String]) throws -> (findings: [Finding], checked: Int) {
    let repo = workspace.repository
    guard let workTree = repo.workingDirectory else {
      throw CommandFailure.usage("mlgit: --files checks a work tree; \(repo.gitDirectory) is a bare repository")
    }
    let head = try repo.headCommit()
    let (policy, repair) = try workspace.stagedPolicy(before: head)
    if let repair { printError(repair.notice) }
    let temporary = URL(fileURLWithPath: repo.gitDirectory).appendingPathComponent("mlgit-files-index-\(getpid())").path
    defer {
      unlink(temporary)
      unlink(temporary + ".lock")
    }
    if FileManager.default.fileExists(atPath: workspace.indexPath) {
      do {
        try FileManager.default.copyItem(atPath: workspace.indexPath, toPath: temporary)
      } catch {
        throw CommandFailure.system("mlgit: cannot copy the index to \(temporary): \(HookInstaller.reason(error))")
      }
    }
    // The current folder, so paths on the command line mean what the user typed.
    let git = GitCommandLine(directory: FileManager.default.currentDirectoryPath)
    let env = ["GIT_INDEX_FILE": temporary, "GIT_DIR": repo.gitDirectory, "GIT_WORK_TREE": workTree]
    // A full index that mlgit's reader reads, whatever the repository's own index format.
    let plain = ["-c", "core.splitIndex=false", "-c", "index.sparse=false"]
    // Tracked files as they are now (a parameters file named by `from:` may live anywhere).
    try checked(git.run(plain + ["add", "-u", "--", ":/"], environment: env), "git add -u")
    let candidates = try listed(
      git, env: env, paths: paths.isEmpty ? ReaderPrefixes.of(policy).map { ":/" + $0 } : paths)
    let covered = candidates.filter {
      policy.specGlobs.matches($0) || policy.dataGlobs.matches($0) || EffectivePolicy.isPolicyPath($0)
    }
    if !covered.isEmpty {
      let input = Data(covered.map { $0 + "\u{0}" }.joined().utf8)
      let rootGit = GitCommandLine(directory: workTree)
      try checked(
        rootGit.run(plain + ["update-index", "--add", "--remove", "-z", "--stdin"], input: input, environment: env),
        "git update-index")
    }
    let reader = ChangeReader(repository: repo, policy: policy)
    let headTree = try head.map { try repo.treeOf(commit: $0) }
    let index =
      FileManager.default.fileExists(atPath: temporary)
      ? try IndexFile(path: temporary, prefixes: reader.prefixes) : nil
    var deltas: [FileDelta] = []
    for path in covered.sorted() {
      let old = try headTree.flatMap { try repo.entry(at: path, inTree: $0) }
      let new = index?.entries[path]
      guard old != nil || new != nil else { continue }
      let status: DeltaStatus = old == nil ? .added : (new == nil ? .deleted : .modified)
      deltas.append(
        FileDelta(
          status: status, path: path, oldID: old?.id, newID: new?.id, oldMode: old?.mode ?? 0,
          newMode: new?.mode ?? 0))
    }
    let change = try reader.changeSet(
      deltas: deltas, origin: ChangeOrigin(commit: nil),
      oldSide: TreeLookup(repository: repo, tree: headTree),
      newSide: IndexLookup(repository: repo, indexPath: temporary),
      isRoot: head == nil)
    let context = PolicyContext(policy: repair?.policy ?? policy, stage: .commit, branch: repo.headBranch())
    var findings = engine.evaluate(change, in: context)
    if let repair {
      findings = PolicyRepair.atLeast(
        findings,
        floor: engine.evaluate(
          change,
          in: PolicyContext(
            policy: repair.floor, stage: .commit,
            branch: repo.headBranch())))
    }
    return (findings, deltas.count)
  }

  /// Tracked and untracked (not ignored) files under `pathspecs`, repository-relative; a
  /// path on the command line that names nothing is an error.
  func listed(_ git: GitCommandLine, env: [String: String], paths pathspecs: [String]) throws -> [String] {
    let output = try git.run(
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--"] + pathspecs,
      environment: env)
    try checked(output, "git ls-files")
    var files = Set(output.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    for path in pathspecs where !path.hasPrefix(":/") {
      let one = try git.run(
        ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--", path],
        environment: env)
      if one.status == 0, one.stdout.isEmpty {
        guard FileManager.default.fileExists(atPath: path) else {
          throw CommandFailure.usage("mlgit: \(path): no such file in the work tree or the index")
        }
        // An ignored file named on purpose: checked all the same.
        let forced = try git.run(["ls-files", "-z", "--others", "--full-name", "--", path], environment: env)
        files.formUnion(forced.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
      }
    }
    return files.sorted()
  }

  @discardableResult
  func checked(_ output: GitCommandLine.Output, _ what: String) throws -> GitCommandLine.Output {
    guard output.status == 0 else {
      throw CommandFailure.system(
        "mlgit: \(what) failed: \(output.stderr.trimmingWhitespaceAndNewlines())")
    }
    return output
  }
}

/// The folders that can hold what the policy covers: its spec and data globs' fixed
/// beginnings, and `.mlgit`.
enum ReaderPrefixes {
  static func of(_ policy: EffectivePolicy) -> [String] {
    Array(Set(policy.specGlobs.prefixes + policy.dataGlobs.prefixes + [".mlgit"])).sorted()
  }
}
