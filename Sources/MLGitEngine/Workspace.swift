import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The repository a command works on, opened the way git's own commands see it.
public struct Workspace {
  public let repository: Repository
  let environment: [String: String]

  /// Opens the repository around the current directory (honouring GIT_DIR, GIT_WORK_TREE).
  public static func open(environment: [String: String] = Workspace.processEnvironment()) throws -> Workspace {
    do {
      return Workspace(repository: try Repository.fromEnvironment(environment: environment), environment: environment)
    } catch let error as GitError where error.isNotFound {
      if let gitDir = environment["GIT_DIR"], !gitDir.isEmpty {
        throw CommandFailure.usage("mlgit: not a git repository: GIT_DIR=\(gitDir)")
      }
      throw CommandFailure.usage(
        "mlgit: not a git repository (or any parent folder): \(FileManager.default.currentDirectoryPath)")
    } catch let error as GitError {
      throw CommandFailure.system("mlgit: \(error.message)")
    }
  }

  /// The process's environment, as `ProcessInfo.processInfo.environment` gives it (the
  /// first `=` ends a name, the last of a name wins, an entry that is not UTF-8 is left
  /// out), read from `environ` directly: ProcessInfo's costs about a tenth of a pre-commit
  /// hook with nothing staged.
  @usableFromInline static func processEnvironment() -> [String: String] {
    #if os(Linux)
      // Sized first: growing the dictionary a dozen times cost a quarter of a million
      // instructions.
      var count = 0
      while environ[count] != nil { count += 1 }
      var result: [String: String] = [:]
      result.reserveCapacity(count)
      var entry = environ
      while let pointer = entry.pointee {
        if let text = String(validatingCString: pointer), let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
          result[String(text[..<equals])] = String(text[text.utf8.index(after: equals)...])
        }
        entry += 1
      }
      return result
    #else
      return ProcessInfo.processInfo.environment
    #endif
  }

  /// The policy in force before a change: `.mlgit/config.yml` read from `commit`'s
  /// tree (nil: no commit yet, so the built-in `default` pack). A config there that
  /// cannot be loaded throws `BrokenPolicy`: the committed version, named with its
  /// commit (`HEAD:.mlgit/config.yml:3:1`) and the commit that broke it, since the work
  /// tree's copy may already look right.
  func policy(before commit: OID?) throws -> EffectivePolicy {
    guard let commit else { return try EffectivePolicy.builtIn() }
    let tree = try repository.treeOf(commit: commit)
    let configPath = ".mlgit/config.yml"
    do {
      guard let entry = try repository.policyEntry(at: configPath, inTree: tree, reportedAs: configPath) else {
        return try EffectivePolicy.builtIn()
      }
      let data: Data
      do {
        data = try repository.blob(entry.id, limit: Document.sizeLimit)
      } catch let error as BlobTooLarge {
        throw PolicyLoadError(path: configPath, error: DocumentError(error.description))
      }
      return try EffectivePolicy.load(config: data, path: configPath, files: repository.policyFiles(in: tree))
    } catch let error as PolicyLoadError where error.path == configPath {
      let holder = commit == (try? repository.headCommit()) ?? nil ? "HEAD" : commit.short
      throw PolicyRepair.broken(error, in: commit, holder: holder, repository: repository)
    }
  }

  /// The branch history checks judge commits as going to: `--branch` when given
  /// (`main` or `refs/heads/main`), else the first of HEAD's `protected_branches`,
  /// which is what a pull request is checked for. This decides which branch-scoped
  /// rules run, so it never guesses: a HEAD or a config that cannot be read is an error
  /// that says to pass `--branch`. With no protected branch at all there is no target
  /// (nil), and branch-scoped rules run only with `--branch`.
  public func targetBranch(_ given: String?) throws -> String? {
    if let given, !given.isEmpty { return given.hasPrefix("refs/") ? given : "refs/heads/\(given)" }
    let policy: EffectivePolicy
    do {
      policy = try self.policy(before: try repository.headCommit())
    } catch let error as BrokenPolicy {
      throw CommandFailure.usage(
        """
        \(error)
        mlgit: cannot tell which branch the commits go to (the first of protected_branches in HEAD's policy)
          hint: repair the config, or name the branch: --branch main
        """)
    } catch let error as GitError {
      throw CommandFailure.system(
        "mlgit: cannot read HEAD's policy to tell which branch the commits go to: \(error.message)\n"
          + "  hint: name the branch: --branch main")
    }
    return policy.protectedBranches.first.map { "refs/heads/\($0)" }
  }

  /// The path of the index git hands a hook (`GIT_INDEX_FILE`), else the repository's own.
  var indexPath: String {
    if let path = environment["GIT_INDEX_FILE"], !path.isEmpty {
      return absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
    }
    // Joined as text: a URL's path costs more than the rest of a hook with nothing staged.
    let gitDirectory = repository.gitDirectory
    return gitDirectory.hasSuffix("/") ? gitDirectory + "index" : gitDirectory + "/index"
  }
}
