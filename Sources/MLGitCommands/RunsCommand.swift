import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

/// `mlgit runs`: list, show and compare recorded runs.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "List, show and compare recorded training runs (refs/notes/mlgit/runs).",
    usage: """
      mlgit runs [list] [<revisions> ...] [--all] [--model <model>] [--format <format>]
      mlgit runs show <id> [--format <format>]
      mlgit runs compare <first> <second> [--format <format>]
      """,
    discussion: """
      With no subcommand, runs lists: with no REV, the runs on HEAD's history; with REVs, the runs \
      on those commits; --all, every run in the ledger; --model NAME, only that model's; \
      --format text|json. `mlgit runs list --help` describes each option.
      """,
    subcommands: [RunsListCommand.self, RunsShowCommand.self, RunsCompareCommand.self],
    defaultSubcommand: RunsListCommand.self)

  /// A metric as listings show it: whole numbers without a fraction.
  static func number(_ value: Double) -> String {
    var text: [UInt8] = []
    RunsListCommand.appendNumber(value, to: &text)
    return String(decoding: text, as: UTF8.self)
  }
}

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
          if let written = metric.written { field(written) } else { appendNumber(metric.value, to: &out) }
        }
        out.append(10)
      }
    }
    return out
  }

  /// A metric's text (whole numbers without a fraction), appended; integers without making a String.
  static func appendNumber(_ value: Double, to out: inout [UInt8]) {
    if value == value.rounded() && abs(value) < 1e15 {
      out.appendDecimal(Int(value))
    } else {
      out.append(contentsOf: value.description.utf8)
    }
  }

  /// `--format json`: the ledger lines are canonical JSON already, written out as they are.
  static func json(_ table: RunListings, _ rows: [Int], reproductions: [ReproductionRecord] = []) -> [UInt8] {
    // `reproductions` (the listed runs' verdicts) only when there are some: keys stay sorted.
    var out: [UInt8] = Array("{".utf8)
    if !reproductions.isEmpty {
      out.append(contentsOf: #""reproductions":["#.utf8)
      for (position, record) in reproductions.enumerated() {
        if position > 0 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: record.line.utf8)
      }
      out.append(contentsOf: "],".utf8)
    }
    out.append(contentsOf: #""runs":["#.utf8)
    out.reserveCapacity(rows.reduce(16) { $0 + table.rows[$1].line.count + 1 })
    for (position, index) in rows.enumerated() {
      if position > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: table.text[table.rows[index].line])
    }
    out.append(contentsOf: "]}\n".utf8)
    return out
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
    metrics.keys.sorted().map { "\($0)=\(RunsCommand.number(metrics[$0] ?? 0))" }.joined(separator: " ")
  }
}

