#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLGitEngine
import MLPolicy

/// mlgit's manual page, `mlgit.1`: one page in man(7) roff that names every command with
/// its synopsis, description and options, then exit status, environment, files and
/// related pages.
///
/// It is rendered from the description ArgumentParser gives of the command tree
/// (`mlgit --experimental-dump-help`, ToolInfo serialization version 0), the same source
/// `--help` and the completion scripts come from, so the page cannot drift from the
/// binary it ships with. ArgumentParser's own `generate-manual` tool renders the same
/// description, but it is not a product of the package: using it would mean building a
/// second package graph at install time and in the tests, where this is one in-process call.
struct ManualPage {
  /// The subset of ArgumentParser's ToolInfo (serialization version 0) the page needs.
  struct ToolInfo: Decodable {
    var serializationVersion: Int
    var command: Command
  }

  struct Command: Decodable {
    var commandName: String
    var abstract: String?
    var discussion: String?
    var shouldDisplay: Bool?
    var defaultSubcommand: String?
    var subcommands: [Command]?
    var arguments: [Argument]?
  }

  struct Argument: Decodable {
    struct Name: Decodable {
      var kind: String
      var name: String
    }
    var kind: String
    var shouldDisplay: Bool
    var isOptional: Bool
    var isRepeating: Bool
    var parsingStrategy: String?
    var names: [Name]?
    var valueName: String?
    var defaultValue: String?
    var allValues: [String]?
    var abstract: String?
    var discussion: String?
  }

  var tool: ToolInfo
  /// The page's date, `YYYY-MM-DD`.
  var date: String

