import Foundation
import XCTest

/// mlgit installed like a command-line tool: `./install.sh` puts the manual page and the bash,
/// zsh and fish completions in the standard places, `./install.sh --deb` packages them with
/// the binary, and every command's `--help` shows every option it takes.
///
/// install.sh runs with `--binary` and the mlgit these tests built, so nothing is built a
/// second time.
final class PackagingTests: XCTestCase {
  /// The checkout's root, where install.sh is.
  static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// Where each installed file goes under PREFIX.
  static let installedFiles = [
    "bin/mlgit",
    "share/man/man1/mlgit.1",
    "share/bash-completion/completions/mlgit",
    "share/zsh/site-functions/_mlgit",
    "share/fish/vendor_completions.d/mlgit.fish",
  ]

  func temporaryFolder() throws -> String {
    let folder = NSTemporaryDirectory() + "mlgit-packaging-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
    return folder
  }

  func installScript(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
    Shell.run("/bin/bash", [Self.checkout + "/install.sh"] + arguments, in: Self.checkout, environment: environment)
  }

  /// Every command a user can run, as paths (`["run", "record"]`), from the description
  /// ArgumentParser gives of the command tree: hidden commands and `help` left out.
  func visibleCommands() throws -> [(path: [String], arguments: [[String: Any]])] {
    let dump = Shell.run(Shell.mlgit, ["--experimental-dump-help"], in: NSTemporaryDirectory())
    XCTAssertEqual(dump.status, 0, dump.stderr)
    let tool = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
    var found: [(path: [String], arguments: [[String: Any]])] = []
    func visit(_ command: [String: Any], _ path: [String]) {
      for child in command["subcommands"] as? [[String: Any]] ?? [] {
        guard let name = child["commandName"] as? String, name != "help", child["shouldDisplay"] as? Bool ?? true else {
          continue
        }
        found.append((path + [name], child["arguments"] as? [[String: Any]] ?? []))
        visit(child, path + [name])
      }
    }
    visit(try XCTUnwrap(tool["command"] as? [String: Any]), [])
    return found
  }

  func testInstallPutsTheManualPageAndCompletionsUnderPrefixAndUninstallRemovesThem() throws {
    let prefix = try temporaryFolder() + "/prefix"
    let install = installScript(["--binary", Shell.mlgit], environment: ["PREFIX": prefix])
    XCTAssertEqual(install.status, 0, install.output)
    XCTAssertTrue(install.stdout.contains("installed \(prefix)/bin/mlgit (0.1.0)"), install.stdout)
    for file in Self.installedFiles {
      XCTAssertTrue(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) is not installed")
    }
    XCTAssertEqual(Shell.run(prefix + "/bin/mlgit", ["--version"], in: prefix).stdout, "0.1.0\n")

    // The bash script parses, and completes real subcommands and run's options.
    let bashScript = prefix + "/share/bash-completion/completions/mlgit"
    let syntax = Shell.run("/bin/bash", ["-n", bashScript], in: prefix)
    XCTAssertEqual(syntax.status, 0, syntax.stderr)
    // Bash calls a completion function with the command, the word and the word before it.
    let complete = """
      source "$1"
      COMP_WORDS=(mlgit re); COMP_CWORD=1; COMPREPLY=(); _mlgit mlgit re mlgit; echo "${COMPREPLY[*]}"
      COMP_WORDS=(mlgit run --); COMP_CWORD=2; COMPREPLY=(); _mlgit mlgit -- run; echo "${COMPREPLY[*]}"
      """
    let completions = Shell.run("/bin/bash", ["-c", complete, "complete", bashScript], in: prefix)
    XCTAssertEqual(completions.status, 0, completions.stderr)
    let lines = completions.stdout.split(separator: "\n").map { Set($0.split(separator: " ").map(String.init)) }
    XCTAssertEqual(lines.first, ["reproduce", "review"], completions.stdout)
    XCTAssertTrue(lines.count == 2 && lines[1].isSuperset(of: ["--metrics", "--spec"]), completions.stdout)
    let zsh = try String(contentsOfFile: prefix + "/share/zsh/site-functions/_mlgit", encoding: .utf8)
    XCTAssertTrue(zsh.hasPrefix("#compdef mlgit\n"), String(zsh.prefix(80)))
    XCTAssertTrue(zsh.contains("'review:"), "zsh completion offers review")
    let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/mlgit.fish", encoding: .utf8)
    XCTAssertTrue(fish.contains("-fa 'review'"), "fish completion offers review")

    // The manual page names every command a user can run, and renders without a warning.
    let page = try String(contentsOfFile: prefix + "/share/man/man1/mlgit.1", encoding: .utf8)
    XCTAssertTrue(page.hasPrefix(".TH MLGIT 1 "), String(page.prefix(80)))
    let commands = try visibleCommands()
    XCTAssertGreaterThan(commands.count, 20)
    for command in commands {
      let heading = ".SS \"mlgit \(command.path.joined(separator: " "))\"".replacingOccurrences(of: "-", with: "\\-")
      XCTAssertTrue(
        page.contains(heading + "\n"), "the manual page has no section for mlgit \(command.path.joined(separator: " "))"
      )
    }
    XCTAssertFalse(
      page.contains("generate\\-manual\"") || page.contains(".SS \"mlgit help\""),
      "hidden commands stay out of the page")
    let lint = Shell.run(
      "/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", prefix + "/share/man/man1/mlgit.1"], in: prefix)
    XCTAssertEqual(lint.status, 0, lint.stderr)
    XCTAssertEqual(lint.stderr, "", "groff warns about the page")
    let rendered = Shell.run(
      "/usr/bin/man", ["-l", prefix + "/share/man/man1/mlgit.1"], in: prefix,
      environment: ["MANWIDTH": "100", "MANPAGER": "cat", "PAGER": "cat"])
    XCTAssertEqual(rendered.status, 0, rendered.stderr)
    // man renders for a terminal with overstriking when piped to cat; strip it.
    let plain = rendered.stdout.replacingOccurrences(of: "\u{8}.", with: "", options: .regularExpression)
    XCTAssertTrue(plain.contains("mlgit run [--metrics file...] [--spec file] [-- command...]"), plain)
    XCTAssertTrue(plain.contains("EXIT STATUS"), plain)

