import ArgumentParser

/// `mlgit review status | diff | approve`: see and approve hyperparameter and policy changes.
struct ReviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "See and approve hyperparameter changes and changes under .mlgit/.",
    discussion: """
      An approval is a line of JSON in a git note in refs/notes/mlgit/reviews, on the \
      approved spec's blob (a .mlgit/ file: on its new blob). It follows the content \
      through rebase, amend and cherry-pick; any edit needs a new approval. Share \
      approvals with `git push origin refs/notes/mlgit/reviews` (or `mlgit sync`).
      """,
    subcommands: [Status.self, Diff.self, Approve.self])
}
