import MLGitErrors

/// An error that ends the command with a message and a specific exit status, for what a
/// command finds wrong itself (no other error type says it).
public struct CommandFailure: MLGitError {
  var status: ExitStatus
  var message: String
  public var description: String { message }
  public var exitStatus: ExitStatus { status }

  init(status: ExitStatus, message: String) {
    self.status = status
    self.message = message
  }

  static func usage(_ message: String) -> CommandFailure { CommandFailure(status: .usage, message: message) }
  public static func system(_ message: String) -> CommandFailure { CommandFailure(status: .system, message: message) }
}
