/// Text from specs, commits and notes made safe to put in an HTML page.
///
/// Anyone who can commit or push notes chooses these strings. Markup characters become
/// entities, so no text can open an element or leave an attribute. Bidi embeddings,
/// overrides and isolates (U+202A-U+202E, U+2066-U+2069) are shown as `\u{202E}`, as
/// `TerminalText` shows them: a browser obeys them, and one in a commit summary or a
/// hyperparameter key would show the cells after it in another order than they have
/// (a row of the audit could read as approved when it is not).
public enum HTMLText {
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}":
        out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
