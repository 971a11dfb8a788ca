import MLGitEngine
import MLGitReport
import MLPolicy

/// `mlgit doctor`'s text: each line of the diagnosis as it is found, then "all good" or
/// what to fix. (`--format json` writes the `Diagnosis` itself.)
struct DoctorReport {
  let style: TextStyle

  func write(_ line: Diagnosis.Line) {
    print(line.text + style.paint(line.alarm, .error))
  }

  func writeSummary(_ diagnosis: Diagnosis) {
    if diagnosis.problems.isEmpty { print(style.paint("all good", .good)) }
    for problem in diagnosis.problems {
      print(style.paint("to fix:", .error) + TerminalText.escape(" \(problem)", keepingNewlines: true))
    }
  }
}
