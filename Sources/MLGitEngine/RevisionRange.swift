/// A revision range as `check --range` and `review` take it.
public enum RevisionRange {
  /// Splits `A..B`; an empty side means HEAD, as in git.
  public static func split(_ range: String) -> (String, String)? {
    guard let dots = range.firstRange(of: ".."), !range.contains("...") else { return nil }
    let base = String(range[..<dots.lowerBound])
    let tip = String(range[dots.upperBound...])
    if base.isEmpty && tip.isEmpty { return nil }
    return (base.isEmpty ? "HEAD" : base, tip.isEmpty ? "HEAD" : tip)
  }
}
