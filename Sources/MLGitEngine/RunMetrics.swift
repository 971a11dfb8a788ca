import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// The metrics files of a run and where their names came from: `--metrics` (any number,
/// relative to where mlgit runs), else the spec's `validation.metrics_files`, else the
/// `metrics:` entries of the work tree's `dvc.yaml` files (the root's and those git tracks in
/// sub-folders; all relative to the work tree and read only inside it).
struct RunMetricsFiles {
  struct File {
    /// As shown in messages: as given on the command line, or relative to the work tree.
    var display: String
    var absolute: String
  }

  enum Origin: Equatable {
    case flag, spec, dvc, none
  }

  var files: [File]
  var origin: Origin
  /// Files named by a spec or `dvc.yaml` are read only inside the work tree.
  var workTree: WorkTreeFiles?

  static func resolve(flags: [String], spec: RunSpec?, root: String?, gitDirectory: String) throws
    -> RunMetricsFiles
  {
    let here = FileManager.default.currentDirectoryPath
    if !flags.isEmpty {
      return RunMetricsFiles(
        files: flags.map { File(display: $0, absolute: absolutePath($0, relativeTo: here)) }, origin: .flag,
        workTree: nil)
    }
    guard let root else { return RunMetricsFiles(files: [], origin: .none, workTree: nil) }
    let tree = try WorkTreeFiles(root: root, gitDirectory: gitDirectory)
    func inTree(_ relative: String) -> File {
      File(display: relative, absolute: (root.hasSuffix("/") ? root : root + "/") + relative)
    }
    if let spec, !spec.metricsFiles.isEmpty {
      return RunMetricsFiles(files: spec.metricsFiles.map(inTree), origin: .spec, workTree: tree)
    }
    let dvc = try DVCMetrics.paths(tree, files: try DVCMetrics.files(in: tree, gitDirectory: gitDirectory))
    if !dvc.isEmpty { return RunMetricsFiles(files: dvc.map(inTree), origin: .dvc, workTree: tree) }
    return RunMetricsFiles(files: [], origin: .none, workTree: nil)
  }

  /// Where the names came from, for notes: "named by the spec".
  var originText: String {
    switch origin {
    case .flag: return "given with --metrics"
    case .spec: return "named by the spec's validation.metrics_files"
    case .dvc: return "named by dvc.yaml"
    case .none: return ""
    }
  }

  /// Reads one file: a file named on the command line wherever it is (the user chose it);
  /// one named by a committed file only inside the work tree.
  func read(_ file: File) throws -> MetricsFile.Reading {
    let data: Data
    if let workTree {
      switch workTree.open(file.display) {
      case .missing: throw CommandFailure.usage("mlgit: metrics file \(file.display) (\(originText)) does not exist")
      case .refused(let reason):
        throw CommandFailure.usage("mlgit: metrics file \(file.display) (\(originText)) \(reason)")
      case .file(let handle, _):
        data = try WorkTreeFiles.read(handle, limit: Document.sizeLimit)
        guard data.count <= Document.sizeLimit else {
          throw CommandFailure.usage(
            "mlgit: cannot read \(file.display): it is over mlgit's \(Document.sizeLimit)-byte limit")
        }
      }
    } else {
      // As given (relative to where mlgit runs), so messages name the file as the user did.
      data = try RunSpec.read(file.display)
    }
    let reading = try MetricsFile.read(data, file: file.display)
    for note in reading.skipped {
      printError(TerminalText.escape("mlgit: note: \(file.display): \(note), not a number; skipped"))
    }
    return reading
  }

  /// The metrics of a finished run: each file the run wrote (changed since `before`).
  /// A file given with --metrics that the run did not write refuses a run that exited 0;
  /// of files named by the spec or dvc.yaml, those not written are skipped with a note
  /// (`dvc repro` rewrites only the stages it reruns), unless none was written.
  func readAfterRun(before: [FileSnapshot?], status: Int32, interrupted: String?) throws -> [String: Double] {
    var readings: [(file: String, metrics: [String: Double])] = []
    var unwritten: [(file: File, why: String)] = []
    for (file, snapshot) in zip(files, before) {
      let after = FileSnapshot.take(file.absolute)
      guard let after, after != snapshot else {
        unwritten.append(
          (file, after == nil ? "does not exist" : "was not written by this run (it is as it was before the run)"))
        continue
      }
      do {
        readings.append((file.display, try read(file).metrics))
      } catch let error as RunRecordError where interrupted != nil {
        // An interrupted command may have been stopped mid-write: record the run all the same.
        printError("mlgit: warning: \(error.message); the interrupted run is recorded without its metrics")
      }
    }
    if status == 0 && interrupted == nil, let first = unwritten.first, origin == .flag || readings.isEmpty {
      throw CommandFailure.usage(
        "mlgit: metrics file \(first.file.display)\(origin == .flag ? "" : " (\(originText))") \(first.why); the command exited 0 but the run is not recorded"
      )
    }
    if !readings.isEmpty {
      for (file, why) in unwritten {
        printError("mlgit: note: metrics file \(file.display) (\(originText)) \(why); its metrics are not recorded")
      }
    }
    return try MetricsFile.merge(readings)
  }

  /// Every file read and merged (a name in two files is refused, naming both).
  func readAll() throws -> [String: Double] {
    try MetricsFile.merge(files.map { ($0.display, try read($0).metrics) })
  }
}
