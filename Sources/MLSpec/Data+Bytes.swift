#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Data {
  /// Whether `needle` occurs in the data: a plain byte search. `Data.range(of:)` goes through
  /// Foundation's NSData search, which costs about 65,000 instructions a call on a spec and
  /// a runtime conformance lookup on its first, where the hook asks it of every spec. The
  /// standard library's generic `firstRange(of:)` (what RunLedger uses on byte arrays) is
  /// slower still on `Data`: 1.7 million more instructions in the 1,000-file hook.
  package func containsBytes(_ needle: String) -> Bool {
    let pattern = Array(needle.utf8)
    guard let first = pattern.first else { return true }
    guard count >= pattern.count else { return false }
    return withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
      // memchr finds each candidate first byte (glibc's is vectorised); the rest is
      // compared in place. A byte at a time, this was about ten instructions a byte.
      guard let start = buffer.baseAddress else { return false }
      let end = start + (buffer.count - pattern.count + 1)
      var cursor = start
      while cursor < end, let found = memchr(cursor, Int32(first), end - cursor) {
        if pattern.withUnsafeBytes({ memcmp(found, $0.baseAddress!, $0.count) == 0 }) { return true }
        cursor = UnsafeRawPointer(found) + 1
      }
      return false
    }
  }
}
