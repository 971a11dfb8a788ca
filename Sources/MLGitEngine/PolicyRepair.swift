import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec

/// What a change is judged by when the config it sits on is broken but the change's own
/// config loads: that config, with the built-in `default` pack as a floor (`atLeast`).
struct PolicyRepair {
  static let configPath = ".mlgit/config.yml"

  var policy: EffectivePolicy
  var floor: EffectivePolicy
  var broken: BrokenPolicy

  /// A notice for standard error: the change is judged as a repair.
  var notice: String {
    var text =
      "mlgit: note: the committed \(PolicyRepair.configPath) (\(broken.holder == "HEAD" ? "HEAD's" : "in \(broken.holder)")) is broken"
    if let by = broken.brokenBy { text += " since \(by.id.short) \"\(by.summary)\"" }
    return text
      + "; this change repairs it, so it is judged by the repaired config and, at least, the built-in default pack"
  }

  /// A diagnostic line for a config error, compiler-style, at `path`.
  static func render(_ error: DocumentError, path: String) -> String {
    var text = "\(path):\(error.location.line):\(error.location.column): error: \(error.message)"
    if let hint = error.hint { text += "\n  hint: \(hint)" }
    return text
  }

  /// The findings of both judgements: every finding under the repaired config, and each
  /// of the floor's that the repaired config does not report at least as severely at
  /// the same place, so a repair can add rules but never drop the default pack's.
  static func atLeast(_ findings: [Finding], floor: [Finding]) -> [Finding] {
    var merged = findings
    for finding in floor
    where !findings.contains(where: {
      $0.rule == finding.rule && $0.path == finding.path && $0.line == finding.line && $0.column == finding.column
        && $0.severity >= finding.severity
    }) {
      merged.append(finding)
    }
    return merged.sorted(by: Finding.stableOrder)
  }

  /// The first parent commit, going back from `commit`, of the run whose config does
  /// not load: the commit that broke it. Each distinct config blob is loaded once.
  static func commitThatBroke(_ commit: OID, in repository: Repository) throws -> CommitInfo {
    var broken = try repository.commit(commit)
    var brokenBlobs = Set<OID>()
    while let parent = broken.parents.first, repository.contains(parent) {
      let tree = try repository.treeOf(commit: parent)
      let entry: TreeEntry?
      do {
        entry = try repository.policyEntry(at: configPath, inTree: tree, reportedAs: configPath)
      } catch is PolicyLoadError {
        // A link that leads nowhere usable: broken here too.
        broken = try repository.commit(parent)
        continue
      }
      guard let entry else { break }
      if !brokenBlobs.contains(entry.id) {
        guard try !loads(entry.id, in: repository, tree: tree) else { break }
        brokenBlobs.insert(entry.id)
      }
      broken = try repository.commit(parent)
    }
    return broken
  }

  /// Whether a config blob loads (one over the size limit does not).
  static func loads(_ blob: OID, in repository: Repository, tree: OID) throws -> Bool {
    let data: Data
    do {
      data = try repository.blob(blob, limit: Document.sizeLimit)
    } catch is BlobTooLarge {
      return false
    }
    do {
      _ = try EffectivePolicy.load(config: data, path: configPath, files: repository.policyFiles(in: tree))
      return true
    } catch is PolicyLoadError {
      return false
    } catch is DocumentError {
      return false
    }
  }

  /// The broken config in `commit`'s tree, described with the commit that broke it.
  static func broken(_ error: PolicyLoadError, in commit: OID, holder: String, repository: Repository) -> BrokenPolicy {
    // Say which commit broke it when that can be read; the config error is the point either way.
    var problem: String? = nil
    var by: CommitInfo? = nil
    do {
      by = try commitThatBroke(commit, in: repository)
    } catch let failure as GitError {
      problem = failure.message
    } catch {
      problem = "\(error)"
    }
    return BrokenPolicy(holder: holder, error: error, brokenBy: by, brokenByProblem: problem)
  }

