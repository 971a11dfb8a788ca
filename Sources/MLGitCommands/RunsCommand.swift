import ArgumentParser
import Foundation
import GitKit
import MLPolicy
import MLSpec

/// Output formats of the run listings.
enum RunsFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// `mlgit runs`: list, show and compare recorded runs.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "List, show and compare recorded training runs (refs/notes/mlgit/runs).",
    subcommands: [RunsListCommand.self, RunsShowCommand.self, RunsCompareCommand.self],
    defaultSubcommand: RunsListCommand.self)

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}

/// `mlgit runs [list] [REV…] [--all] [--model NAME] [--format text|json]`: list recorded runs.
struct RunsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List recorded runs (the default of `mlgit runs`).",
    discussion: """
      With no REV: the runs on HEAD's history. With REVs: the runs on those commits. --all: every run
      in the ledger. Newest first. On a terminal, text is a table; piped, one tab-separated run a line.
      """)

  @Argument(help: "Commits whose runs to list.")
  var revisions: [String] = []

  @Flag(name: .long, help: "List every run in the ledger.")
  var all = false

  @Option(name: .long, help: "Only runs of this model.")
  var model: String?

  @Option(name: .long, help: "Output format: text or json.")
  var format: RunsFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let ledger = RunLedger(repository: repo)
    var runs: [RunListing]
    if all {
      runs = try ledger.everyListing()
    } else if !revisions.isEmpty {
      let byCommit = try ledger.allListings()
      runs = []
      for revision in revisions {
        let commit: OID
        do {
          commit = try repo.resolveCommit(revision)
        } catch let error as GitError {
          throw CommandFailure.usage("mlgit: \(error.message)")
        }
        runs += byCommit[commit] ?? []
      }
    } else {
      guard try repo.headCommit() != nil else { return }
      let byCommit = try ledger.allListings()
      let history = try GitCommandLine(directory: repo.workingDirectory ?? repo.gitDirectory)
        .checked(["rev-list", "HEAD"]).text.split(separator: "\n").compactMap { OID(hex: String($0)) }
      runs = history.flatMap { byCommit[$0] ?? [] }
    }
    if let model { runs = runs.filter { $0.model == model } }
    // Newest first; among equal start times, by id, then by position (stable sort).
    runs.sort { $0.started != $1.started ? $0.started > $1.started : $0.id > $1.id }
    print(RunsListCommand.render(runs, format: format, terminal: isatty(STDOUT_FILENO) == 1), terminator: "")
  }

  static func render(_ runs: [RunListing], format: RunsFormat, terminal: Bool) -> String {
    switch format {
    case .json:
      // The ledger lines are canonical JSON already: no need to build and print them again.
      var out = #"{"runs":["#
      out.reserveCapacity(runs.reduce(16) { $0 + $1.line.utf8.count + 1 })
      for (index, run) in runs.enumerated() {
        if index > 0 { out += "," }
        out += run.line
      }
      return out + "]}\n"
    case .text:
      let header = ["ID", "COMMIT", "MODEL", "STARTED", "EXIT", "DIRTY", "METRICS"]
      if !terminal {
        // One append per field into one buffer: no cell arrays, no joins (10,000 runs a listing).
        var out = ""
        out.reserveCapacity(runs.count * 120)
        for run in runs {
          out += run.id
          out += "\t"
          out += run.commit.prefix(8)
          out += "\t"
          out += run.model.isEmpty ? "-" : run.model
          out += "\t"
          out += run.started
          out += "\t"
          out += String(run.exit)
          out += run.dirty ? "\tyes\t" : "\tno\t"
          appendMetrics(run.metrics, to: &out)
          out += "\n"
        }
        return out
      }
      let rows = runs.map { run in
        [run.id, String(run.commit.prefix(8)), run.model.isEmpty ? "-" : run.model, run.started, String(run.exit),
         run.dirty ? "yes" : "no", metricsText(run.metrics)]
      }
      var out = ""
      if rows.isEmpty { return "no recorded runs\n" }
      var widths = header.map(\.count)
      for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
      for row in [header] + rows {
        out += row.enumerated().map { i, cell in
          i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ") + "\n"
      }
      return out
    }
  }

  static func metricsText(_ metrics: [String: Double]) -> String {
    var out = ""
    appendMetrics(metrics, to: &out)
    return out
  }

  /// `auc=0.81 loss=0.25`: metrics by name, appended to `out`.
  static func appendMetrics(_ metrics: [String: Double], to out: inout String) {
    if metrics.count == 1, let (key, value) = metrics.first {
      out += key
      out += "="
      out += RunsCommand.number(value)
      return
    }
    for (index, element) in metrics.sorted(by: { $0.key < $1.key }).enumerated() {
      if index > 0 { out += " " }
      out += element.key
      out += "="
      out += RunsCommand.number(element.value)
    }
  }
}

