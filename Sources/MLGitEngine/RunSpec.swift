import FoundationEssentials
import GitKit
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

/// The model a run trains: its spec's name, hyperparameters, data files and bounds.
struct RunSpec {
  var path: String
  var name: String
  /// The spec's version, as written (nil: not a semantic version).
  var version: String?
  var params: JSONValue
  var data: [DataReference]
  var bounds: [MetricBound]
  /// `validation.metrics_files`, relative to the repository's root.
  var metricsFiles: [String] = []

  enum Source {
    case workingTree(String)
    case commit(OID)
  }

  /// The spec at `path`, or the only spec the repository has (nil: none at all).
  /// From the work tree, only regular files inside it are read (`WorkTreeFiles`); from a
  /// commit, only regular files (a symbolic link there is refused, not followed).
  static func find(_ path: String?, policy: EffectivePolicy, repository: Repository, source: Source) throws
    -> RunSpec?
  {
    var files: WorkTreeFiles?
    if case .workingTree(let root) = source {
      files = try WorkTreeFiles(root: root, gitDirectory: repository.gitDirectory)
    }
    /// The file's content, nil when there is none; `what` and `at` say where an error points.
    func read(_ relative: String, what: String, at location: String) throws -> Data? {
      switch source {
      case .workingTree:
        guard let files else { return nil }
        switch files.open(relative) {
        case .missing: return nil
        case .file(let handle, _): return try WorkTreeFiles.read(handle, limit: Document.sizeLimit)
        case .refused(let reason):
          throw CommandFailure.usage(
            "\(location)error: \(what) \(relative) \(reason)\n  hint: mlgit run reads only regular files inside the work tree (links are followed, and must stay inside it)"
          )
        }
      case .commit(let commit):
        let tree = try repository.treeOf(commit: commit)
        guard let entry = try repository.entry(at: relative, inTree: tree) else { return nil }
        if entry.isSymlink {
          throw CommandFailure.usage(
            "\(location)error: \(what) \(relative) is a symbolic link in commit \(commit.short)\n  hint: a run recorded on a commit reads only regular files from it; commit the file itself"
          )
        }
        guard entry.isBlob else { return nil }
        return try repository.blob(entry.id, limit: Document.sizeLimit)
      }
    }
    var specPath: String
    if let path {
      specPath = path
      if case .workingTree(let root) = source {
        // A path given on the command line is relative to where mlgit runs; the work tree
        // may be reached through a link, so compare the folders' resolved forms.
        let absolute = absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        guard let relative = WorkTreeFiles.relative(absolute, toRoot: root) else {
          throw CommandFailure.usage("mlgit: spec \(path) is outside the work tree \(root)")
        }
        specPath = relative
      }
    } else {
      let rev: String
      switch source {
      case .workingTree: rev = "HEAD"
      case .commit(let commit): rev = commit.hex
      }
      let listed = try GitCommandLine(directory: repository.workingDirectory ?? repository.gitDirectory)
        .checked(["ls-tree", "-r", "--name-only", "-z", rev]).stdout
        .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        .filter { policy.specGlobs.matches($0) }
      if listed.isEmpty { return nil }
      guard listed.count == 1, let only = listed.first else {
        throw CommandFailure.usage(
          "mlgit: the repository has \(listed.count) specs (\(listed.joined(separator: ", "))); name one with --spec")
      }
      specPath = only
    }
    guard let data = try read(specPath, what: "spec", at: "mlgit: ") else {
      throw CommandFailure.usage("mlgit: spec \(specPath) does not exist")
    }
    var snapshot = SpecSnapshot(path: specPath, blob: nil, data: data)
    if let error = snapshot.documentError {
      throw CommandFailure.usage("\(specPath):\(error.location.line):\(error.location.column): error: \(error.message)")
    }
    guard let spec = snapshot.spec, !spec.name.isEmpty else {
      throw CommandFailure.usage("mlgit: \(specPath) is not a valid spec (`mlgit check` says why)")
    }
    if case .file(let file, _, let location)? = spec.hyperparameters {
      let relative = ChangeReader(repository: repository, policy: policy).relative(file, to: specPath)
      snapshot.resolveHyperparameters(
        with: try read(
          relative, what: "parameters file",
          at: "\(specPath):\(location.line):\(location.column): "))
      if let problem = snapshot.hyperparametersError { throw CommandFailure.usage("mlgit: \(specPath): \(problem)") }
    }
    let reader = ChangeReader(repository: repository, policy: policy)
    return RunSpec(
      path: specPath, name: spec.name, version: spec.version?.description,
      params: snapshot.hyperparameters ?? .object([:]),
      data: spec.data, bounds: spec.metrics,
      metricsFiles: spec.metricsFiles.map { reader.relative($0.name, to: specPath) })
  }

