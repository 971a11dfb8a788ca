import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// The metrics files DVC's `dvc.yaml` files declare: each file's top-level `metrics:` list
/// and each stage's `metrics:` outputs (`- path` or `- path: {cache: false}`), relative to
/// the file's folder or to the stage's `wdir` (itself relative to that folder), as DVC reads
/// a `dvc.yaml` in any folder of the project.
enum DVCMetrics {
  /// The `dvc.yaml` files to read: the work tree's root one (tracked or not), then each one
  /// in a sub-folder that git tracks (in the index), by path. The index, not a walk of the
  /// work tree: pipelines are committed files, and a work tree with data folders can hold
  /// hundreds of thousands of files that a walk would visit on every run.
  static func files(in tree: WorkTreeFiles, gitDirectory: String) throws -> [String] {
    var found = ["dvc.yaml"]
    let index = gitDirectory + "/index"
    guard FileManager.default.fileExists(atPath: index) else { return found }
    var tracked: [String]
    do {
      tracked = Array(try IndexFile(path: index, prefixes: [""]).entries.keys)
    } catch is IndexUnreadable {
      // An index format the fast reader declines (split, sparse): git lists the files.
      let listed = try GitCommandLine(directory: tree.root).checked(
        ["ls-files", "-z", "--", ":(glob)**/dvc.yaml"], environment: ["GIT_DIR": gitDirectory])
      tracked = listed.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
    found += tracked.filter { $0.hasSuffix("/dvc.yaml") }.sorted()
    return found
  }

  static func paths(_ tree: WorkTreeFiles, files: [String]) throws -> [String] {
    var paths: [String] = []
    for file in files {
      let data: Data
      switch tree.open(file) {
      case .missing: continue
      case .refused(let reason): throw CommandFailure.usage("mlgit: \(file) \(reason)")
      case .file(let handle, _): data = try WorkTreeFiles.read(handle, limit: Document.sizeLimit)
      }
      let folder = file.split(separator: "/").dropLast().joined(separator: "/")
      for path in try declared(in: data, file: file) {
        let joined = normalized(folder.isEmpty ? path : folder + "/" + path)
        if !paths.contains(joined) { paths.append(joined) }
      }
    }
    return paths
  }

  /// The paths one `dvc.yaml` names, relative to its folder; errors name `file` and the line.
  static func declared(in data: Data, file: String) throws -> [String] {
    let root: Node
    do {
      root = try Document.parse(data)
    } catch let error as DocumentError {
      throw CommandFailure.usage("\(file):\(error.location.line):\(error.location.column): error: \(error.message)")
    }
    var paths: [String] = []
    func add(_ node: Node, under folder: String) throws {
      guard let items = node.items else {
        throw CommandFailure.usage(
          "\(file):\(node.location.line):\(node.location.column): error: 'metrics' must be a list of paths, found \(node.typeDescription)"
        )
      }
      for item in items {
        // `- path` or `- path: {cache: false}` (one key: the path).
        guard let path = item.string ?? (item.pairs?.count == 1 ? item.pairs?.first?.key.scalarText : nil),
          !path.isEmpty
        else {
          throw CommandFailure.usage(
            "\(file):\(item.location.line):\(item.location.column): error: a metrics entry must be a path or {path: {…}}, found \(item.typeDescription)"
          )
        }
        if path.contains("${") {
          printError(
            "mlgit: note: \(file):\(item.location.line): metrics path \(path) is templated; mlgit does not expand DVC templates and skips it"
          )
          continue
        }
        let joined = folder.isEmpty || folder == "." ? path : folder + "/" + path
        if !paths.contains(joined) { paths.append(joined) }
      }
    }
    if let metrics = root["metrics"], !metrics.isNull { try add(metrics, under: "") }
    for (_, stage) in root["stages"]?.pairs ?? [] {
      guard let metrics = stage["metrics"], !metrics.isNull else { continue }
      try add(metrics, under: stage["wdir"]?.string ?? "")
    }
    return paths
  }

  /// `a/./b/../c` as `a/c`, so a path named from a sub-folder (`../reports/x.json`) is shown
  /// and compared as from the root. A `..` above the root stays, and the work tree check
  /// refuses the file.
  static func normalized(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..":
        if let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
      default: parts.append(part)
      }
    }
    return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
  }
}
