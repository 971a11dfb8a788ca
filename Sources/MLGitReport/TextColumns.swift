import MLGitErrors

/// Columns of text padded and trimmed as Foundation's `padding(toLength:withPad:startingAt:)`
/// and a `\s+$` regular expression did for the listings' tables, without Foundation: a
/// cell's length is counted in UTF-16 units (a cell longer than its width is cut there),
/// and the trailing space trimmed is ICU's `\s` (tab, line feed, form feed, carriage
/// return and the separators, Unicode categories Z*).
public enum TextColumns {
  /// `cell` filled with spaces, or cut, to `width` UTF-16 units.
  public static func pad(_ cell: String, to width: Int) -> String {
    let length = cell.utf16.count
    if length < width { return cell + String(repeating: " ", count: width - length) }
    if length == width { return cell }
    return String(decoding: Array(cell.utf16.prefix(width)), as: UTF16.self)
  }

  /// `line` without its trailing white space.
  public static func trimmingTrailingSpace(_ line: String) -> String {
    let scalars = line.unicodeScalars
    guard let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
    var kept = String.UnicodeScalarView()
    kept.append(contentsOf: scalars[...last])
    return String(kept)
  }

  static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A, 0x0C, 0x0D: return true
    default:
      switch scalar.properties.generalCategory {
      case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
      default: return false
      }
    }
  }

  /// Rows as lines, each column padded to its widest cell (counted in characters) and
  /// two spaces between columns; the last column is padded too unless `padLast` is false.
  /// `trimming` takes each line's trailing space off.
  static func render(_ rows: [[String]], padLast: Bool = true, trimming: Bool = false) -> String {
    var widths: [Int] = []
    for row in rows {
      for (i, cell) in row.enumerated() {
        if i < widths.count { widths[i] = max(widths[i], cell.count) } else { widths.append(cell.count) }
      }
    }
    var out = ""
    for row in rows {
      let line = row.enumerated().map { i, cell in
        !padLast && i == row.count - 1 ? cell : pad(cell, to: widths[i])
      }.joined(separator: "  ")
      out += (trimming ? trimmingTrailingSpace(line) : line) + "\n"
    }
    return out
  }
}
