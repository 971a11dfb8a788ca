import ArgumentParser

/// `mlgit generate-manual`: print mlgit's manual page (man(7) roff) for `install.sh` and
/// packagers to install as `share/man/man1/mlgit.1`. Hidden from `--help` and the page
/// itself: users read the page with `man mlgit`; docs/development.md describes this command.
struct GenerateManualCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-manual",
    abstract: "Print mlgit's manual page (man(7) roff) on standard output, for packagers.",
    discussion: "The date on the page is SOURCE_DATE_EPOCH's when set (reproducible packages), else today's.",
    shouldDisplay: false)

  func run() throws {
    print(try ManualPage.forMLGit().rendered(), terminator: "")
  }
}
