import ArgumentParser
import Foundation
import GitKit
import MLPolicy

/// `mlgit check`: run the policy on a change.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run the policy on the staged change.",
    discussion: "Exit status: 0 no errors (warnings allowed), 1 policy errors, 2 bad usage or config, 3 git failure.")

  @Flag(name: .long, help: "Check what the next commit will contain (the default).")
  var staged = false

  @Flag(name: .long, help: "Judge the staged change as `git commit --amend` would commit it (against HEAD's parent).")
  var amend = false

  @Option(name: .long, help: "Output format: text, json or sarif.")
  var format: OutputFormat = .text

  func run() throws {
    let workspace = try Workspace.open()
    let findings = try CheckRunner(workspace: workspace).checkStaged(stage: .commit, amend: amend)
    let status = FindingOutput(format: format).report(findings, checked: "staged change")
    if status != .ok { throw ExitCode(status.rawValue) }
  }
}
