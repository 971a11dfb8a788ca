import ArgumentParser
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import MLGitReport

/// The `--color` option of every command that styles its text, taken with
/// `@OptionGroup var colour: ColourOption`, so that each decides alike.
struct ColourOption: ParsableArguments {
  @Option(
    name: .customLong("color"),
    help: "Colour in text output: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always or never.")
  var choice: ColourChoice = .auto

  /// The style for text written to standard output (or `fd`).
  func style(fd: Int32 = STDOUT_FILENO) -> TextStyle { TextStyle(enabled: choice.wanted(fd: fd)) }
}
