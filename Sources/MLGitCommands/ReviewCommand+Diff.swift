import ArgumentParser
import Foundation
import MLGitEngine
import MLGitReport
import MLPolicy
import MLSpec

extension ReviewCommand {
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The hyperparameter changes a commit makes, old -> new.")

    @Argument(help: "The commit.")
    var revision: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    func run() throws {
      let planner = try ReviewPlanner()
      let id = try planner.resolve(revision)
      let plan = try planner.plan(id)
      if format == .json {
        print(ReviewStatusJSON.diff(plan).canonical)
        return
      }
      print(TerminalText.escape("\(id.short) \(plan.commit.summary) (\(plan.commit.author.email))"))
      if plan.items.isEmpty {
        print("mlgit: no hyperparameter or policy file changes in \(id.short)")
        return
      }
      for item in plan.items {
        let blob = item.object.map { " (blob \(String($0.prefix(8))))" } ?? ""
        switch item.kind {
        case .hyperparameters:
          print(
            TerminalText.escape(
              "\(item.path): hyperparameters\(item.summary == "new spec" ? " of a new spec" : "")\(blob)"))
          // Keys and string values are escaped before the keys are padded to one width.
          let keys = item.changes.map { TerminalText.escape($0.key) }
          let width = keys.map(\.count).max() ?? 0
          for (change, key) in zip(item.changes, keys) {
            let key = key.padding(toLength: width, withPad: " ", startingAt: 0)
            switch (
              change.old.map { TerminalText.escape($0.typedCanonical) },
              change.new.map { TerminalText.escape($0.typedCanonical) }
            ) {
            case (nil, let new?): print("  + \(key)  \(new)")
            case (let old?, nil): print("  - \(key)  \(old)")
            case (let old?, let new?): print("  ~ \(key)  \(old) -> \(new)")
            case (nil, nil): break
            }
          }
        case .policy:
          print(TerminalText.escape("\(item.path): \(item.summary)\(blob); see git show \(id.short) -- \(item.path)"))
        }
      }
    }
  }
}
