import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec

/// A committed `.mlgit/config.yml` that cannot be loaded (committed with `--no-verify`,
/// say). Every change on top of it would be judged by it, so it is reported as what it
/// is: the committed version, in a named commit, broken since a named commit, with the
/// way out. A change that repairs it is judged by the repaired config, never by less
/// than the built-in `default` pack (`PolicyRepair`).
struct BrokenPolicy: MLGitError {
  /// `HEAD`, or the short id of the commit whose tree holds the broken config.
  var holder: String
  var error: PolicyLoadError
  /// The first commit of the run of first parents whose config is broken; nil when it
  /// could not be told (`brokenByProblem` says why).
  var brokenBy: CommitInfo?
  var brokenByProblem: String?
  /// The change's own version of the config, when it has one and it is broken too.
  var repairError: PolicyLoadError?
  /// Where the repair attempt is: "staged" or a commit's short id.
  var repairHolder = "staged"
  /// The commit judged on top of the broken config, when it is not the staged change.
  var judged: CommitInfo?

  /// A broken config.
  var exitStatus: ExitStatus { .usage }

  var description: String {
    var lines = [PolicyRepair.render(error.error, path: "\(holder):\(PolicyRepair.configPath)")]
    if let repairError {
      lines.append(
        PolicyRepair.render(repairError.error, path: PolicyRepair.configPath)
          + " (the \(repairHolder == "staged" ? "staged version" : "version in \(repairHolder)") is broken too)")
    }
    var what =
      "mlgit: the committed \(PolicyRepair.configPath) (\(holder == "HEAD" ? "HEAD's" : "in \(holder)")) is broken: "
      + "the policy in force cannot be read, so no change on top of it can be judged"
    if let brokenBy {
      what += "; it was broken by \(brokenBy.id.short) \"\(brokenBy.summary)\" (\(brokenBy.author.email))"
    } else if let brokenByProblem {
      what += " (cannot tell which commit broke it: \(brokenByProblem))"
    }
    if let judged, repairError == nil {
      what += "; \(judged.id.short) \"\(judged.summary)\" sits on it and does not repair it"
    }
    lines.append(what)
    lines.append(
      "  hint: fix \(PolicyRepair.configPath), stage it (git add \(PolicyRepair.configPath)) and commit: "
        + "a commit that repairs the committed config is judged by the repaired config, and never by less than the built-in "
        + "default pack"
        + (brokenBy.map { "; or, before pushing, fold the repair into \($0.id.short) (git rebase -i)" } ?? ""))
    return lines.joined(separator: "\n")
  }
}
