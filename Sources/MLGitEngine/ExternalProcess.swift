import FoundationEssentials
import GitKit
import MLPolicy
import Synchronization

/// Runs a program other than git, capturing its output.
enum ExternalProcess {
  typealias Output = GitCommandLine.Output

  static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> Output {
    do {
      return try GitCommandLine.runProgram(executable, arguments, input: input)
    } catch let error as GitError {
      throw CommandFailure.system("mlgit: \(error.message)")
    }
  }
}
