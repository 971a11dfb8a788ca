import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file descriptor open for reading, closed when the object goes: what mlgit used
/// Foundation's FileHandle for, which FoundationEssentials does not have.
final class OpenFile {
  let fileDescriptor: Int32

  /// Takes ownership of `fileDescriptor`.
  init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

  /// The file at `path`, or nil when it cannot be opened.
  convenience init?(forReadingAtPath path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    self.init(fileDescriptor: descriptor)
  }

  deinit { close(fileDescriptor) }

  /// The next `count` bytes, fewer at the end of the file.
  func read(upToCount count: Int) throws(SystemReadError) -> Data {
    try OpenFile.read(fileDescriptor, upTo: count)
  }

  /// The next bytes up to at most `count`, fewer at the end, or empty when it cannot be read.
  func readPrefix(_ count: Int) -> Data { (try? read(upToCount: count)) ?? Data() }

  /// Everything from `descriptor` to its end (standard input: what git writes to a hook).
  static func readToEnd(_ descriptor: Int32) throws(SystemReadError) -> Data {
    try read(descriptor, upTo: Int.max)
  }

  private static func read(_ descriptor: Int32, upTo count: Int) throws(SystemReadError) -> Data {
    var data = Data()
    // No larger than what is asked for: a short bounded read (a kept file of a few
    // kilobytes) would otherwise zero-fill 64 KB first.
    var chunk = [UInt8](repeating: 0, count: min(65_536, count))
    while data.count < count {
      let wanted = min(chunk.count, count - data.count)
      let got = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, wanted) }
      if got < 0 {
        if errno == EINTR { continue }
        throw SystemReadError(code: errno)
      }
      if got == 0 { break }
      chunk.withUnsafeBytes { data.append($0.bindMemory(to: UInt8.self).baseAddress!, count: got) }
    }
    return data
  }
}

/// A read that failed: the system's reason (`Is a directory`).
struct SystemReadError: Error, CustomStringConvertible {
  let code: Int32
  var description: String { String(cString: strerror(code)) }
}
