import GitKit
import MLPolicy

/// The runs `mlgit runs list` shows: with no revision, those on HEAD's history; with
/// revisions, those on these commits; with `all`, every run in the ledger; only one
/// model's when `model` is given. Newest first, each with its reproductions' verdicts.
public struct RunsSelection {
  /// Every run in the ledger, with only the fields a listing shows.
  public let table: RunListings
  /// The rows of `table` shown, newest first.
  public let rows: [Int]
  /// The reproductions' verdicts, by the id of the run they reproduced.
  let reproductions: [String: [ReproductionRecord]]

  /// The selection, or nil when there is nothing to list: no revision given, no `all`,
  /// and a HEAD with no commit yet. `keepingLines` keeps each run's ledger line (JSON
  /// output writes them out; text never shows them).
  public static func select(
    in workspace: Workspace, revisions: [String], all: Bool, model: String?, keepingLines: Bool
  ) throws -> RunsSelection? {
    let repo = workspace.repository
    let (table, commits, reproductions) = try RunLedger(repository: repo).listings(keepingLines: keepingLines)
    var rows: [Int]
    if all {
      rows = Array(0..<table.count)
    } else {
      var byCommit: [OID: [Int]] = [:]
      for (row, commit) in commits.enumerated() { byCommit[commit, default: []].append(row) }
      if !revisions.isEmpty {
        rows = []
        for revision in revisions {
          let commit: OID
          do {
            commit = try repo.resolveCommit(revision)
          } catch let error as GitError {
            throw CommandFailure.usage("mlgit: \(error.message)")
          }
          rows += byCommit[commit] ?? []
        }
      } else {
        guard try repo.headCommit() != nil else { return nil }
        let history = try GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
          .checked(["rev-list", "HEAD"]).text.split(separator: "\n").compactMap { OID(hex: String($0)) }
        rows = history.flatMap { byCommit[$0] ?? [] }
      }
    }
    if let model { rows = rows.filter { table.string(table.rows[$0].model) == model } }
    return RunsSelection(table: table, rows: table.newestFirst(rows), reproductions: reproductions)
  }

  /// A listed run's reproductions: "yes" when one reproduced it, "no" when all failed,
  /// "-" with none.
  public func reproduced(_ row: Int) -> String {
    guard let verdicts = reproductions[table.string(table.rows[row].id)], !verdicts.isEmpty else { return "-" }
    return verdicts.contains(where: \.reproduced) ? "yes" : "no"
  }

  /// The verdicts of every listed run, oldest first (ties by id).
  public var listedReproductions: [ReproductionRecord] {
    rows.flatMap { reproductions[table.string(table.rows[$0].id)] ?? [] }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
  }
}
