/// Styles text with ANSI SGR sequences, or leaves it as it is: the one place that
/// writes them. Paint text after padding it to a column, so widths count what shows.
public struct TextStyle {
  public enum Style: String {
    case bold = "1"
    case error = "1;31"
    case warning = "1;33"
    case note = "1;36"
    case good = "32"
    case commit = "33"
    case faint = "2"
  }

  public var enabled: Bool

  public init(enabled: Bool) {
    self.enabled = enabled
  }

  public func paint(_ text: String, _ style: Style) -> String {
    enabled && !text.isEmpty ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }
}
