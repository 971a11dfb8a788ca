import ArgumentParser
import Foundation
import GitKit
import MLGitErrors
import MLGitReport
import MLPolicy
import MLSpec

/// What `mlgit run` and `mlgit run record` both take. ArgumentParser parses a parent
/// command's options before its subcommand's, wherever they stand on the line, and hands
/// an option group the parent decoded to a subcommand that declares the same group: so
/// `run` declares these once and `run record` reads the same values.
struct RunInputs: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "A metrics file the run wrote (JSON or YAML, nested names flattened to dotted ones; repeatable; default: the spec's validation.metrics_files, else dvc.yaml's metrics).",
      valueName: "file"), completion: .file(extensions: ["json", "yaml", "yml"]))
  var metrics: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The model's spec (default: the only spec in the repository, at the commit the run is recorded on).",
      valueName: "file"), completion: .file(extensions: ["yaml", "yml", "json"]))
  var spec: String?
}

/// `mlgit run [--metrics FILE] [--spec FILE] -- CMD…`: run a training command and record it
/// on HEAD in `refs/notes/mlgit/runs`; `mlgit run record` records a run made elsewhere.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a training command and record the run on HEAD, or (run record) record a run made elsewhere.",
    usage: """
      mlgit run [--metrics <file> ...] [--spec <file>] -- <command> ...
      mlgit run record [--metrics <file> ...] [--params <file>] [--commit <rev>] [--spec <file>] [--command <text>] [--exit <status>]
      """,
    discussion: """
      The command's output streams through and mlgit exits with its status. The record holds the \
      spec's hyperparameters, the metrics the command wrote (--metrics), the sha256 of the spec's \
      data files, and whether the working tree was dirty. With rule runs/clean-tree at error, \
      mlgit refuses to run in a dirty working tree.
      """,
    subcommands: [RunRecordCommand.self])

  @OptionGroup var inputs: RunInputs

  @Argument(
    parsing: .postTerminator,
    help: ArgumentHelp("The training command and its arguments, after --.", valueName: "command"))
  var command: [String] = []

  func run() throws {
    guard !command.isEmpty else {
      throw CommandFailure.usage(
        "mlgit: give the training command after --, e.g. `mlgit run --metrics metrics.json -- python train.py`")
    }
    let workspace = try Workspace.open()
    let repo = workspace.repository
    guard let root = repo.workingDirectory else { throw CommandFailure.usage("mlgit: run needs a working tree") }
    guard let head = try repo.headCommit() else {
      throw CommandFailure.usage("mlgit: run records on HEAD, and this repository has no commit yet")
    }
    let policy = try workspace.policy(before: head)
    let model = try RunSpec.find(inputs.spec, policy: policy, repository: repo, source: .workingTree(root))

    let dirty = try RunSpec.isDirty(root)
    if dirty {
      switch policy.severity(of: "runs/clean-tree") {
      case .error:
        printError("mlgit: the working tree has uncommitted changes; commit or stash them first [runs/clean-tree]")
        throw ExitCode(ExitStatus.findings.rawValue)
      case .warning, .note:
        printError(
          "mlgit: warning: the run is made from a dirty working tree and is recorded as dirty [runs/clean-tree]")
      case .off: break
      }
    }
    // The data files are hashed and, with data/schema on, checked against their schemas in the
    // same pass; at error the training does not start (nothing is recorded).
    let schemaSeverity =
      PolicyContext(policy: policy, stage: .commit, branch: repo.headBranch()).applies(DataSchemaRule.description.id)
      ? policy.severity(of: DataSchemaRule.description.id) : .off
    let (data, schemaFindings) =
      try model?.hashData(
        try WorkTreeFiles(root: root, gitDirectory: repo.gitDirectory),
        schemaSeverity: schemaSeverity) ?? ([:], [])
    if !schemaFindings.isEmpty {
      let reporter = FindingReporter(
        format: .text, colour: ColourChoice.terminalWantsColour(fd: STDERR_FILENO),
        toolVersion: MLGit.version)
      StandardError.write(
        reporter.render(schemaFindings, checked: "data checked against \(model?.path ?? "the spec")'s schema"))
      if schemaSeverity == .error {
        printError("mlgit: the data breaks its schema: training not started, nothing recorded [data/schema]")
        throw ExitCode(ExitStatus.findings.rawValue)
      }
    }
    let metricsFiles = try RunMetricsFiles.resolve(
      flags: inputs.metrics, spec: model, root: root, gitDirectory: repo.gitDirectory)
    // What the metrics files were before the run: one left by an earlier step, even a moment
    // before, is not this run's.
    let metricsBefore = metricsFiles.files.map { FileSnapshot.take($0.absolute) }

    let started = Date()
    let outcome = try TrainingProcess.run(command, in: FileManager.default.currentDirectoryPath)
    let status = outcome.status
    let finished = Date()
    let interrupted = outcome.interruption.map(TrainingProcess.name(ofSignal:))

    let values = try metricsFiles.readAfterRun(before: metricsBefore, status: status, interrupted: interrupted)
    let record = RunRecord(
      id: RunRecord.newID(now: started), commit: head.hex, model: model?.name ?? "",
      started: UTCTimestamp.string(started), finished: UTCTimestamp.string(finished),
      user: RunSpec.user(repo), host: ProcessInfo.processInfo.hostName,
      command: TrainingProcess.display(command), exit: Int(status), params: model?.params ?? .object([:]),
      metrics: values, data: data, dirty: dirty, interrupted: interrupted, resources: outcome.resources,
      version: model?.version)
    try RunLedger(repository: repo).record(record, on: head)
    printError(
      "mlgit: recorded run \(record.id)\(record.model.isEmpty ? "" : " of \(record.model)") on \(head.short) (\(interrupted.map { "interrupted by \($0), " } ?? "")exit \(status)\(dirty ? ", dirty" : "")): \(outcome.resources.summary)"
    )
    // Interrupted: mlgit ends as a program killed by that signal would be seen to (128 + N).
    if let signal = outcome.interruption { throw ExitCode(128 + signal) }
    if status != 0 { throw ExitCode(status) }
  }
}

