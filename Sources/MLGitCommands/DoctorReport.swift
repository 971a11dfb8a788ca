import Foundation
import MLGitEngine
import MLGitReport

/// What `mlgit doctor` finds, said as it goes (text) or gathered into the `mlgit.doctor/1`
/// document (`--format json`; docs/hooks.md lists its fields).
final class DoctorReport {
  struct Document: Encodable {
    var schema = "mlgit.doctor/1"
    var version = MLGit.version
    var executable = ""
    var libgit2 = ""
    var repository = ""
    var bare = false
    /// Each hook mlgit installs (client: pre-commit, pre-push; bare: pre-receive), whether
    /// mlgit's check runs from it, and the steps followed to find out (as the text shows them).
    var hooks: [Hook] = []
    /// What to fix, one sentence each with the command that fixes it; empty when all is well.
    var problems: [String] = []
    /// The text report's lines, as `mlgit doctor` prints them.
    var report: [String] = []
  }

  struct Hook: Encodable {
    var name: String
    var runs: Bool
    var steps: [String]
  }

  let format: ListingFormat
  let style: TextStyle
  var document = Document()

  init(format: ListingFormat, style: TextStyle) {
    self.format = format
    self.style = style
  }

  /// A line of the report: printed at once as text, so what was found before a failure shows.
  func say(_ line: String) {
    if format == .text {
      print(line)
    } else {
      document.report.append(line)
    }
  }
}
