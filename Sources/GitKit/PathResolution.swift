import CLibGit2
import MLGitErrors
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// What one side of a change (a commit's tree, or the index) holds at a path.
public enum PathItem: Equatable, Sendable {
  /// A regular file (or a symlink: `entry.isSymlink`; its blob holds the link's target).
  case entry(TreeEntry)
  /// A folder: a tree, or (in an index) the parent of staged entries.
  case folder
  case missing
}

/// Looks paths up in one snapshot of a repository: a tree or an index.
public protocol PathLookup {
  var repository: Repository { get }
  /// What `path` names, where every folder above it is a real folder (not a symlink).
  func item(at path: String) throws -> PathItem
}

/// Paths in a commit's tree (nil: the empty tree).
public struct TreeLookup: PathLookup {
  public let repository: Repository
  public let tree: OID?

  public init(repository: Repository, tree: OID?) {
    self.repository = repository
    self.tree = tree
  }

  public func item(at path: String) throws -> PathItem {
    guard let tree else { return .missing }
    guard let entry = try repository.entry(at: path, inTree: tree) else { return .missing }
    return entry.mode & 0o170000 == 0o040000 ? .folder : .entry(entry)
  }
}

/// Paths in an index file (a hook's `GIT_INDEX_FILE`), read with `IndexFile` one path at a
/// time (a handful of scans of the mapped file, never the whole index in Swift), or, for
/// formats it does not read, with `git ls-files`. Answers are remembered.
public final class IndexLookup: PathLookup {
  public let repository: Repository
  let indexPath: String
  /// Set when `IndexFile` cannot read the index: git lists the entries instead.
  let git: GitCommandLine?
  private var known: [String: PathItem] = [:]

  public init(repository: Repository, indexPath: String, git: GitCommandLine? = nil) {
    self.repository = repository
    self.indexPath = indexPath
    self.git = git
  }

  public func item(at path: String) throws -> PathItem {
    if let answer = known[path] { return answer }
    let entries = try entries(at: path)
    let answer: PathItem
    if let exact = entries[path] {
      answer = .entry(exact)
    } else {
      answer = entries.keys.contains { $0.hasPrefix(path + "/") } ? .folder : .missing
    }
    known[path] = answer
    return answer
  }

  /// The staged entries at `path` or under it as a folder.
  private func entries(at path: String) throws -> [String: TreeEntry] {
    guard let git else { return try IndexFile(path: indexPath, prefixes: [path]).entries }
    let output = try git.checked(
      ["ls-files", "--stage", "-z", "--", path],
      environment: ["GIT_INDEX_FILE": indexPath, "GIT_DIR": repository.gitDirectory, "GIT_LITERAL_PATHSPECS": "1"])
    var found: [String: TreeEntry] = [:]
    // `<mode> <id> <stage>\t<path>` records, NUL-terminated.
    for record in output.stdout.split(separator: 0) {
      guard let tab = record.firstIndex(of: UInt8(ascii: "\t")) else { continue }
      let fields = String(decoding: record[record.startIndex..<tab], as: UTF8.self).split(separator: " ")
      let name = String(decoding: record[(tab + 1)...], as: UTF8.self)
      guard fields.count == 3, fields[2] == "0", let mode = UInt32(fields[0], radix: 8),
        let id = OID(hex: String(fields[1]))
      else { continue }
      found[name] = TreeEntry(path: name, id: id, mode: mode)
    }
    return found
  }
}

/// A path resolved to a regular file, following symlinks inside the snapshot.
public struct ResolvedFile: Equatable, Sendable {
  /// The file the content comes from.
  public var path: String
  public var entry: TreeEntry
  /// The symlinks followed on the way, in order (the asked path first when it is one).
  public var links: [TreeEntry]
}

