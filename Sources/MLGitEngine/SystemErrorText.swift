import Foundation
import MLGitErrors

/// Readable text for an error mlgit did not make itself (Foundation's, the system's):
/// the file and the operating system's reason, never Foundation's
/// `Error Domain=NSCocoaErrorDomain Code=4 … UserInfo={…}`.
public enum SystemErrorText {
  /// `PATH: REASON` when the error names a file, else the reason.
  public static func describe(_ error: Error) -> String {
    if let error = error as? MLGitError { return error.description }
    let info = (error as NSError).userInfo
    let path = info[NSFilePathErrorKey] as? String ?? (info[NSURLErrorKey] as? URL)?.path
    return path.map { "\($0): \(reason(error))" } ?? reason(error)
  }

  /// The operating system's reason inside an error (`No such file or directory`), without
  /// Foundation's wrapping; else the error's own text.
  static func reason(_ error: Error) -> String {
    if let code = posixCode(error) { return String(cString: strerror(code)) }
    // Foundation keeps the system's error under NSUnderlyingErrorKey (as a Swift error,
    // not always an NSError, on Linux).
    if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? Error, let code = posixCode(underlying) {
      return String(cString: strerror(code))
    }
    if let error = error as? LocalizedError, let text = error.errorDescription { return text }
    // A Swift error's own description, else Foundation's (for an NSError, whose
    // description is its domain, code and user info).
    let text = String(describing: error)
    return text.hasPrefix("Error Domain=") ? error.localizedDescription : text
  }

  private static func posixCode(_ error: Error) -> Int32? {
    if let error = error as? POSIXError { return error.code.rawValue }
    let nsError = error as NSError
    return nsError.domain == NSPOSIXErrorDomain ? Int32(nsError.code) : nil
  }
}
