import MLPolicy

/// `mlgit score --format html`: one self-contained page (inline CSS, no script, no
/// external asset): a card per model with its score and weakest section, then the tests.
public enum ScoreHTML {
  public static func render(_ report: ScoreReport) -> String {
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
