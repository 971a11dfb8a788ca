#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
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
      let bytes = buffer.bindMemory(to: UInt8.self)
      var index = 0
      let last = bytes.count - pattern.count
      while index <= last {
        if bytes[index] == first {
          var matched = 1
          while matched < pattern.count, bytes[index + matched] == pattern[matched] { matched += 1 }
          if matched == pattern.count { return true }
        }
        index += 1
      }
      return false
    }
  }
}
