#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// `--color auto|always|never`: an explicit choice beats NO_COLOR and TERM=dumb.
public enum ColourChoice: String, CaseIterable, Sendable {
  case auto, always, never

  /// Whether text written to `fd` is coloured.
  public func wanted(fd: Int32) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto: return ColourChoice.terminalWantsColour(fd: fd)
    }
  }

  /// `auto`: colour only on a terminal, never with NO_COLOR or TERM=dumb.
  public static func terminalWantsColour(fd: Int32) -> Bool {
    let env = ProcessInfo.processInfo.environment
    // no-color.org: NO_COLOR set to a non-empty value turns colour off.
    if let noColor = env["NO_COLOR"], !noColor.isEmpty { return false }
    if env["TERM"] == "dumb" { return false }
    return isatty(fd) == 1
  }
}
