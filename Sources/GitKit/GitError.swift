import CLibGit2
import CMLGitSupport
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error reported by libgit2 (or by GitKit itself), with the return code and message.
public struct GitError: Error, CustomStringConvertible, Sendable {
  /// The libgit2 return code (`GIT_ENOTFOUND`, `GIT_EMODIFIED`, …), or -1.
  public let code: Int32
  /// The libgit2 error class, when libgit2 set one.
  public let errorClass: Int32
  public let message: String

  public init(code: Int32 = -1, errorClass: Int32 = 0, message: String) {
    self.code = code
    self.errorClass = errorClass
    self.message = message
  }

  /// Builds an error from a libgit2 return code; `git_error_last()` may be NULL on 1.5.
  static func fromLast(_ code: Int32, _ what: String) -> GitError {
    var message = what
    var klass: Int32 = 0
    if let last = git_error_last() {
      klass = last.pointee.klass
      if let text = last.pointee.message {
        message = "\(what): \(String(cString: text))"
      }
    }
    git_error_clear()
    return GitError(code: code, errorClass: klass, message: message)
  }

  public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
  /// True when a compare-and-swap lost the race and the operation can be retried.
  public var isContention: Bool {
    code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue
  }

  public var description: String { message }
}

/// Throws a `GitError` when a libgit2 call failed.
@inline(__always)
func check(_ code: Int32, _ what: @autoclosure () -> String) throws {
  if code < 0 { throw GitError.fromLast(code, what()) }
}

/// libgit2's global state, initialised once per process.
enum LibGit2 {
  static let initialized: Bool = {
    // No network goes through libgit2, so its CA bundle load is skipped (see mlgit_support.h).
    mlgit_ca_bundle_set_enabled(0)
    git_libgit2_init()
    // libgit2 re-hashes every object it reads to check its id; git does not (only fsck
    // does), and zlib's checksum still catches corruption. History checks and ledger
    // reads read tens of thousands of objects, where the re-hash was a sixth of the work.
    _ = mlgit_disable_strict_hash_verification()
    git_error_clear()
    // git skips /etc/gitconfig under GIT_CONFIG_NOSYSTEM; libgit2 does not by itself,
    // and mlgit must read the configuration (core.hooksPath, …) as git does.
    // getenv: ProcessInfo's environment builds a dictionary of every variable for one.
    if let value = getenv("GIT_CONFIG_NOSYSTEM").map({ String(cString: $0) }),
      ["1", "true", "yes", "on"].contains(value.lowercased())
    {
      _ = mlgit_set_search_path(Int32(GIT_CONFIG_LEVEL_SYSTEM.rawValue), "")
    }
    return true
  }()

  static func ensure() { _ = initialized }

  /// The libgit2 version this binary runs against, e.g. "1.5.1".
  public static var version: String {
    var major: Int32 = 0
    var minor: Int32 = 0
    var rev: Int32 = 0
    git_libgit2_version(&major, &minor, &rev)
    return "\(major).\(minor).\(rev)"
  }
}

/// The version of libgit2 loaded at run time.
public func libgit2Version() -> String { LibGit2.version }
