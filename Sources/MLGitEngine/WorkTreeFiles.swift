import FoundationEssentials
import Glibc
import MLSpec

/// The files `mlgit run` and `mlgit reproduce` read from a work tree: the spec, its
/// parameters file and its data files. Their paths come from committed content, which
/// any committer chooses, so only regular files that resolve (links followed) to a place
/// inside the work tree and outside its `.git` are read. Anything else is refused with a
/// reason: a link to a secret elsewhere would be copied into a run record that
/// `mlgit sync` pushes, and a FIFO or a device would block the read for ever.
struct WorkTreeFiles {
  /// The work tree as given, ending in "/".
  let root: String
  /// `root` with every link resolved, ending in "/".
  private let resolvedRoot: String
  /// The git folders (resolved, ending in "/") whose content is never read as a tree file.
  private let gitFolders: [String]

  /// `root`: the work tree; `gitDirectory`: the repository's git folder (for a linked
  /// worktree, its own folder under the main one's `.git/worktrees`).
  init(root: String, gitDirectory: String? = nil) throws {
    self.root = root.hasSuffix("/") ? root : root + "/"
    guard let resolved = WorkTreeFiles.resolve(self.root) else {
      throw CommandFailure.system("mlgit: cannot resolve the work tree \(root): \(String(cString: strerror(errno)))")
    }
    resolvedRoot = resolved.hasSuffix("/") ? resolved : resolved + "/"
    var folders = [resolvedRoot + ".git/"]
    if let gitDirectory, let git = WorkTreeFiles.resolve(gitDirectory) {
      folders.append(git.hasSuffix("/") ? git : git + "/")
    }
    gitFolders = folders
  }

  /// What opening a path gave.
  enum Opened {
    /// A regular file, open for reading (the handle closes the descriptor).
    case file(OpenFile, size: Int)
    /// Nothing at the path.
    case missing
    /// Something that is not read, and why ("resolves to /x, outside the work tree").
    case refused(String)
  }

  /// Opens `path` (relative to the work tree, or absolute) when it resolves to a regular
  /// file inside the work tree.
  func open(_ path: String) -> Opened {
    // A path that leaves the tree by its own text is refused before the file system is
    // asked anything (whether a file exists elsewhere is not for a spec to learn).
    if path.hasPrefix("/") {
      guard path.hasPrefix(root) || path.hasPrefix(resolvedRoot) else {
        return .refused("is outside the work tree \(root.dropLast())")
      }
    } else {
      var depth = 0
      for part in path.split(separator: "/") where part != "." {
        depth += part == ".." ? -1 : 1
        if depth < 0 { return .refused("is outside the work tree \(root.dropLast())") }
      }
    }
    let joined = path.hasPrefix("/") ? path : root + path
    guard let resolved = WorkTreeFiles.resolve(joined) else {
      let reason = errno
      if let target = WorkTreeFiles.linkTarget(joined) {
        return .refused("is a symbolic link to '\(target)', which does not exist")
      }
      return reason == ENOENT || reason == ENOTDIR
        ? .missing : .refused("cannot be read: \(String(cString: strerror(reason)))")
    }
    guard resolved.hasPrefix(resolvedRoot) else {
      return .refused("resolves to \(resolved), outside the work tree \(resolvedRoot.dropLast())")
    }
    if gitFolders.contains(where: { (resolved + "/").hasPrefix($0) }) {
      return .refused("resolves to \(resolved), inside the repository's git folder")
    }
    return WorkTreeFiles.openRegular(resolved)
  }

  /// Opens `path` (absolute) when it is a regular file, wherever it is: for files named on
  /// the command line (`--metrics`, `--params`), which the user chose. Never blocks: a
  /// FIFO is opened without waiting for a writer, then refused. With `followingLinks`
  /// false, a link at `path` itself is refused, not followed (a file mlgit keeps, where a
  /// planted link must not be read).
  static func openRegular(_ path: String, followingLinks: Bool = true) -> Opened {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW)
    let descriptor = Glibc.open(path, flags)
    guard descriptor >= 0 else {
      let reason = errno
      if reason == ELOOP && !followingLinks { return .refused("is a symbolic link") }
      return reason == ENOENT || reason == ENOTDIR
        ? .missing : .refused("cannot be read: \(String(cString: strerror(reason)))")
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let reason = errno
      close(descriptor)
      return .refused("cannot be read: \(String(cString: strerror(reason)))")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      close(descriptor)
      return .refused("is \(kind(info.st_mode)), not a regular file")
    }
    return .file(OpenFile(fileDescriptor: descriptor), size: Int(info.st_size))
  }

  /// Reads at most `limit` + 1 bytes, so a reader with a size limit sees that it is over.
  static func read(_ handle: OpenFile, limit: Int) throws -> Data {
    do {
      return try handle.read(upToCount: limit + 1)
    } catch {
      throw CommandFailure.system("mlgit: cannot read: \(error)")
    }
  }

  /// "a FIFO", "a folder", … for a file type from `stat`.
  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a folder"
    case S_IFIFO: return "a FIFO"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
  }

  /// `absolute` relative to the work tree `root`, comparing resolved folders (the file
  /// itself is not resolved: a link keeps its own name); nil when it is outside.
  static func relative(_ absolute: String, toRoot root: String) -> String? {
    let url = URL(fileURLWithPath: absolute)
    let given = root.hasSuffix("/") ? root : root + "/"
    guard let folder = resolve(url.deletingLastPathComponent().path), let top = resolve(root) else {
      // No such folder: the path as written decides (reading it then finds nothing).
      let path = url.standardizedFileURL.path
      return path.hasPrefix(given) ? String(path.dropFirst(given.count)) : nil
    }
    let file = folder.hasSuffix("/") ? folder + url.lastPathComponent : folder + "/" + url.lastPathComponent
    let prefix = top.hasSuffix("/") ? top : top + "/"
    guard file.hasPrefix(prefix) else { return nil }
    return String(file.dropFirst(prefix.count))
  }

  /// The path with every link and `.`/`..` resolved; nil (errno set) when it cannot be.
  private static func resolve(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The target of `path` when it is a symbolic link.
  private static func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, Int(PATH_MAX))
    guard count >= 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