  /// The policy `data` (a change's own config; nil: the change deletes it) sets, as a
  /// repair of `broken`; throws `broken`, with the change's own error, when it does not load.
  /// `files` reads the repairing commit's other files (its pack files, its checks' scripts).
  static func repair(_ broken: BrokenPolicy, with data: Data?, files: PolicyFileReader? = nil) throws -> PolicyRepair {
    let floor = try EffectivePolicy.builtIn()
    guard let data else { return PolicyRepair(policy: floor, floor: floor, broken: broken) }
    do {
      return PolicyRepair(
        policy: try EffectivePolicy.load(config: data, path: configPath, files: files), floor: floor, broken: broken)
    } catch let error as PolicyLoadError {
      var broken = broken
      broken.repairError = error
      throw broken
    }
  }
}

extension PolicyRepair {
  /// `commit` judged on the broken config in `holder`'s tree: as a repair when the
  /// commit's own config differs from it and loads (or is gone: the default pack then).
  /// Throws `BrokenPolicy` otherwise.
  static func ofCommit(_ commit: CommitInfo, on holder: OID, error: PolicyLoadError, in repository: Repository) throws
    -> PolicyRepair
  {
    var broken = broken(error, in: holder, holder: holder.short, repository: repository)
    broken.judged = commit
    let heldTree = try repository.treeOf(commit: holder)
    // The same link (or the same content) as the broken config repairs nothing.
    if let heldEntry = try repository.entry(at: configPath, inTree: heldTree),
      try repository.entry(at: configPath, inTree: commit.tree)?.id == heldEntry.id
    {
      throw broken
    }
    let held = try? repository.policyEntry(at: configPath, inTree: heldTree, reportedAs: configPath)
    broken.repairHolder = commit.id.short
    let own: TreeEntry?
    do {
      own = try repository.policyEntry(at: configPath, inTree: commit.tree, reportedAs: configPath)
    } catch let error as PolicyLoadError {
      broken.repairError = error
      throw broken
    }
    guard let own else { return try repair(broken, with: nil) }
    if own.id == held?.id { throw broken }
    do {
      return try repair(
        broken, with: try repository.blob(own.id, limit: Document.sizeLimit),
        files: repository.policyFiles(in: commit.tree))
    } catch let tooLarge as BlobTooLarge {
      broken.repairError = PolicyLoadError(path: configPath, error: DocumentError(tooLarge.description))
      throw broken
    }
  }
}

extension Workspace {
  /// The policy a staged change sits on (`head`'s), or, when `head`'s config is broken and
  /// the index changes it, the repair it stages. Throws `BrokenPolicy` when the index
  /// leaves the broken config as it is, or stages another broken one.
  func stagedPolicy(before head: OID?) throws -> (policy: EffectivePolicy, repair: PolicyRepair?) {
    do {
      return (try policy(before: head), nil)
    } catch let broken as BrokenPolicy {
      guard let head else { throw broken }
      let repo = repository
      // What the index holds at the config's path, read as every staged check reads it.
      let floor = try EffectivePolicy.builtIn()
      let staged = try ChangeReader(repository: repo, policy: floor).stagedChange(indexPath: indexPath, head: head)
      guard let file = staged.files.first(where: { $0.path == PolicyRepair.configPath }) else { throw broken }
      guard let hex = file.newBlob else { return (floor, try PolicyRepair.repair(broken, with: nil)) }
      guard let blob = OID(hex: hex) else { throw broken }
      let data: Data
      do {
        data = try repo.blob(blob, limit: Document.sizeLimit)
      } catch let tooLarge as BlobTooLarge {
        var broken = broken
        broken.repairError = PolicyLoadError(path: PolicyRepair.configPath, error: DocumentError(tooLarge.description))
        throw broken
      }
      let repair = try PolicyRepair.repair(broken, with: data)
      return (repair.policy, repair)
    }
  }
}
