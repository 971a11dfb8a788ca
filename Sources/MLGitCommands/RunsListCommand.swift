import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

/// `mlgit runs [list] [REV…] [--all] [--model NAME] [--format text|json]`: list recorded runs.
struct RunsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List recorded runs (the default of `mlgit runs`).",
    discussion: """
      With no REV: the runs on HEAD's history. With REVs: the runs on those commits. --all: every run \
      in the ledger. Newest first. On a terminal, text is a table; piped, one tab-separated run a line.
      """)

  @Argument(help: "Commits whose runs to list.")
  var revisions: [String] = []

  @Flag(name: .long, help: "List every run in the ledger.")
  var all = false

  @Option(name: .long, help: "Only runs of this model.")
  var model: String?

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let (table, commits, reproductions) = try RunLedger(repository: repo).listings(keepingLines: format == .json)
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
        guard try repo.headCommit() != nil else { return }
        let history = try GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
          .checked(["rev-list", "HEAD"]).text.split(separator: "\n").compactMap { OID(hex: String($0)) }
        rows = history.flatMap { byCommit[$0] ?? [] }
      }
    }
    if let model { rows = rows.filter { table.string(table.rows[$0].model) == model } }
    rows = table.newestFirst(rows)
    let terminal = isatty(STDOUT_FILENO) == 1
    let out: [UInt8]
    // Each listed run's reproductions: "yes" when one reproduced it, "no" when all failed, "-" with none.
    let reproduced = { (row: Int) -> String in
      guard let verdicts = reproductions[table.string(table.rows[row].id)], !verdicts.isEmpty else { return "-" }
      return verdicts.contains(where: \.reproduced) ? "yes" : "no"
    }
    switch format {
    case .json:
      let listed = rows.flatMap { reproductions[table.string(table.rows[$0].id)] ?? [] }.sorted {
        ($0.at, $0.id) < ($1.at, $1.id)
      }
      out = RunsListCommand.json(table, rows, reproductions: listed)
    case .text where !terminal: out = RunsListCommand.tabSeparated(table, rows, reproduced: reproduced)
    case .text: out = Array(RunsListCommand.table(rows.map(table.listing), reproduced: rows.map(reproduced)).utf8)
    }
    StandardOutput.write(bytes: out)
  }

  /// Piped text output: one tab-separated run a line.
  static func tabSeparated(_ table: RunListings, _ rows: [Int], reproduced: (Int) -> String = { _ in "-" }) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * 128)
    table.text.withUnsafeBufferPointer { text in
      func field(_ range: Range<Int>) {
        TerminalText.appendEscaping(UnsafeBufferPointer(rebasing: text[range]), to: &out)
      }
      for index in rows {
        let run = table.rows[index]
        field(run.id)
        out.append(9)
        field(run.commit.prefix(8))
        out.append(9)
        if run.model.isEmpty { out.append(UInt8(ascii: "-")) } else { field(run.model) }
        out.append(9)
        field(run.started)
        out.append(9)
        out.appendDecimal(run.exit)
        out.append(contentsOf: run.dirty ? RunsListCommand.dirtyYes : RunsListCommand.dirtyNo)
        out.append(contentsOf: reproduced(index).utf8)
        out.append(9)
        var first = true
        table.forEachMetricByName(index) { metric in
          if !first { out.append(32) }
          first = false
          field(metric.name)
          out.append(UInt8(ascii: "="))
          if let written = metric.written { field(written) } else { NumberText.append(metric.value, to: &out) }
        }
        out.append(10)
      }
    }
    return out
  }

  /// `--format json`: the ledger lines are canonical JSON already, written out as they are.
  static func json(_ table: RunListings, _ rows: [Int], reproductions: [ReproductionRecord] = []) -> [UInt8] {
    var out = JSONWriter(style: .compact, reservingCapacity: rows.reduce(16) { $0 + table.rows[$1].line.count + 1 })
    out.object { out in
      // `reproductions` (the listed runs' verdicts) only when there are some.
      if !reproductions.isEmpty {
        out.key("reproductions")
        out.array(reproductions) { $0.json($1.line) }
      }
      out.key("runs")
      out.array(rows) { $0.json(table.text[table.rows[$1].line]) }
    }
    out.endLine()
    return out.bytes
  }

  private static let dirtyYes = Array("\tyes\t".utf8), dirtyNo = Array("\tno\t".utf8)

  /// A terminal's table, columns aligned.
  static func table(_ runs: [RunListing], reproduced: [String] = []) -> String {
    if runs.isEmpty { return "no recorded runs\n" }
    let header = ["ID", "COMMIT", "MODEL", "STARTED", "EXIT", "DIRTY", "REPRODUCED", "METRICS"]
    let rows = runs.enumerated().map { position, run in
      [
        run.id, String(run.commit.prefix(8)), run.model.isEmpty ? "-" : run.model, run.started, String(run.exit),
        run.dirty ? "yes" : "no", position < reproduced.count ? reproduced[position] : "-",
        metricsText(run.metrics),
      ].map { TerminalText.escape($0) }
    }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    var out = ""
    for row in [header] + rows {
      out +=
        row.enumerated().map { i, cell in
          i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ") + "\n"
    }
    return out
  }

  static func metricsText(_ metrics: [String: Double]) -> String {
    metrics.keys.sorted().map { "\($0)=\(NumberText.string(metrics[$0] ?? 0))" }.joined(separator: " ")
  }
}
