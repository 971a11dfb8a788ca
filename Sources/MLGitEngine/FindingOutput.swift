import FoundationEssentials
import GitKit
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Options shared by commands that print findings.
public struct FindingOutput {
  var format: OutputFormat
  var colour: ColourChoice = .auto
  public init(format: OutputFormat, colour: ColourChoice = .auto) {
    self.format = format
    self.colour = colour
  }

  /// Prints the findings and returns the exit status they call for.
  public func report(_ findings: [Finding], checked: String, toStandardError: Bool = false) -> ExitStatus {
    let fd = toStandardError ? STDERR_FILENO : STDOUT_FILENO
    let reporter = FindingReporter(
      format: format, colour: format == .text && colour.wanted(fd: fd), toolVersion: MLGitVersion.current)
    let text = reporter.render(findings, checked: checked)
    if toStandardError {
      StandardError.write(text)
    } else {
      print(text, terminator: "")
    }
    return exitStatus(for: findings)
  }
}