/// Why a path does not resolve to a regular file inside the snapshot.
public struct UnresolvablePath: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Reason: Equatable, Sendable {
    case missing(String)
    case folder(String)
    case submodule(String)
    /// A path component is a file, not a folder.
    case notAFolder(String)
    /// A link's target is absolute, or climbs above the repository's root.
    case outside(link: String, target: String)
    case tooManyLinks(Int)
    /// A link's target is empty, too long, or holds a NUL byte.
    case badTarget(link: String)
  }

  public var path: String
  public var reason: Reason
  /// The symlinks followed before giving up.
  public var links: [String]

  /// `symlink 'models/credit.yaml' points to '/etc/passwd', outside the repository`, etc.
  public var description: String {
    var subject = "'\(path)'"
    var followed = links
    if followed.first == path {
      subject = "symlink '\(path)'"
      followed.removeFirst()
    }
    if case .tooManyLinks = reason { followed = [] }  // a loop would list one link many times
    if !followed.isEmpty { subject += " (through \(followed.map { "'\($0)'" }.joined(separator: ", ")))" }
    switch reason {
    case .missing(let place): return "\(subject) leads to '\(place)', which does not exist here"
    case .folder(let place): return "\(subject) leads to the folder '\(place)', not a file"
    case .submodule(let place): return "\(subject) leads to the submodule '\(place)', not a file"
    case .notAFolder(let place): return "\(subject) goes through '\(place)', which is a file, not a folder"
    case .outside(let link, let target):
      let via = link == path ? "" : ": the symlink '\(link)'"
      return "\(subject)\(via) points to '\(target)', outside the repository"
    case .tooManyLinks(let limit): return "\(subject) follows more than \(limit) symlinks (a loop?)"
    case .badTarget(let link): return "\(subject): the symlink '\(link)' has no usable target"
    }
  }
}

/// Follows symlinks inside one snapshot of a repository, as a program reading the checked-out
/// file would, but never out of the repository: an absolute target or one that climbs above
/// the root is refused, and so is a chain longer than `maxLinks`.
public enum PathResolver {
  /// Links followed before giving up (Linux allows 40; a chain longer than this in a
  /// repository is a loop or an attack).
  public static let maxLinks = 8
  /// The longest link target read (PATH_MAX).
  static let maxTarget = 4096

  public static func resolve(_ path: String, in lookup: some PathLookup, maxLinks: Int = maxLinks) throws
    -> Result<ResolvedFile, UnresolvablePath>
  {
    // The common case: a regular file whose folders are real folders.
    if case .entry(let entry) = try lookup.item(at: path), entry.isBlob {
      return .success(ResolvedFile(path: path, entry: entry, links: []))
    }
    var pending = components(path)
    var resolved: [String] = []
    var links: [TreeEntry] = []
    var lastLink: (path: String, target: String)?
    func fail(_ reason: UnresolvablePath.Reason) -> Result<ResolvedFile, UnresolvablePath> {
      .failure(UnresolvablePath(path: path, reason: reason, links: links.map(\.path)))
    }
    while !pending.isEmpty {
      let name = pending.removeFirst()
      if name == "." { continue }
      if name == ".." {
        // `..` is taken after the links before it are followed, as the kernel does.
        guard resolved.popLast() != nil else {
          return fail(.outside(link: lastLink?.path ?? path, target: lastLink?.target ?? path))
        }
        continue
      }
      let current = (resolved + [name]).joinedText(separator: "/")
      switch try lookup.item(at: current) {
      case .missing:
        return fail(.missing(current))
      case .folder:
        if pending.isEmpty { return fail(.folder(current)) }
        resolved.append(name)
      case .entry(let entry) where entry.isSymlink:
        links.append(entry)
        if links.count > maxLinks { return fail(.tooManyLinks(maxLinks)) }
        guard let text = try linkTarget(entry, lookup.repository) else { return fail(.badTarget(link: current)) }
        if text.hasPrefix("/") { return fail(.outside(link: current, target: text)) }
        // A relative target is read from the link's folder, which `resolved` holds.
        lastLink = (current, text)
        pending = components(text) + pending
      case .entry(let entry) where entry.isSubmodule:
        return fail(.submodule(current))
      case .entry(let entry):
        if !pending.isEmpty { return fail(.notAFolder(current)) }
        return .success(ResolvedFile(path: current, entry: entry, links: links))
      }
    }
    return fail(.folder(resolved.isEmpty ? "." : resolved.joined(separator: "/")))
  }

  static func components(_ path: String) -> [String] {
    path.split(byte: UInt8(ascii: "/")).map(String.init)
  }

  /// A symlink's target text, or nil when it is empty, too long or holds a NUL byte.
  static func linkTarget(_ entry: TreeEntry, _ repository: Repository) throws -> String? {
    let data: Data
    do {
      data = try repository.blob(entry.id, limit: maxTarget)
    } catch is BlobTooLarge {
      return nil
    }
    guard !data.isEmpty, !data.contains(0) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
