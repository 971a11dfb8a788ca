import MLGitReport
import FoundationEssentials
import MLGitEngine
import MLPolicy

/// `mlgit review diff REV` as text: the commit, then each hyperparameter change it makes,
/// old -> new, and each policy file it changes.
enum ReviewDiffText {
  static func render(_ plan: ReviewPlanner.Plan) -> String {
    let id = plan.commit.id.short
    var lines = [TerminalText.escape("\(id) \(plan.commit.summary) (\(plan.commit.author.email))")]
    if plan.items.isEmpty {
      lines.append("mlgit: no hyperparameter or policy file changes in \(id)")
    }
    for item in plan.items {
      let blob = item.object.map { " (blob \(String($0.prefix(8))))" } ?? ""
      switch item.kind {
      case .hyperparameters:
        lines.append(
          TerminalText.escape(
            "\(item.path): hyperparameters\(item.summary == "new spec" ? " of a new spec" : "")\(blob)"))
        // Keys and string values are escaped before the keys are padded to one width.
        let keys = item.changes.map { TerminalText.escape($0.key) }
        let width = keys.map(\.count).max() ?? 0
        for (change, key) in zip(item.changes, keys) {
          let key = TextColumns.pad(key, to: width)
          switch (
            change.old.map { TerminalText.escape($0.typedCanonical) },
            change.new.map { TerminalText.escape($0.typedCanonical) }
          ) {
          case (nil, let new?): lines.append("  + \(key)  \(new)")
          case (let old?, nil): lines.append("  - \(key)  \(old)")
          case (let old?, let new?): lines.append("  ~ \(key)  \(old) -> \(new)")
          case (nil, nil): break
          }
        }
      case .policy:
        lines.append(TerminalText.escape("\(item.path): \(item.summary)\(blob); see git show \(id) -- \(item.path)"))
      }
    }
    return lines.map { $0 + "\n" }.joined()
  }
}