  /// The page for mlgit's own command tree.
  static func forMLGit(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ManualPage {
    let json: String
    do {
      _ = try MLGit.parseAsRoot(["--experimental-dump-help"])
      throw CommandFailure.system("mlgit: ArgumentParser did not describe the command tree")
    } catch let failure as CommandFailure {
      throw failure
    } catch {
      json = MLGit.fullMessage(for: error)
    }
    let tool = try JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8))
    guard tool.serializationVersion == 0 else {
      throw CommandFailure.system("mlgit: unknown command-tree description version \(tool.serializationVersion)")
    }
    return ManualPage(tool: tool, date: pageDate(environment))
  }

  /// SOURCE_DATE_EPOCH when set (reproducible packages), else today, in UTC.
  static func pageDate(_ environment: [String: String]) -> String {
    let seconds = environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init) ?? Date().timeIntervalSince1970
    return UTCTimestamp.day(UTCTimestamp.seconds(Date(timeIntervalSince1970: seconds)))
  }

  /// The page, in man(7) roff.
  func rendered() -> String {
    let root = tool.command
    var page: [String] = []
    page.append(
      ".TH MLGIT 1 \(Self.quoted(date)) \(Self.quoted("mlgit \(MLGit.version)")) \(Self.quoted("mlgit manual"))")
    // No hyphenation: option names and paths must read (and paste) as typed.
    page.append(".nh")
    page.append(".SH NAME")
    page.append("mlgit \\- \(Self.text(Self.sentence(root.abstract ?? "")))")
    page.append(".SH SYNOPSIS")
    page.append(".B mlgit")
    page.append(".I command")
    page.append("[\\fIoptions\\fR] [\\fIarguments\\fR]")
    page.append(".br")
    page.append(".B mlgit")
    page.append("[\\fB\\-\\-version\\fR] [\\fB\\-\\-help\\fR]")
    page.append(".br")
    page.append(".B mlgit")
    page.append("\\fB\\-\\-generate\\-completion\\-script\\fR \\fIbash\\fR|\\fIzsh\\fR|\\fIfish\\fR")
    page.append(".SH DESCRIPTION")
    page.append(
      contentsOf: Self.paragraphs(
        """
        mlgit enforces a team's machine-learning policy through git hooks. After mlgit install in a \
        repository, commits and pushes are checked as usual: model spec files must be valid, no model \
        may use a protected attribute as a feature, hyperparameter changes need an approval from \
        someone other than their author, and training runs are recorded against the commit that \
        produced them, in git notes under refs/notes/mlgit/.

        The same checks run at pre-commit, pre-push, in a server's pre-receive hook and in CI \
        (mlgit check --range), with the same rule ids and output. Each command below also answers \
        mlgit help COMMAND and mlgit COMMAND --help.
        """))
    page.append(".SH COMMANDS")
    for command in root.subcommands ?? [] { render(command, path: ["mlgit"], into: &page) }
    page.append(".SH EXIT STATUS")
    for (status, meaning) in [
      ("0", "No errors (warnings allowed)."),
      ("1", "Policy errors were found (for doctor: something needs fixing)."),
      ("2", "Bad usage, bad config or malformed input that stops the check."),
      ("3", "A git or system failure."),
    ] {
      page.append(".TP")
      page.append(".B \(status)")
      page.append(Self.text(meaning))
    }
    page.append(".SH ENVIRONMENT")
    page.append(".TP")
    page.append(".B NO_COLOR")
    page.append(
      Self.text(
        "When set, text output has no colour (as does output that is not a terminal, or TERM=dumb), unless --color always is given."
      ))
    page.append(".TP")
    page.append(".B GIT_DIR\\fR, \\fBGIT_WORK_TREE\\fR, \\fBGIT_INDEX_FILE")
    page.append(Self.text("Read as git reads them: hooks see the index git is about to commit."))
    page.append(".SH FILES")
    for (path, meaning) in [
      (".mlgit/config.yml", "The team's policy (optional; with none, the built-in default pack applies)."),
      (".mlgit/allowed_signers", "Reviewers' SSH keys, in git's allowed-signers format, for signed approvals."),
      ("refs/notes/mlgit/runs", "Recorded training runs, one JSON line each, on the commit they ran from."),
      ("refs/notes/mlgit/reviews", "Approvals of hyperparameter and policy changes, on the approved file's blob."),
    ] {
      page.append(".TP")
      page.append(".I \(Self.text(path))")
      page.append(Self.text(meaning))
    }
    page.append(".SH SEE ALSO")
    page.append(".BR git (1),")
    page.append(".BR githooks (5),")
    page.append(".BR git\\-notes (1),")
    page.append(".BR ssh\\-keygen (1)")
    return page.joined(separator: "\n") + "\n"
  }

  /// One command's section: its synopsis, what it does, its options; then its subcommands.
  private func render(_ command: Command, path: [String], into page: inout [String]) {
    guard command.shouldDisplay ?? true, command.commandName != "help" else { return }
    let path = path + [command.commandName]
    let arguments = (command.arguments ?? []).filter { $0.shouldDisplay && !Self.isBuiltIn($0) }
    let children = (command.subcommands ?? []).filter { ($0.shouldDisplay ?? true) && $0.commandName != "help" }
    page.append(".SS \(Self.quoted(path.joined(separator: " ")))")
    if !arguments.isEmpty || children.isEmpty {
      page.append(".B \(Self.text(path.joined(separator: " ")))")
      let synopsis = arguments.map(Self.synopsis).joined(separator: " ")
      if !synopsis.isEmpty { page.append(synopsis) }
    }
    if !children.isEmpty {
      if !arguments.isEmpty || command.defaultSubcommand != nil { page.append(".br") }
      page.append(".B \(Self.text(path.joined(separator: " ")))")
      page.append(".I subcommand")
      page.append("\\&...")
    }
    page.append(".PP")
    page.append(Self.text(Self.sentence(command.abstract ?? "")))
    if let discussion = command.discussion, !discussion.isEmpty {
      page.append(contentsOf: Self.paragraphs(discussion))
    }
    if let defaultSubcommand = command.defaultSubcommand {
      page.append(".PP")
      page.append(Self.text("With no subcommand: \(path.joined(separator: " ")) \(defaultSubcommand)."))
    }
    for argument in arguments {
      page.append(".TP")
      page.append(Self.label(argument))
      var description = argument.abstract ?? ""
      if let values = argument.allValues, !values.isEmpty {
        description += " (values: \(values.joined(separator: ", ")))"
      }
      if let value = argument.defaultValue, !value.isEmpty, argument.kind != "flag",
        !description.contains("default: \(value)") && !description.contains("default \(value)")
      {
        description += " (default: \(value))"
      }
      page.append(Self.text(description))
      if let discussion = argument.discussion, !discussion.isEmpty {
        page.append(contentsOf: Self.paragraphs(discussion).map { $0 == ".PP" ? ".IP" : $0 })
      }
    }
    for child in children { render(child, path: path, into: &page) }
  }

  /// --help and --version are described once, in the synopsis, not under every command.
  private static func isBuiltIn(_ argument: Argument) -> Bool {
    let names = Set((argument.names ?? []).map(\.name))
    return argument.kind == "flag" && (names == ["help", "h"] || names == ["version"])
  }

  /// `--metrics FILE…` in the synopsis: bold names, italic values, brackets when optional.
  private static func synopsis(_ argument: Argument) -> String {
    var text = label(argument, preferred: true)
    if argument.isRepeating { text += "\\&..." }
    if argument.parsingStrategy == "postTerminator" { text = "\\fB\\-\\-\\fR " + text }
    return argument.isOptional ? "[\(text)]" : text
  }

  /// An argument's names as the user types them: `\fB--format\fR \fIformat\fR`.
  private static func label(_ argument: Argument, preferred: Bool = false) -> String {
    let value = "\\fI\(text(argument.valueName ?? "value"))\\fR"
    if argument.kind == "positional" { return value }
    var names = (argument.names ?? []).map { name -> String in
      let dashes = name.kind == "long" ? "--" : "-"
      return "\\fB\(text(dashes + name.name))\\fR"
    }
    if preferred, let long = names.last { names = [long] }
    let joined = names.joined(separator: ", ")
    return argument.kind == "option" ? "\(joined) \(value)" : joined
  }

  /// Text for a roff line: backslashes and hyphens escaped, no line begins with a control
  /// character.
  static func text(_ value: String) -> String {
    var escaped = value.replacingEvery("\\", with: "\\e").replacingEvery("-", with: "\\-")
    if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
    return escaped
  }

  /// A quoted macro argument.
  private static func quoted(_ value: String) -> String {
    "\"" + text(value).replacingEvery("\"", with: "\\(dq") + "\""
  }

  /// Paragraphs (separated by blank lines) as `.PP` blocks, each line of source text its
  /// own roff line so that roff fills them.
  private static func paragraphs(_ value: String) -> [String] {
    var lines: [String] = []
    for paragraph in value.components(separatedBy: "\n\n") {
      let body = paragraph.split(separator: "\n").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
      guard !body.isEmpty else { continue }
      lines.append(".PP")
      lines += body.map { text($0) }
    }
    return lines
  }

  /// The abstract as a sentence, with its final period.
  private static func sentence(_ value: String) -> String {
    value.hasSuffix(".") || value.isEmpty ? value : value + "."
  }
}
