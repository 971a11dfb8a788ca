import FoundationEssentials
import MLGitErrors

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Readable text for an error mlgit did not make itself (Foundation's, the system's):
/// the file and the operating system's reason, never Foundation's
/// `Error Domain=NSCocoaErrorDomain Code=4 … UserInfo={…}`.
public enum SystemErrorText {
  /// `PATH: REASON` when the error names a file, else the reason.
  public static func describe(_ error: Error) -> String {
    if let error = error as? MLGitError { return error.description }
    let cocoa = error as? CocoaError
    let path = cocoa?.filePath ?? cocoa?.url?.path
    return path.map { "\($0): \(reason(error))" } ?? reason(error)
  }

  /// The operating system's reason inside an error (`No such file or directory`), without
  /// Foundation's wrapping; else the error's own text.
  static func reason(_ error: Error) -> String {
    if let error = error as? POSIXError { return String(cString: strerror(error.code.rawValue)) }
    // Foundation keeps the system's error as the underlying one.
    if let underlying = (error as? CocoaError)?.underlying as? POSIXError {
      return String(cString: strerror(underlying.code.rawValue))
    }
    if let error = error as? LocalizedError, let text = error.errorDescription { return text }
    return String(describing: error)
  }
}
