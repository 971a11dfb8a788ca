import ArgumentParser
@testable import MLGitCommands
import XCTest

/// Every command names itself. ArgumentParser names a command without `commandName` from
/// its type at every parse (`String(describing:)` of the type: the name demangled, and
/// the conformances of the whole binary scanned for how to print it), about 750,000
/// instructions for each such command, paid by every command but the hook
/// (docs/performance.md, "Eighth round").
final class CommandNameTests: XCTestCase {
  func testEveryCommandNamesItself() {
    var unnamed: [String] = []
    func visit(_ command: ParsableCommand.Type, under parent: String) {
      guard let name = command.configuration.commandName else {
        unnamed.append("\(parent) \(command)")
        return
      }
      for subcommand in command.configuration.subcommands { visit(subcommand, under: "\(parent) \(name)") }
    }
    visit(MLGit.self, under: "")
    XCTAssertEqual(unnamed, [])
  }
}