    let uninstall = installScript(["--uninstall"], environment: ["PREFIX": prefix])
    XCTAssertEqual(uninstall.status, 0, uninstall.output)
    for file in Self.installedFiles {
      XCTAssertFalse(
        FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) is still there after --uninstall")
    }
  }

  func testDebianPackageHoldsTheBinaryManualPageAndCompletionsAndDependsOnItsSharedLibraries() throws {
    let folder = try temporaryFolder()
    // No compression: the package's layout is under test, not xz's speed.
    let build = installScript(
      ["--deb", "--binary", Shell.mlgit, "--output", folder + "/out"],
      environment: ["DPKG_DEB_COMPRESSOR_TYPE": "none"])
    XCTAssertEqual(build.status, 0, build.output)
    let package = try XCTUnwrap(
      try FileManager.default.contentsOfDirectory(atPath: folder + "/out").first { $0.hasSuffix(".deb") })
    let arch = Shell.run("/usr/bin/dpkg", ["--print-architecture"], in: folder).stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    XCTAssertEqual(package, "mlgit_0.1.0_\(arch).deb")
    let path = folder + "/out/" + package
    XCTAssertTrue(build.stdout.contains("built \(path)"), build.stdout)

    let info = Shell.run("/usr/bin/dpkg-deb", ["--field", path, "Package", "Version", "Depends"], in: folder)
    XCTAssertEqual(info.status, 0, info.stderr)
    XCTAssertTrue(info.stdout.contains("Package: mlgit\n"), info.stdout)
    XCTAssertTrue(info.stdout.contains("Version: 0.1.0\n"), info.stdout)
    let depends = info.stdout.split(separator: "\n").first { $0.hasPrefix("Depends: ") }.map(String.init) ?? ""
    // libgit2, libyaml and zlib are linked in statically (Package.swift), so the package
    // needs none of them; SQLite is a shared library the binary loads.
    for linkedIn in ["libgit2", "libyaml", "zlib1g"] {
      XCTAssertNil(depends.range(of: "\\b\(linkedIn)", options: .regularExpression), depends)
    }
    XCTAssertNotNil(depends.range(of: #"\blibsqlite3-0\b"#, options: .regularExpression), depends)
    XCTAssertNotNil(depends.range(of: #"\blibc6\b"#, options: .regularExpression), depends)
    XCTAssertTrue(depends.hasSuffix(", git"), depends)

    let contents = Shell.run("/usr/bin/dpkg-deb", ["--contents", path], in: folder)
    XCTAssertEqual(contents.status, 0, contents.stderr)
    let entries = Set(
      contents.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
    for file in [
      "./usr/bin/mlgit", "./usr/share/man/man1/mlgit.1.gz", "./usr/share/bash-completion/completions/mlgit",
      "./usr/share/zsh/vendor-completions/_mlgit", "./usr/share/fish/vendor_completions.d/mlgit.fish",
    ] {
      XCTAssertTrue(entries.contains(file), "the package lacks \(file):\n\(contents.stdout)")
    }
    XCTAssertTrue(
      contents.stdout.contains("-rwxr-xr-x root/root"), "the binary is root's and executable:\n\(contents.stdout)")

    let extracted = folder + "/extracted"
    let extract = Shell.run("/usr/bin/dpkg-deb", ["-x", path, extracted], in: folder)
    XCTAssertEqual(extract.status, 0, extract.stderr)
    let version = Shell.run(extracted + "/usr/bin/mlgit", ["--version"], in: folder)
    XCTAssertEqual(version.status, 0, version.stderr)
    XCTAssertEqual(version.stdout, "0.1.0\n")
    let page = Shell.run(
      "/bin/sh", ["-c", "gzip -dc \"$1\"", "sh", extracted + "/usr/share/man/man1/mlgit.1.gz"], in: folder)
    XCTAssertTrue(page.stdout.contains(".SS \"mlgit review approve\"\n"), String(page.stdout.prefix(200)))
  }

  /// `mlgit run --help` shows the options of the training run itself; before, they hid
  /// behind a default subcommand `exec` that errors named and no document did.
  func testRunHelpShowsMetricsAndSpecAndNamesNoExecSubcommand() throws {
    let repo = TempRepository()
    for help in [repo.mlgit("run", "--help"), repo.mlgit("help", "run")] {
      XCTAssertEqual(help.status, 0, help.stderr)
      XCTAssertTrue(
        help.stdout.contains("USAGE: mlgit run [--metrics <file> ...] [--spec <file>] -- <command> ..."), help.stdout)
      XCTAssertTrue(help.stdout.contains("\n  --metrics <file>        A metrics file the run wrote"), help.stdout)
      XCTAssertTrue(help.stdout.contains("\n  --spec <file>           The model's spec"), help.stdout)
      XCTAssertTrue(help.stdout.contains("\n  record                  Record a run made elsewhere"), help.stdout)
      XCTAssertFalse(help.stdout.contains("exec"), help.stdout)
    }
    let wrong = repo.mlgit("run", "--no-such-option")
    XCTAssertEqual(wrong.status, 2)
    XCTAssertTrue(
      wrong.stderr.contains("Error: Unknown option '--no-such-option'\nUsage: mlgit run [--metrics <file> ...]"),
      wrong.stderr)
    XCTAssertTrue(wrong.stderr.contains("See 'mlgit run --help' for more information."), wrong.stderr)
    XCTAssertFalse(wrong.stderr.contains("exec"), wrong.stderr)
  }

  /// `run` and `run record` share --metrics and --spec: given to either, on either side of
  /// `record`, they reach the command that runs.
  func testRunAndRunRecordBothReadMetricsAndSpec() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    let run = repo.mlgit("run", "--metrics", "metrics.json", "--spec", "models/credit.yaml", "--", "./train.sh")
    XCTAssertEqual(run.status, 0, run.output)
    XCTAssertTrue(
      repo.runLines().last?.contains("\"metrics\":{\"auc\":0.81,\"loss\":0.25}") ?? false,
      repo.runLines().joined(separator: "\n"))

    repo.write("elsewhere.json", "{\"auc\": 0.9}\n")
    for arguments in [
      ["run", "record", "--metrics", "elsewhere.json", "--spec", "models/credit.yaml"],
      ["run", "--metrics", "elsewhere.json", "record", "--spec", "models/credit.yaml"],
    ] {
      let record = repo.mlgit(arguments)
      XCTAssertEqual(record.status, 0, record.output)
      XCTAssertTrue(
        repo.runLines().last?.contains("\"metrics\":{\"auc\":0.9}") ?? false, repo.runLines().joined(separator: "\n"))
      XCTAssertTrue(repo.runLines().last?.contains("\"model\":\"credit-risk\"") ?? false)
    }
    let missing = repo.mlgit("run", "record", "--spec", "models/none.yaml", "--metrics", "elsewhere.json")
    XCTAssertEqual(missing.status, 2)
    XCTAssertEqual(missing.stderr, "mlgit: spec models/none.yaml does not exist\n")
  }

  /// Every option and argument of every command a user can run shows in that command's
  /// --help (none hidden), and no default subcommand hides its options: its parent's usage
  /// names them.
  func testEveryCommandsHelpShowsEveryOptionItTakes() throws {
    let repo = TempRepository()
    for command in try visibleCommands() {
      let help = repo.mlgit(command.path + ["--help"])
      XCTAssertEqual(help.status, 0, "mlgit \(command.path.joined(separator: " ")) --help: \(help.stderr)")
      for argument in command.arguments {
        let name =
          (argument["preferredName"] as? [String: Any])?["name"] as? String ?? argument["valueName"] as? String ?? "?"
        XCTAssertEqual(
          argument["shouldDisplay"] as? Bool, true, "mlgit \(command.path.joined(separator: " ")) hides \(name)")
        let shown =
          (argument["kind"] as? String) == "positional" ? "<\(name)>" : ((name.count == 1 ? "-" : "--") + name)
        XCTAssertTrue(
          help.stdout.contains(shown),
          "mlgit \(command.path.joined(separator: " ")) --help does not show \(shown):\n\(help.stdout)")
      }
    }
    let runs = repo.mlgit("runs", "--help")
    XCTAssertTrue(
      runs.stdout.contains("USAGE: mlgit runs [list] [<revisions> ...] [--all] [--model <model>] [--format <format>]"),
      runs.stdout)
  }
}
