import ArgumentParser
import MLGitEngine
import MLGitReport
import MLPolicy

extension ReviewCommand {
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Which changes need approval, which have it, and from whom.",
      discussion: """
        RANGE is A..B, or one commit. The default is the commits not yet on the first protected \
        branch: origin/main..HEAD when there is a remote-tracking origin/main (the remote \
        main tracks, else the checked-out branch's remote, else origin), else main..HEAD, else \
        all of HEAD. The last line says which range was used.
        """)

    @Argument(
      help: "A..B, or one commit (default: the commits not yet on the first protected branch, e.g. origin/main..HEAD).")
    var range: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    @OptionGroup var colour: ColourOption

    func run() throws {
      let style = colour.style()
      var listed: [ReviewStatusJSON.Commit] = []
      let summary = try ReviewStatusScan.open().scan(range) { commit in
        if format == .text {
          print(text(commit, style: style), terminator: "")
        } else {
          listed.append(ReviewStatusJSON.commit(commit.plan, items: commit.changes.map(\.item)))
        }
      }
      if format != .text {
        try ListingJSON.write(
          ReviewStatusJSON.Document(
            range: summary.range, commitsChecked: summary.commitsChecked,
            approved: summary.approved, waiting: summary.waiting, commits: listed))
        return
      }
      let count = summary.commitsChecked
      let scope = "\(count) commit\(count == 1 ? "" : "s") of \(summary.range)"
      if summary.waiting == 0 && summary.approved == 0 {
        print("mlgit: nothing needs approval in \(scope)")
      } else {
        print(
          "mlgit: \(scope): \(summary.approved) change\(summary.approved == 1 ? "" : "s") approved, \(summary.waiting) waiting for approval"
        )
      }
    }

    /// A commit's lines: its id, summary and author, then each change, its state and what to run.
    func text(_ commit: ReviewStatusScan.Commit, style: TextStyle) -> String {
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
  }
}
