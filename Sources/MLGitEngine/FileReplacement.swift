import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replaces a file all at once: the new bytes go to a temporary file in the same folder,
/// are flushed to disk (fsync), and only then renamed over the target. A full disk, a
/// read-only folder or a kill leaves either the old file or the new one, never a
/// truncated one, and the temporary file is removed on every failure. A file whose loss
/// costs nothing (a cache that checks itself) may skip the flushes: `durable: false`.
public enum FileReplacement {
  /// The mode a file written by a plain `open` would get: the old file's, else 0666 less the umask.
  public static func newFileMode(replacing path: String) -> mode_t {
    if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? UInt {
      return mode_t(truncatingIfNeeded: mode)
    }
    return newFileMode()
  }

  /// The mode a new file written by a plain `open` gets: 0666 less the umask.
  public static func newFileMode() -> mode_t {
    let mask = umask(0)
    umask(mask)
    return 0o666 & ~mask
  }

  public static func write(_ data: Data, to path: String, mode: mode_t = 0o644, durable: Bool = true) throws {
    var isDirectory: Bool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
      throw CommandFailure.usage(
        "mlgit: cannot write \(path): it is a folder; move it away, then run the command again")
    }
    let folder = PathText.parent(path)
    let name = PathText.lastComponent(path)
    let temporary = PathText.join(folder.isEmpty ? "." : folder, ".\(name).mlgit-tmp-\(getpid())")
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else {
      throw CommandFailure.system("mlgit: cannot write \(path): \(String(cString: strerror(errno)))")
    }
    var failure: String?
    data.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let written = systemWrite(fd, base + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = String(cString: strerror(errno))
          return
        }
        offset += written
      }
    }
    if failure == nil, durable, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    // open() applies the umask; hooks need their mode exactly.
    if failure == nil, fchmod(fd, mode) != 0 { failure = String(cString: strerror(errno)) }
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporary)
      throw CommandFailure.system("mlgit: cannot write \(path): \(failure); nothing was changed")
    }
    // The rename is durable once the folder's entry is on disk.
    guard durable else { return }
    let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
    if folderFD >= 0 {
      fsync(folderFD)
      close(folderFD)
    }
  }
}
