import CMLGitSupport
import FoundationEssentials
import MLGitErrors
import MLPolicy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one writer of mlgit's standard output, used by every command (through `print`
/// below and `write(bytes:)`). A write that fails ends mlgit at once, as git does:
/// - the reader went away (`mlgit audit | head -1`: EPIPE): quietly, with the status a
///   process killed by SIGPIPE has (141), so a pipeline under `set -o pipefail` sees
///   what it sees for `git log | head -1`;
/// - anything else (a full disk, a closed or unwritable descriptor): a message on
///   standard error and status 3, never a success whose output was lost.
public enum StandardOutput {
  /// Set by `prepareDescriptors` when mlgit started with descriptor 1 closed.
  /// nonisolated(unsafe): written once, on the main thread, before any other thread starts.
  nonisolated(unsafe) private static var closedAtStart = false

  /// Fills closed descriptors 0-2 with /dev/null, as git does, so that no file mlgit
  /// opens (a lock file, a report) becomes its standard output by accident. A closed
  /// standard output is still reported at the first write.
  public static func prepareDescriptors() {
    for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
      let null = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
      if null >= 0, null != fd {
        dup2(null, fd)
        close(null)
      }
      if fd == STDOUT_FILENO { closedAtStart = true }
    }
  }

  static func write(_ text: String) {
    var text = text
    text.withUTF8 { write(buffer: UnsafeRawBufferPointer($0)) }
  }

  public static func write(bytes: [UInt8]) {
    bytes.withUnsafeBytes { write(buffer: $0) }
  }

  /// Writes bytes as they are (a document written in blocks, say).
  public static func write(buffer: UnsafeRawBufferPointer) {
    if closedAtStart { fail(EBADF) }
    guard buffer.count > 0, let base = buffer.baseAddress else { return }
    if fwrite(base, 1, buffer.count, stream) < buffer.count { fail(errno) }
  }

  /// Flushes what is buffered; called before every exit.
  public static func flush() {
    if fflush(stream) != 0 || ferror(stream) != 0 { fail(errno) }
  }

  /// The C library's standard output stream, which mlgit's output is buffered in.
  public static var stream: UnsafeMutablePointer<FILE> { mlgit_standard_output() }

  private static func fail(_ code: Int32) -> Never {
    if code == EPIPE {
      // Nothing to say to a reader that has gone; end as the signal would have.
      signal(SIGPIPE, SIG_DFL)
      raise(SIGPIPE)
      _exit(141)
    }
    let reason = code == EBADF ? "standard output is closed" : String(cString: strerror(code))
    StandardError.write("mlgit: cannot write to standard output: \(reason)\n")
    _exit(ExitStatus.system.rawValue)
  }
}

/// Standard error: where a failure is reported, so a failure to write there has nowhere
/// to go and is ignored (the exit status still says what happened).
public enum StandardError {
  public static func write(_ text: String) {
    var text = text
    text.withUTF8 { buffer in
      var offset = 0
      while offset < buffer.count, let base = buffer.baseAddress {
        let written = systemWrite(STDERR_FILENO, base + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
      }
    }
  }
}

/// Writes a line to standard error.
public func printError(_ text: String) {
  StandardError.write(TerminalText.escape(text, keepingNewlines: true) + "\n")
}

/// `print` for every command of this module: the same text as the standard library's,
/// through `StandardOutput`, so that no command can ignore a failed write.
public func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
  StandardOutput.write(items.map { "\($0)" }.joined(separator: separator) + terminator)
}