/// `mlgit runs show ID`: one run in full.
struct RunsShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one recorded run.")

  @Argument(help: "The run's id (or a unique prefix).")
  var id: String

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let run = try RunLedger(repository: workspace.repository).find(id: id)
    if format == .json {
      print(run.line)
      return
    }
    // Every field comes from the ledger, which anyone who can push it writes.
    let shown = { (text: String) in TerminalText.escape(text) }
    var out = """
      run      \(shown(run.id))
      commit   \(shown(run.commit))
      model    \(shown(run.model.isEmpty ? "-" : run.model))
      started  \(shown(run.started))
      finished \(shown(run.finished))
      user     \(shown(run.user))
      host     \(shown(run.host))
      command  \(shown(run.command))
      exit     \(run.exit)
      dirty    \(run.dirty ? "yes" : "no")

      """
    if let interrupted = run.interrupted {
      out = out.replacingOccurrences(of: "\ndirty ", with: "\ninterrupted \(shown(interrupted))\ndirty ")
    }
    if let version = run.version {
      out = out.replacingOccurrences(of: "\nstarted ", with: "\nversion  \(shown(version))\nstarted ")
    }
    if let resources = run.resources {
      out += """
        resources
          wall   \(RunResources.seconds(resources.wallSeconds))
          cpu    \(RunResources.seconds(resources.cpuSeconds)) (user \(RunResources.seconds(resources.userSeconds)), system \(RunResources.seconds(resources.systemSeconds)))
          peak   \(resources.peakRSSBytes) bytes (\(RunResources.megabytes(resources.peakMemoryMB)), the largest process)

        """
    }
    out += "params\n"
    for (key, value) in RunsCompareCommand.flatten(run.params) { out += "  \(shown(key)) = \(shown(value))\n" }
    out += "metrics\n"
    for key in run.metrics.keys.sorted() { out += "  \(shown(key)) = \(RunsCommand.number(run.metrics[key] ?? 0))\n" }
    if !run.data.isEmpty {
      out += "data\n"
      for key in run.data.keys.sorted() { out += "  \(shown(key)) sha256:\(shown(run.data[key] ?? ""))\n" }
    }
    let verdicts = (try RunLedger.loadReproductions(workspace.repository)[run.commit] ?? []).filter { $0.run == run.id }
    if !verdicts.isEmpty {
      out += "reproductions\n"
      for verdict in verdicts.sorted(by: { ($0.at, $0.id) < ($1.at, $1.id) }) {
        let differences = verdict.metrics.keys.sorted().map { name in
          "\(shown(name)) \(verdict.metrics[name]?.difference.map(RunsCommand.number) ?? "missing")"
        }.joined(separator: ", ")
        out +=
          "  \(shown(verdict.id)) \(verdict.reproduced ? "reproduced" : "not reproduced") by \(shown(verdict.user)) at \(shown(verdict.at))"
          + " (tolerance \(RunsCommand.number(verdict.tolerance))\(differences.isEmpty ? "" : "; differences: \(differences)")"
          + "\(verdict.problem.map { "; \(shown($0))" } ?? ""))\n"
      }
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
  var format: ListingFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let ledger = RunLedger(repository: workspace.repository)
    let a = try ledger.find(id: first)
    let b = try ledger.find(id: second)
    if format == .json {
      print(RunsCompareCommand.document(a, b).canonical)
      return
    }
    // A nested `a: {b: …}` and a literal `a.b` key flatten to one name: the first (sorted) is shown.
    let paramsA = Dictionary(RunsCompareCommand.flatten(a.params), uniquingKeysWith: { first, _ in first })
    let paramsB = Dictionary(RunsCompareCommand.flatten(b.params), uniquingKeysWith: { first, _ in first })
    var rows: [[String]] = [["", a.id, b.id, ""]]
    rows.append([
      "commit", String(a.commit.prefix(8)), String(b.commit.prefix(8)), a.commit == b.commit ? "" : "differs",
    ])
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
      if let x, let y, x != y { delta = (y - x >= 0 ? "+" : "") + RunsCommand.number(RunsCompareCommand.delta(x, y)) }
      rows.append(["  " + key, x.map(RunsCommand.number) ?? "-", y.map(RunsCommand.number) ?? "-", delta])
    }
    var widths = [0, 0, 0, 0]
    rows = rows.map { $0.map { TerminalText.escape($0) } }
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
      let line = row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
      print(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
    }
  }

  /// The `mlgit.runs-compare/1` document (docs/runs.md lists its fields). It is written by
  /// the ledger's own canonical JSON writer, not JSONEncoder: JSONEncoder writes a whole
  /// float as an integer (`1.0` as `1`), and a param recorded as a float must read back
  /// as one, as `mlgit runs show --format json` prints it.
  static func document(_ a: RunRecord, _ b: RunRecord) -> JSONValue {
    func run(_ r: RunRecord) -> JSONValue {
      .object([
        "id": .string(r.id), "commit": .string(r.commit), "model": .string(r.model), "started": .string(r.started),
        "exit": .int(r.exit), "params": r.params, "metrics": .object(r.metrics.mapValues(JSONValue.double)),
      ])
    }
    let (paramsA, paramsB) = (typedLeaves(a.params), typedLeaves(b.params))
    let params: [JSONValue] = Set(paramsA.keys).union(paramsB.keys).sorted().map { key in
      var row: [String: JSONValue] = ["key": .string(key), "differs": .bool(paramsA[key] != paramsB[key])]
      row["first"] = paramsA[key]
      row["second"] = paramsB[key]
      return .object(row)
    }
    let metrics: [JSONValue] = Set(a.metrics.keys).union(b.metrics.keys).sorted().map { name in
      let (x, y) = (a.metrics[name], b.metrics[name])
      var row: [String: JSONValue] = ["name": .string(name), "differs": .bool(x != y)]
      row["first"] = x.map(JSONValue.double)
      row["second"] = y.map(JSONValue.double)
      if let x, let y { row["delta"] = .double(delta(x, y)) }
      return .object(row)
    }
    return .object([
      "schema": .string("mlgit.runs-compare/1"), "runs": .array([run(a), run(b)]),
      "params": .array(params), "metrics": .array(metrics),
    ])
  }

  /// second - first, to 9 decimals (so 0.3 - 0.1 is 0.2, not 0.19999999999999998).
  static func delta(_ x: Double, _ y: Double) -> Double { ((y - x) * 1e9).rounded() / 1e9 }

  /// Nested params as `a.b` keys with their values as recorded (lists stay whole).
  static func typedLeaves(_ value: JSONValue, prefix: String = "") -> [String: JSONValue] {
    if let object = value.objectValue {
      var leaves: [String: JSONValue] = [:]
      // Sorted, so that of a nested `a: {b: …}` and a literal `a.b` key, the same one wins as in the text.
      for key in object.keys.sorted() {
        guard let member = object[key] else { continue }
        leaves.merge(typedLeaves(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { first, _ in first }
      }
      return leaves
    }
    return prefix.isEmpty ? [:] : [prefix: value]
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
