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
      runs = try ledger.everyListing(keepLines: format == .json)
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
    runs = RunsListCommand.newestFirst(runs)
    let terminal = isatty(STDOUT_FILENO) == 1
    if format == .text && !terminal {
      // Piped text: written as bytes, with no String for the whole listing.
      let bytes = RunsListCommand.tabSeparated(runs)
      bytes.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, stdout) }
      return
    }
    print(RunsListCommand.render(runs, format: format, terminal: terminal), terminator: "")
  }

  /// Newest first; among equal start times by id, descending; then in the order given
  /// (what a stable sort on `(started, id)` gives). When every key is ASCII the keys are
  /// compared as bytes (`started`, a NUL, `id`), which orders them the same way and
  /// spares ten thousand runs the String comparisons.
  static func newestFirst(_ runs: [RunListing]) -> [RunListing] {
    var keys: [UInt8] = []
    keys.reserveCapacity(runs.count * 34)
    var ends: [Int] = []
    ends.reserveCapacity(runs.count)
    func plain(_ text: String) -> Bool { !text.utf8.contains { $0 == 0 || $0 >= 0x80 } }
    for run in runs {
      // Non-ASCII text (or a NUL of its own) would not compare as Strings do: sort as Strings.
      guard plain(run.started), plain(run.id) else {
        return runs.enumerated().sorted { a, b in
          let (x, y) = (a.element, b.element)
          if x.started != y.started { return x.started > y.started }
          if x.id != y.id { return x.id > y.id }
          return a.offset < b.offset
        }.map(\.element)
      }
      keys.append(contentsOf: run.started.utf8)
      keys.append(0)
      keys.append(contentsOf: run.id.utf8)
      ends.append(keys.count)
    }
    var order = Array(runs.indices)
    keys.withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress else { return }
      order.sort { a, b in
        let aStart = a == 0 ? 0 : ends[a - 1], bStart = b == 0 ? 0 : ends[b - 1]
        let (aCount, bCount) = (ends[a] - aStart, ends[b] - bStart)
        let common = memcmp(base + aStart, base + bStart, min(aCount, bCount))
        if common != 0 { return common > 0 }
        if aCount != bCount { return aCount > bCount }
        return a < b
      }
    }
    return order.map { runs[$0] }
  }

  /// Piped text output: one tab-separated run a line.
  static func tabSeparated(_ runs: [RunListing]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(runs.count * 128)
    for run in runs {
      out.append(contentsOf: run.id.utf8)
      out.append(9)
      out.append(contentsOf: run.commit.prefix(8).utf8)
      out.append(9)
      if run.model.isEmpty { out.append(UInt8(ascii: "-")) } else { out.append(contentsOf: run.model.utf8) }
      out.append(9)
      out.append(contentsOf: run.started.utf8)
      out.append(9)
      appendDecimal(run.exit, to: &out)
      out.append(contentsOf: run.dirty ? "\tyes\t".utf8 : "\tno\t".utf8)
      let sorted = run.metrics.count < 2 ? Array(run.metrics) : run.metrics.sorted { $0.key < $1.key }
      for (index, metric) in sorted.enumerated() {
        if index > 0 { out.append(32) }
        out.append(contentsOf: metric.key.utf8)
        out.append(UInt8(ascii: "="))
        out.append(contentsOf: RunsCommand.number(metric.value).utf8)
      }
      out.append(10)
    }
    return out
  }

  /// `String(value)`'s digits, appended without making the String.
  static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value < 0 {
      out.append(contentsOf: String(value).utf8)  // rare; Int.min has no positive twin
      return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var rest = value
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[19 - count] = UInt8(48 + rest % 10)
        rest /= 10
        count += 1
      } while rest > 0
      out.append(contentsOf: buffer[(20 - count)...])
    }
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
      if !terminal { return String(decoding: tabSeparated(runs), as: UTF8.self) }
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
    metrics.keys.sorted().map { "\($0)=\(RunsCommand.number(metrics[$0] ?? 0))" }.joined(separator: " ")
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