/// `mlgit runs show ID`: one run in full.
struct RunsShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one recorded run.")

  @Argument(help: "The run's id (or a unique prefix).")
  var id: String

  @Option(name: .long, help: "Output format: text or json.")
  var format: RunsFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let run = try RunLedger(repository: workspace.repository).find(id: id)
    if format == .json {
      print(run.line)
      return
    }
    var out = """
      run      \(run.id)
      commit   \(run.commit)
      model    \(run.model.isEmpty ? "-" : run.model)
      started  \(run.started)
      finished \(run.finished)
      user     \(run.user)
      host     \(run.host)
      command  \(run.command)
      exit     \(run.exit)
      dirty    \(run.dirty ? "yes" : "no")

      """
    out += "params\n"
    for (key, value) in RunsCompareCommand.flatten(run.params) { out += "  \(key) = \(value)\n" }
    out += "metrics\n"
    for key in run.metrics.keys.sorted() { out += "  \(key) = \(RunsCommand.number(run.metrics[key] ?? 0))\n" }
    if !run.data.isEmpty {
      out += "data\n"
      for key in run.data.keys.sorted() { out += "  \(key) sha256:\(run.data[key] ?? "")\n" }
    }
    print(out, terminator: "")
  }
}

/// `mlgit runs compare A B`: params and metrics side by side.
struct RunsCompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare", abstract: "Compare two runs' params and metrics side by side.")

  @Argument(help: "The first run's id.")
  var first: String

  @Argument(help: "The second run's id.")
  var second: String

  @Option(name: .long, help: "Output format: text or json.")
  var format: RunsFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let ledger = RunLedger(repository: workspace.repository)
    let a = try ledger.find(id: first)
    let b = try ledger.find(id: second)
    let paramsA = Dictionary(uniqueKeysWithValues: RunsCompareCommand.flatten(a.params))
    let paramsB = Dictionary(uniqueKeysWithValues: RunsCompareCommand.flatten(b.params))
    if format == .json {
      func side(_ params: [String: String], _ metrics: [String: Double]) -> JSONValue {
        .object(["params": .object(params.mapValues(JSONValue.string)), "metrics": .object(metrics.mapValues(JSONValue.double))])
      }
      print(JSONValue.object([a.id: side(paramsA, a.metrics), b.id: side(paramsB, b.metrics)]).canonical)
      return
    }
    var rows: [[String]] = [["", a.id, b.id, ""]]
    rows.append(["commit", String(a.commit.prefix(8)), String(b.commit.prefix(8)), a.commit == b.commit ? "" : "differs"])
    rows.append(["model", a.model, b.model, a.model == b.model ? "" : "differs"])
    rows.append(["params", "", "", ""])
    for key in Set(paramsA.keys).union(paramsB.keys).sorted() {
      let (x, y) = (paramsA[key] ?? "-", paramsB[key] ?? "-")
      rows.append(["  " + key, x, y, x == y ? "" : "differs"])
    }
    rows.append(["metrics", "", "", ""])
    for key in Set(a.metrics.keys).union(b.metrics.keys).sorted() {
      let (x, y) = (a.metrics[key], b.metrics[key])
      var delta = ""
      if let x, let y, x != y { delta = (y - x >= 0 ? "+" : "") + RunsCommand.number(((y - x) * 1e9).rounded() / 1e9) }
      rows.append(["  " + key, x.map(RunsCommand.number) ?? "-", y.map(RunsCommand.number) ?? "-", delta])
    }
    var widths = [0, 0, 0, 0]
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
      let line = row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
      print(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
    }
  }

  /// Nested params as `a.b = value` pairs, sorted.
  static func flatten(_ value: JSONValue, prefix: String = "") -> [(String, String)] {
    if let object = value.objectValue {
      return object.keys.sorted().flatMap { key in
        flatten(object[key] ?? .null, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
      }
    }
    return prefix.isEmpty ? [] : [(prefix, value.canonical)]
  }
}