  /// sha256 of every declared data file, checked against the declared hash; with
  /// `schemaSeverity` not off, each file with a `schema:` is checked against it in the same
  /// streamed pass (memory bounded by the chunk and the CSV reader's limits, never by the
  /// file), its violations returned as `data/schema` findings at that severity.
  /// Only regular files inside the work tree are read.
  func hashData(_ files: WorkTreeFiles, schemaSeverity: Severity = .off) throws -> (
    hashes: [String: String], findings: [Finding]
  ) {
    var hashes: [String: String] = [:]
    var findings: [Finding] = []
    for reference in data {
      let at = "\(path):\(reference.location.line):\(reference.location.column): error: data '\(reference.name)'"
      let digest: String
      var validator =
        schemaSeverity == .off
        ? nil
        : reference.schema.map {
          DataSchemaValidator(schema: $0, separator: CSVRecordReader.separator(forPath: reference.path))
        }
      switch files.open(reference.path) {
      case .missing:
        throw CommandFailure.usage("\(at) file \(reference.path) does not exist")
      case .refused(let reason):
        throw CommandFailure.usage(
          "\(at) \(reference.path) \(reason)\n  hint: mlgit run reads only regular files inside the work tree (links are followed, and must stay inside it)"
        )
      case .file(let handle, _):
        do {
          digest = try SHA256Digest.hex(ofDescriptor: handle.fileDescriptor) { validator?.feed($0) }
        } catch {
          throw CommandFailure.system("\(at) \(reference.path) cannot be read: \(SystemErrorText.reason(error))")
        }
      }
      if let declared = reference.sha256, declared != digest {
        throw CommandFailure.usage(
          "\(path):\(reference.location.line):\(reference.location.column): error: data '\(reference.name)' \(reference.path) has sha256 \(digest), but the spec declares \(declared)\n  hint: train on the declared data, or update sha256 in the spec (and get it reviewed)"
        )
      }
      hashes[reference.path] = digest
      if var validator {
        findings += DataSchemaRule.findings(
          validator.finish(complete: true), reference: reference, specPath: path,
          severity: schemaSeverity, complete: true)
      }
    }
    return (hashes, findings)
  }

  /// True when tracked files differ from HEAD (untracked files, such as outputs, do not count).
  static func isDirty(_ root: String) throws -> Bool {
    let output = try GitCommandLine(directory: root).checked([
      "status", "--porcelain", "--untracked-files=no", "--ignore-submodules=dirty",
    ])
    return !output.stdout.isEmpty
  }

  /// `Name <email>` from git's config, else the login name.
  static func user(_ repository: Repository) -> String {
    let config = try? repository.config()
    let email = (try? config?.string("user.email")) ?? nil
    let name = (try? config?.string("user.name")) ?? nil
    if let email, !email.isEmpty { return email }
    if let name, !name.isEmpty { return name }
    return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
  }

  /// A file named on the command line (relative to where mlgit runs): a regular file of
  /// at most `limit` bytes (metrics and parameters files are small).
  static func read(_ path: String, limit: Int = Document.sizeLimit) throws -> Data {
    let absolute = absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
    switch WorkTreeFiles.openRegular(absolute) {
    case .missing: throw CommandFailure.usage("mlgit: cannot read \(path): it does not exist")
    case .refused(let reason): throw CommandFailure.usage("mlgit: cannot read \(path): it \(reason)")
    case .file(let handle, _):
      let data = try WorkTreeFiles.read(handle, limit: limit)
      guard data.count <= limit else {
        throw CommandFailure.usage("mlgit: cannot read \(path): it is over mlgit's \(limit)-byte limit")
      }
      return data
    }
  }
}
