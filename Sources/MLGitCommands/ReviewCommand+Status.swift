import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

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
      if let workspace = try? Workspace.open() { ClonedNotes.ensure(workspace.repository) }
      let planner = try ReviewPlanner()
      let selection = try planner.commits(range)
      let commits = selection.commits
      var missing = 0
      var approved = 0
      var listed: [ReviewStatusJSON.Commit] = []
      let style = colour.style()
      let text = format == .text
      for id in commits {
        let plan = try planner.plan(id)
        let items = plan.items.filter { $0.isRequired || !$0.approvals.isEmpty }
        if items.isEmpty { continue }
        listed.append(ReviewStatusJSON.commit(plan, items: items))
        if text {
          print(
            style.paint(id.short, .commit)
              + TerminalText.escape(" \(plan.commit.summary) (\(plan.commit.author.email))"))
        }
        for item in items {
          let approvedBy = item.approvals.isEmpty ? "" : "approved by \(item.approvals.joined(separator: ", "))"
          var state = TerminalText.escape(approvedBy)
          if !item.isRequired {
            state += state.isEmpty ? "no approval needed" : " (not needed)"
          } else if item.isSatisfied {
            approved += 1
            state = style.paint(state, .good)
          } else {
            missing += 1
            let need =
              "needs \(item.required - item.approvals.count) more approval\(item.required - item.approvals.count == 1 ? "" : "s")"
              + "\(item.requireSigned ? " (signed)" : "") from \(item.whoMayApprove)"
            let painted = style.paint(TerminalText.escape(need), .error)
            state = state.isEmpty ? painted : "\(state); \(painted)"
          }
          guard text else { continue }
          print(
            TerminalText.escape(
              "  \(item.path): \(item.kind == .hyperparameters ? "hyperparameters " : "policy file ")\(item.summary)"))
          print("    \(state)")
          for (reviewer, reason) in item.ignored {
            print(TerminalText.escape("    not counted: \(reviewer) (\(reason))"))
          }
          if item.isRequired && !item.isSatisfied {
            print("    run: mlgit review approve \(id.short)\(item.requireSigned ? " --sign" : "")")
          }
        }
      }
      if !text {
        try ListingJSON.write(
          ReviewStatusJSON.Document(
            range: selection.description, commitsChecked: commits.count,
            approved: approved, waiting: missing, commits: listed))
        return
      }
      let scope = "\(commits.count) commit\(commits.count == 1 ? "" : "s") of \(selection.description)"
      if missing == 0 && approved == 0 {
        print("mlgit: nothing needs approval in \(scope)")
      } else {
        print(
          "mlgit: \(scope): \(approved) change\(approved == 1 ? "" : "s") approved, \(missing) waiting for approval")
      }
    }
  }
}
