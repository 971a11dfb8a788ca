import ArgumentParser
import MLGitEngine
import MLPolicy

/// `mlgit sync [REMOTE]`: fetch, merge (no line lost) and push `refs/notes/mlgit/*`.
struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Share mlgit's notes (runs, reviews) with a remote without losing a line.",
    discussion: """
      Fetches the remote's refs/notes/mlgit/* into refs/mlgit/sync/REMOTE/* (never over a local \
      notes ref), merges each into the local ref keeping every line of both (per object, the sorted \
      union of lines, as git's cat_sort_uniq), and pushes the result as a fast-forward; when the \
      remote moved meanwhile, it fetches and merges again. A second sync changes nothing.
      """)

  @Argument(help: "The remote (default: the current branch's remote, else origin).")
  var remote: String?

  func run() throws {
    let workspace = try Workspace.open()
    let sync = NotesSync(repository: workspace.repository)
    let remote = try self.remote ?? sync.defaultRemote()
    let summary = try sync.sync(remote: remote)
    print(TerminalText.escape("mlgit: \(summary)"))
  }
}
