import ArgumentParser
import Foundation

/// `--color auto|always|never`: an explicit choice beats NO_COLOR and TERM=dumb.
enum ColourChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  /// Whether text written to `fd` is coloured.
  func wanted(fd: Int32) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto: return ColourChoice.terminalWantsColour(fd: fd)
    }
  }

  /// `auto`: colour only on a terminal, never with NO_COLOR or TERM=dumb.
  static func terminalWantsColour(fd: Int32) -> Bool {
    let env = ProcessInfo.processInfo.environment
    // no-color.org: NO_COLOR set to a non-empty value turns colour off.
    if let noColor = env["NO_COLOR"], !noColor.isEmpty { return false }
    if env["TERM"] == "dumb" { return false }
    return isatty(fd) == 1
  }
}

/// The `--color` option of every command that styles its text, taken with
/// `@OptionGroup var colour: ColourOption`, so that each decides alike.
struct ColourOption: ParsableArguments {
  @Option(name: .customLong("color"), help: "Colour in text output: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always or never.")
  var choice: ColourChoice = .auto

  /// The style for text written to standard output (or `fd`).
  func style(fd: Int32 = STDOUT_FILENO) -> TextStyle { TextStyle(enabled: choice.wanted(fd: fd)) }
}

/// Styles text with ANSI SGR sequences, or leaves it as it is: the one place that
/// writes them. Paint text after padding it to a column, so widths count what shows.
struct TextStyle {
  enum Style: String {
    case bold = "1"
    case error = "1;31"
    case warning = "1;33"
    case note = "1;36"
    case good = "32"
    case commit = "33"
    case faint = "2"
  }

  var enabled: Bool

  func paint(_ text: String, _ style: Style) -> String {
    enabled && !text.isEmpty ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }
}
