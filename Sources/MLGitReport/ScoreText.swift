#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
import MLGitErrors
import MLPolicy

/// A score as people read it: `0`, `0.5`, `3.5`.
public func formatScore(_ value: Double) -> String {
  value == value.rounded() ? String(Int(value)) : CFormat.fixed(value, digits: 1)
}

/// `mlgit score` as text: per model, the score and weakest section, then each section's
/// tests with their points, evidence and what would raise them.
public enum ScoreText {
  public static func render(_ report: ScoreReport, verbose: Bool = true) -> String {
    var out =
      "ML Test Score at \(report.revision) (\(report.commit.prefix(12))), policy: \(report.policySources.joined(separator: " < "))\n"
    for (path, reason) in report.unreadable { out += "\(path): not scored: \(reason)\n" }
    if report.models.isEmpty { out += "no model spec at this revision\n" }
    for model in report.models {
      out +=
        "\n\(model.model)\(model.version.map { " \($0)" } ?? "") (\(model.specPath)): score \(formatScore(model.score))"
      if let weakest = model.weakest { out += ", weakest section: \(weakest.rawValue)" }
      out +=
        "\n  " + model.sections.map { "\($0.section.rawValue) \(formatScore($0.score))" }.joined(separator: " · ")
        + "\n"
      for section in model.sections {
        out += "  \(section.section.title) (\(section.section.rawValue)): \(formatScore(section.score)) of 7\n"
        for scored in section.tests {
          let points = formatScore(scored.points.rawValue)
          out +=
            "    \(TextColumns.pad(points, to: 3)) \(scored.test.id) \(scored.test.title)\n"
          for item in scored.evidence { out += "          evidence: \(item.text)\n" }
          if let hint = scored.hint { out += "          hint: \(hint)\n" }
        }
      }
    }
    return TerminalText.escape(out, keepingNewlines: true)
  }
}
