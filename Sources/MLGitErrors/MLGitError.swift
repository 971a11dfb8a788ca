#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error that can end an mlgit command: what is printed on standard error and the exit
/// status PRODUCT.md gives it. Every error type mlgit defines conforms, in the module that
/// defines it; an error that does not (one from Foundation or the system) ends mlgit with
/// `.system`. A `LocalizedError` too, so `localizedDescription` and `"\(error)"` read as
/// the message wherever an error is quoted inside another (never Foundation's "The
/// operation could not be completed").
public protocol MLGitError: LocalizedError, CustomStringConvertible {
  /// The exit status of a command this error ends.
  var exitStatus: ExitStatus { get }
  /// The text printed on standard error when this error ends a command (without the
  /// final newline). By default, `description`.
  var report: String { get }
}

extension MLGitError {
  public var report: String { description }
  public var errorDescription: String? { description }
}
