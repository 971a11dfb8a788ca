import MLGitErrors

/// An error that ends the command with a message and a specific exit status, for what a
/// command finds wrong itself (no other error type says it).
struct CommandFailure: MLGitError {
  var status: ExitStatus
  var message: String
  var description: String { message }
  var exitStatus: ExitStatus { status }

  static func usage(_ message: String) -> CommandFailure { CommandFailure(status: .usage, message: message) }
  static func system(_ message: String) -> CommandFailure { CommandFailure(status: .system, message: message) }
}