/// `mlgit run record --metrics FILE [--params FILE] [--commit REV]`: record a run made elsewhere.
struct RunRecordCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "record",
    abstract: "Record a run made elsewhere (a cluster, a notebook) on a commit.")

  @OptionGroup var inputs: RunInputs

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The hyperparameters used (JSON or YAML; default: the spec's, at the commit).", valueName: "file"),
    completion: .file(extensions: ["json", "yaml", "yml"]))
  var params: String?

  @Option(name: .long, help: ArgumentHelp("The commit the run trained from.", valueName: "rev"))
  var commit: String = "HEAD"

  @Option(name: .long, help: ArgumentHelp("The command that ran, for the record.", valueName: "text"))
  var command: String = ""

  @Option(name: .long, help: ArgumentHelp("The run's exit status.", valueName: "status"))
  var exit: Int = 0

  func run() throws {
    if let terminator = CommandLine.arguments.dropFirst().firstIndex(of: "--"),
      terminator + 1 < CommandLine.arguments.count
    {
      // ArgumentParser hands what follows `--` to `run`'s command argument, which `run record`
      // never reads: refused here, not dropped. None of record's options takes `--` as a value.
      let given = TerminalText.escape(CommandLine.arguments[(terminator + 1)...].joined(separator: " "))
      throw CommandFailure.usage(
        "mlgit: run record records a run made elsewhere and runs nothing, so it does not take a command after --, got '\(given)'\n"
          + "  hint: to run it and record the run: mlgit run [--metrics FILE] -- \(given); to name the command a recorded run ran: mlgit run record --command '\(given)' …"
      )
    }
    let workspace = try Workspace.open()
    let repo = workspace.repository
    let target: OID
    do {
      target = try repo.resolveCommit(commit)
    } catch let error as GitError {
      throw CommandFailure.usage("mlgit: \(error.message)")
    }
    let policy = try workspace.policy(before: target)
    let model = try RunSpec.find(inputs.spec, policy: policy, repository: repo, source: .commit(target))
    let metricsFiles = try RunMetricsFiles.resolve(
      flags: inputs.metrics, spec: model, root: repo.workingDirectory, gitDirectory: repo.gitDirectory)
    guard !metricsFiles.files.isEmpty else {
      throw CommandFailure.usage(
        "mlgit: give the run's metrics with --metrics FILE (the spec names no validation.metrics_files and there is no dvc.yaml with metrics)"
      )
    }
    let values = try metricsFiles.readAll()
    var paramsValue = model?.params ?? .object([:])
    if let params {
      do {
        paramsValue = JSONValue(try Document.parse(try RunSpec.read(params)))
      } catch let error as DocumentError {
        throw CommandFailure.usage("\(params):\(error.location.line):\(error.location.column): error: \(error.message)")
      }
    }
    let now = Date()
    let record = RunRecord(
      id: RunRecord.newID(now: now), commit: target.hex, model: model?.name ?? "",
      started: UTCTimestamp.string(now), finished: UTCTimestamp.string(now), user: RunSpec.user(repo),
      host: ProcessInfo.processInfo.hostName, command: command, exit: exit, params: paramsValue, metrics: values,
      version: model?.version)
    try RunLedger(repository: repo).record(record, on: target)
    print(
      TerminalText.escape(
        "mlgit: recorded run \(record.id)\(record.model.isEmpty ? "" : " of \(record.model)") on \(target.short)"))
  }
}

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
  static func find(_ path: String?, policy: EffectivePolicy, repository: Repository, source: Source) throws -> RunSpec?
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
          digest = try SHA256Digest.hex(of: handle) { validator?.feed($0) }
        } catch {
          throw CommandFailure.system("\(at) \(reference.path) cannot be read: \(error.localizedDescription)")
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
