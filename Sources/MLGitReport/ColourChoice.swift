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
    // The terminal first, and the two variables by `getenv`: a hook's output is rarely a
    // terminal, and `ProcessInfo.environment` copies the whole environment into a
    // dictionary (430,000 instructions of a pre-commit hook, docs/performance.md).
    guard isatty(fd) == 1 else { return false }
    // no-color.org: NO_COLOR set to a non-empty value turns colour off.
    if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
    if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
    return true
  }
}
