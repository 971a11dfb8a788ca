import ArgumentParser
import MLGitEngine
import MLGitErrors
import MLGitReport

/// `mlgit doctor`: what is installed where, and whether it works.
struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Report what mlgit installed where, the libgit2 version and the policy in force.",
    discussion: "Exit status 1 when something needs fixing.")

  @Option(name: .long, help: "Output format: text or json.")
  var format: ListingFormat = .text

  @OptionGroup var colour: ColourOption

  func run() throws {
    let report = DoctorReport(style: format == .text ? colour.style() : TextStyle(enabled: false))
    // Text is printed line by line, so what was found before a failure shows.
    let diagnosis = try DoctorChecks().run { line in
      if format == .text { report.write(line) }
    }
    if format == .json {
      try ListingJSON.write(diagnosis)
    } else {
      report.writeSummary(diagnosis)
    }
    if !diagnosis.problems.isEmpty { throw ExitCode(ExitStatus.findings.rawValue) }
  }
}
