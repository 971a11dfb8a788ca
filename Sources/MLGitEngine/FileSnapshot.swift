import FoundationEssentials
import Glibc
import MLSpec

/// A file as it is at one moment: its identity (device, inode), size, modification and
/// change times to the nanosecond, and its content's sha256. Two snapshots differ when
/// the file was replaced, rewritten or changed in between, even within one second (file
/// times only move by the kernel's clock tick; the hash covers a rewrite within one tick).
struct FileSnapshot: Equatable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  var modified: timespec
  var changed: timespec
  /// nil when the file is not a regular file or cannot be read.
  var sha256: String?

  /// The file at `path` (links followed), or nil when there is none.
  static func take(_ path: String) -> FileSnapshot? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    var snapshot = FileSnapshot(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: info.st_mtim, changed: info.st_ctim, sha256: nil)
    if case .file(let handle, _) = WorkTreeFiles.openRegular(path) {
      snapshot.sha256 = try? SHA256Digest.hex(ofDescriptor: handle.fileDescriptor)
    }
    return snapshot
  }

  static func == (a: FileSnapshot, b: FileSnapshot) -> Bool {
    a.device == b.device && a.inode == b.inode && a.size == b.size && a.sha256 == b.sha256
      && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
      && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
  }
}
