import MLGitErrors
import MLPolicy

/// The exit status findings call for: 1 when any is an error.
func exitStatus(for findings: [Finding]) -> ExitStatus {
  findings.contains { $0.severity == .error } ? .findings : .ok
}
