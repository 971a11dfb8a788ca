import MLPolicy

/// `mlgit score --format html`: one self-contained page (inline CSS, no script, no
/// external asset): a card per model with its score and weakest section, then the tests.
public enum ScoreHTML {
  static let template = HTMLTemplate(named: "score.html")
  /// The audit's style sheet and the score page's own rules.
  static let style = AuditHTML.style + HTMLTemplate.file("score.css")

  public static func render(_ report: ScoreReport) -> String {
    let escape = HTMLText.escape
    var cards = ""
    for model in report.models {
      let tone = model.score >= 3 ? "ok" : model.score >= 1 ? "warn" : "bad"
      cards += "<div class=\"card \(tone)\"><b>\(formatScore(model.score))</b><span>\(escape(model.model))"
      cards += model.weakest.map { " · weakest: \($0.rawValue)" } ?? ""
      cards += "</span></div>"
    }
    var models = report.models.isEmpty ? "<p>No model spec at this revision.</p>\n" : ""
    for model in report.models { models += section(model) }
    return template["page"].render([
      "name": escape(AuditHTML.repositoryName(report.repository)),
      "style": style,
      "revision": escape(report.revision),
      "commit": escape(String(report.commit.prefix(12))),
      "policy": escape(report.policySources.joined(separator: " < ")),
      "generated": escape(report.generated),
      "cards": cards,
      "models": models,
      "schema": escape(ScoreJSON.schema),
    ])
  }

  static func section(_ model: ModelScore) -> String {
    let escape = HTMLText.escape
    var tables = ""
    for section in model.sections {
      var tests = ""
      for scored in section.tests {
        tests += template["test"].render([
          "tone": scored.points == .full ? "ok" : scored.points == .half ? "warn" : "bad",
          "points": formatScore(scored.points.rawValue),
          "id": escape(scored.test.id),
          "title": escape(scored.test.title),
          "evidence": scored.evidence.map { "<div>\(escape($0.text))</div>" }.joined(),
          "hint": escape(scored.hint ?? ""),
        ])
      }
      tables += template["section"].render([
        "title": escape(section.section.title), "score": formatScore(section.score), "tests": tests,
      ])
    }
    return template["model"].render([
      "name": escape(model.model),
      "version": escape(model.version ?? ""),
      "path": escape(model.specPath),
      "score": formatScore(model.score),
      "sections": model.sections.map { section in
        let weakest = section.section == model.weakest
        return
          "<span class=\"\(weakest ? "weakest" : "")\">\(escape(section.section.title)) <b>\(formatScore(section.score))</b></span>"
      }.joined(separator: " · "),
      "tables": tables,
    ])
  }
}
