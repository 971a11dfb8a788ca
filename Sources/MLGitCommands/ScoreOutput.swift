import Foundation
import MLPolicy
import MLSpec

/// A score as people read it: `0`, `0.5`, `3.5`.
func formatScore(_ value: Double) -> String {
  value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
}

/// `mlgit score` as text: per model, the score and weakest section, then each section's
/// tests with their points, evidence and what would raise them.
enum ScoreText {
  static func render(_ report: ScoreReport, verbose: Bool = true) -> String {
    var out = "ML Test Score at \(report.revision) (\(report.commit.prefix(12))), policy: \(report.policySources.joined(separator: " < "))\n"
    for (path, reason) in report.unreadable { out += "\(path): not scored: \(reason)\n" }
    if report.models.isEmpty { out += "no model spec at this revision\n" }
    for model in report.models {
      out += "\n\(model.model)\(model.version.map { " \($0)" } ?? "") (\(model.specPath)): score \(formatScore(model.score))"
      if let weakest = model.weakest { out += ", weakest section: \(weakest.rawValue)" }
      out += "\n  " + model.sections.map { "\($0.section.rawValue) \(formatScore($0.score))" }.joined(separator: " · ") + "\n"
      for section in model.sections {
        out += "  \(section.section.title) (\(section.section.rawValue)): \(formatScore(section.score)) of 7\n"
        for scored in section.tests {
          let points = formatScore(scored.points.rawValue)
          out += "    \(points.padding(toLength: 3, withPad: " ", startingAt: 0)) \(scored.test.id) \(scored.test.title)\n"
          for item in scored.evidence { out += "          evidence: \(item.text)\n" }
          if let hint = scored.hint { out += "          hint: \(hint)\n" }
        }
      }
    }
    return TerminalText.escape(out, keepingNewlines: true)
  }
}

/// `mlgit score --format json`: the `mlgit.score/1` document (docs/score.md describes
/// every field). Keys are sorted, so two runs over the same history differ only in
/// `generated`.
enum ScoreJSON {
  static let schema = "mlgit.score/1"

  struct Document: Encodable {
    var schema: String
    var generated: String
    var repository: String
    var revision: String
    var commit: String
    var policy: [String]
    var models: [Model]
    var unreadable: [Unreadable]
  }
  struct Unreadable: Encodable {
    var path: String
    var reason: String
  }
  struct Model: Encodable {
    var name: String
    var path: String
    var version: String?
    var commit: String
    var score: Double
    var weakest: String?
    var sections: [Section]
  }
  struct Section: Encodable {
    var id: String
    var title: String
    var score: Double
    var tests: [Test]
  }
  struct Test: Encodable {
    var id: String
    var title: String
    var points: Double
    var maxPoints: Double
    var evidence: [ScoreEvidence]
    var hint: String?

    enum CodingKeys: String, CodingKey { case id, title, points, maxPoints, evidence, hint }
    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(title, forKey: .title)
      try container.encode(points, forKey: .points)
      try container.encode(maxPoints, forKey: .maxPoints)
      try container.encode(evidence, forKey: .evidence)
      try container.encode(hint, forKey: .hint)  // null at a full point, never absent
    }
  }

  static func document(_ report: ScoreReport) -> Document {
    Document(
      schema: schema, generated: report.generated, repository: report.repository, revision: report.revision,
      commit: report.commit, policy: report.policySources,
      models: report.models.map { model in
        Model(name: model.model, path: model.specPath, version: model.version, commit: model.commit, score: model.score,
          weakest: model.weakest?.rawValue,
          sections: model.sections.map { section in
            Section(id: section.section.rawValue, title: section.section.title, score: section.score,
              tests: section.tests.map { scored in
                Test(id: scored.test.id, title: scored.test.title, points: scored.points.rawValue,
                  maxPoints: scored.test.unobservable == nil ? 1 : 0.5, evidence: scored.evidence, hint: scored.hint)
              })
          })
      },
      unreadable: report.unreadable.map { Unreadable(path: $0.path, reason: $0.reason) })
  }

  static func render(_ report: ScoreReport) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(document(report))) + [10]
  }
}

/// `mlgit score --format html`: one self-contained page (inline CSS, no script, no
/// external asset): a card per model with its score and weakest section, then the tests.
enum ScoreHTML {
  static func render(_ report: ScoreReport) -> String {
    let escape = AuditHTML.escape
    var out = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>mlgit score: \(escape(AuditHTML.repositoryName(report.repository)))</title>
      <style>\(AuditHTML.style)\(style)</style></head><body>
      <header><h1>ML Test Score <span class="repo">\(escape(AuditHTML.repositoryName(report.repository)))</span></h1>
      <p class="meta">\(escape(report.revision)) · <code>\(escape(String(report.commit.prefix(12))))</code> · policy \(escape(report.policySources.joined(separator: " < "))) · generated \(escape(report.generated))</p>
      <div class="cards">
      """
    for model in report.models {
      let tone = model.score >= 3 ? "ok" : model.score >= 1 ? "warn" : "bad"
      out += "<div class=\"card \(tone)\"><b>\(formatScore(model.score))</b><span>\(escape(model.model))"
      out += model.weakest.map { " · weakest: \($0.rawValue)" } ?? ""
      out += "</span></div>"
    }
    out += "</div></header>\n<main>\n"
    if report.models.isEmpty { out += "<p>No model spec at this revision.</p>\n" }
    for model in report.models {
      out += "<section><h2>\(escape(model.model)) <span class=\"version\">\(escape(model.version ?? "")) · \(escape(model.specPath)) · score \(formatScore(model.score))</span></h2>\n"
      out += "<p class=\"meta\">" + model.sections.map { section in
        let weakest = section.section == model.weakest
        return "<span class=\"\(weakest ? "weakest" : "")\">\(escape(section.section.title)) <b>\(formatScore(section.score))</b></span>"
      }.joined(separator: " · ") + "</p>\n"
      for section in model.sections {
        out += "<h3>\(escape(section.section.title)): \(formatScore(section.score)) of 7</h3>\n<table class=\"timeline\"><tr><th>points</th><th>test</th><th>evidence</th><th>to raise it</th></tr>\n"
        for scored in section.tests {
          let tone = scored.points == .full ? "ok" : scored.points == .half ? "warn" : "bad"
          out += "<tr><td><span class=\"badge \(tone)\">\(formatScore(scored.points.rawValue))</span></td>"
          out += "<td><code>\(escape(scored.test.id))</code> \(escape(scored.test.title))</td><td>"
          out += scored.evidence.map { "<div>\(escape($0.text))</div>" }.joined()
          out += "</td><td>\(escape(scored.hint ?? ""))</td></tr>\n"
        }
        out += "</table>\n"
      }
      out += "</section>\n"
    }
    out += """
      </main>
      <footer>mlgit score · schema \(ScoreJSON.schema) · 1 point: a rule enforces the test at error on every protected branch, \
      or mlgit always does · 0.5: evidence that nothing enforces · the score is the lowest section's sum (Breck et al., 2017)</footer>
      </body></html>

      """
    return out
  }

  static let style = "h3{font-size:15px;margin:16px 0 4px}.weakest{color:var(--bad)}"
}
