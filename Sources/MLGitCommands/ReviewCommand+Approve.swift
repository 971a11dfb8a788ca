import ArgumentParser
import MLGitEngine
import MLPolicy

extension ReviewCommand {
  struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "approve",
      abstract: "Approve every hyperparameter and .mlgit/ change the commits make.",
      discussion: """
        The reviewer is the email git records for you (GIT_COMMITTER_EMAIL, else user.email). \
        You cannot approve your own commit. --sign signs each record with `ssh-keygen -Y sign \
        -n mlgit-review` and your key (--key, else git's user.signingKey); a policy with \
        require_signed_reviews signs always. Verification uses .mlgit/allowed_signers.
        """)

    @Argument(help: "The commits to approve.")
    var revisions: [String]

    @Flag(name: .long, help: "Sign the approvals with your SSH key.")
    var sign = false

    @Option(name: .long, help: "The SSH key to sign with (default: git config user.signingKey).")
    var key: String?

    @Option(name: .shortAndLong, help: "A comment kept with the approval.")
    var message: String?

    func validate() throws {
      if revisions.isEmpty { throw ValidationError("name the commits to approve, e.g. mlgit review approve HEAD") }
    }

    func run() throws {
      let approval = try ReviewApproval(planner: try ReviewPlanner())
      let approvals = try approval.prepare(revisions, sign: sign, key: key, message: message) { progress in
        switch progress {
        case .nothingToApprove(let commit):
          print("mlgit: nothing to approve in \(commit): no hyperparameter or policy file changes")
        case .alreadyApproved(let what):
          print(TerminalText.escape("mlgit: already approved by you: \(what)"))
        }
      }
      let reviewer = approval.reviewer
      for list in approvals.notListed {
        printError(
          "mlgit: warning: you (\(reviewer)) are not in reviewers (\(list)); this approval will not count until you are"
        )
      }
      guard !approvals.approved.isEmpty else { return }
      try approval.record(approvals)
      for what in approvals.approved {
        print(TerminalText.escape("mlgit: approved \(what) as \(reviewer)\(approvals.signed ? " (signed)" : "")"))
      }
      print(
        "mlgit: recorded in \(approval.ref); share it: git push origin \(approval.ref) (or mlgit sync)"
      )
    }
  }
}
