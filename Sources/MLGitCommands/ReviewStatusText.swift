import MLGitEngine
import MLGitReport
import MLPolicy

/// `mlgit review status` as text: each commit with a change to review, the state of each
/// change and what to run, then a line with the counts and the range looked at.
enum ReviewStatusText {
  /// A commit's lines: its id, summary and author, then each change, its state and what to run.
  static func commit(_ commit: ReviewStatusScan.Commit, style: TextStyle) -> String {
    let id = commit.plan.commit.id.short
    var lines = [
      style.paint(id, .commit)
        + TerminalText.escape(" \(commit.plan.commit.summary) (\(commit.plan.commit.author.email))")
    ]
    for (item, state) in commit.changes {
      let approvedBy = item.approvals.isEmpty ? "" : "approved by \(item.approvals.joined(separator: ", "))"
      var shown = TerminalText.escape(approvedBy)
      switch state {
      case .notNeeded:
        shown += shown.isEmpty ? "no approval needed" : " (not needed)"
      case .approved:
        shown = style.paint(shown, .good)
      case .waiting(let missing):
        let need =
          "needs \(missing) more approval\(missing == 1 ? "" : "s")"
          + "\(item.requireSigned ? " (signed)" : "") from \(item.whoMayApprove)"
        let painted = style.paint(TerminalText.escape(need), .error)
        shown = shown.isEmpty ? painted : "\(shown); \(painted)"
      }
      lines.append(
        TerminalText.escape(
          "  \(item.path): \(item.kind == .hyperparameters ? "hyperparameters " : "policy file ")\(item.summary)"))
      lines.append("    \(shown)")
      for (reviewer, reason) in item.ignored {
        lines.append(TerminalText.escape("    not counted: \(reviewer) (\(reason))"))
      }
      if state != .notNeeded && state != .approved {
        lines.append("    run: mlgit review approve \(id)\(item.requireSigned ? " --sign" : "")")
      }
    }
    return lines.map { $0 + "\n" }.joined()
  }

  /// The last line: how many commits of which range, approved and waiting.
  static func summary(_ summary: ReviewStatusScan.Summary) -> String {
    let count = summary.commitsChecked
    let scope = "\(count) commit\(count == 1 ? "" : "s") of \(summary.range)"
    if summary.waiting == 0 && summary.approved == 0 { return "mlgit: nothing needs approval in \(scope)" }
    return
      "mlgit: \(scope): \(summary.approved) change\(summary.approved == 1 ? "" : "s") approved, \(summary.waiting) waiting for approval"
  }
}
