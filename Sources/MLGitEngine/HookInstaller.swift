import FoundationEssentials
import MLGitErrors
import GitKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes and removes mlgit's hook scripts in the folder git really runs hooks from,
/// chaining (and later restoring, byte for byte) any hook already there.
struct HookInstaller {
  let hooksDirectory: String
  let executable: String
  let fileManager = FileManager.default
  init(hooksDirectory: String, executable: String) {
    self.hooksDirectory = hooksDirectory
    self.executable = executable
  }

  static let chainSuffix = ".mlgit-chained"
  static let clientHooks = ["pre-commit", "pre-push"]
  static let serverHooks = ["pre-receive"]
  static let allHooks = clientHooks + serverHooks

  /// What `install` did to one hook.
  enum Outcome: Equatable {
    case written, upToDate, repaired, chained
  }

  /// The script for a hook, with mlgit's absolute path (hooks run with a reduced PATH).
  func script(for hook: String) -> String {
    let template = HookScripts.files["hook"] ?? ""
    return template.replacingEvery("@HOOK@", with: hook)
      .replacingEvery("@MLGIT@", with: executable.replacingEvery("'", with: "'\\''"))
  }

  func path(_ hook: String) -> String { PathText.join(hooksDirectory, hook) }

  /// True when the file at `path` is a hook mlgit wrote.
  static func isMLGitHook(atPath path: String) -> Bool {
    var isDirectory: Bool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory,
      let handle = OpenFile(forReadingAtPath: path)
    else { return false }
    let head = String(decoding: handle.readPrefix(512), as: UTF8.self)
    return head.contains("hook, written by `mlgit install`")
  }

  /// Where mlgit's script goes for `hook`: the hook itself, or, when pre-commit's script
  /// holds it, pre-commit's legacy slot, which pre-commit runs first and keeps when it is
  /// installed again.
  func slot(for hook: String) -> String {
    let target = path(hook)
    return HookFileKind.of(target) == .preCommit ? target + ".legacy" : target
  }

  func install(_ hook: String, force: Bool) throws -> Outcome {
    try createHooksDirectory()
    let target = path(hook)
    let chained = target + HookInstaller.chainSuffix
    try refuseFolder(target)
    var outcome = Outcome.written
    if removeRedundantChain(hook) { outcome = .repaired }
    let slot = slot(for: hook)
    try refuseFolder(slot)
    let wanted = script(for: hook)
    if let attributes = try? fileManager.attributesOfItem(atPath: slot) {
      if HookInstaller.isMLGitHook(atPath: slot) {
        let current = (try? String(contentsOfFile: slot, encoding: .utf8)) ?? ""
        let executableBit = Int((attributes[.posixPermissions] as? UInt) ?? 0) & 0o100 != 0
        if current == wanted && executableBit && !force { return outcome == .repaired ? .repaired : .upToDate }
        outcome = .repaired
      } else {
        if fileManager.fileExists(atPath: chained) || isSymlink(chained) {
          throw CommandFailure.usage(
            """
            mlgit: \(slot) is not mlgit's, and \(chained) already holds a chained hook.
            Move one of them away (keep what you need), then run `mlgit install` again.
            """)
        }
        // A rename keeps the old hook's bytes and mode for `mlgit uninstall`.
        try move(slot, to: chained)
        outcome = .chained
      }
    } else if isSymlink(slot) {
      // A dangling symlink: chain it as it is.
      try move(slot, to: chained)
      outcome = .chained
    }
    do {
      try FileReplacement.write(Data(wanted.utf8), to: slot, mode: 0o755)
    } catch {
      // The hook mlgit moved aside goes back, so a failed install leaves things as they were.
      if outcome == .chained { try? move(chained, to: slot) }
      throw error
    }
    return outcome
  }

  /// A copy of a hook manager's own script kept as mlgit's chained hook while the same
  /// manager's script is back in place (pre-commit or lefthook installed again after
  /// mlgit). Running it from mlgit's hook would run the manager twice, and pre-commit
  /// refuses that; the manager regenerates its script, so the copy is dropped.
  @discardableResult
  func removeRedundantChain(_ hook: String) -> Bool {
    let chained = path(hook) + HookInstaller.chainSuffix
    let kind = HookFileKind.of(chained)
    guard [.preCommit, .lefthook, .huskyShim].contains(kind), HookFileKind.of(path(hook)) == kind else { return false }
    return (try? fileManager.removeItem(atPath: chained)) != nil
  }

  /// Removes mlgit's hook wherever a manager moved it, and puts back the chained one.
  /// Returns what it did, or nil.
  func uninstall(_ hook: String) throws -> String? {
    let target = path(hook)
    let chained = target + HookInstaller.chainSuffix
    var removedFrom: String?
    for candidate in [target, target + ".legacy", target + ".old"] where HookInstaller.isMLGitHook(atPath: candidate) {
      try remove(candidate)
      removedFrom = removedFrom ?? candidate
    }
    let hasChained = fileManager.fileExists(atPath: chained) || isSymlink(chained)
    guard hasChained else {
      return removedFrom.map { "removed mlgit's \(hook) hook (\(PathText.lastComponent($0)))" }
    }
    if removeRedundantChain(hook) {
      return "removed mlgit's \(hook) hook and its copy of \(HookFileKind.of(target).name), which is back in place"
    }
    // Back where mlgit's hook was (a manager's legacy slot runs it as before), else the hook itself.
    for destination in [removedFrom, target].compactMap({ $0 })
    where !fileManager.fileExists(atPath: destination) && !isSymlink(destination) {
      try move(chained, to: destination)
      return
        "removed mlgit's \(hook) hook and restored the one that was there before (\(PathText.lastComponent(destination)))"
    }
    return "left \(chained) in place: \(target) is not mlgit's; merge them by hand"
  }

  func createHooksDirectory() throws {
    do {
      try fileManager.createDirectory(atPath: hooksDirectory, withIntermediateDirectories: true)
    } catch {
      throw CommandFailure.system(
        "mlgit: cannot create the hooks folder \(hooksDirectory): \(HookInstaller.reason(error))")
    }
  }

  func refuseFolder(_ path: String) throws {
    var isDirectory: Bool = false
    if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
      throw CommandFailure.usage("mlgit: \(path) is a folder, not a hook; move it away, then run the command again")
    }
  }

  func isSymlink(_ path: String) -> Bool { (try? fileManager.destinationOfSymbolicLink(atPath: path)) != nil }

  func move(_ source: String, to destination: String) throws {
    guard rename(source, destination) == 0 else {
      throw CommandFailure.system(
        "mlgit: cannot rename \(source) to \(destination): \(String(cString: strerror(errno)))")
    }
  }

  func remove(_ path: String) throws { try HookInstaller.unlink(path) }

  static func unlink(_ path: String) throws {
    guard systemUnlink(path) == 0 else {
      throw CommandFailure.system("mlgit: cannot remove \(path): \(String(cString: strerror(errno)))")
    }
  }

  /// The operating system's reason inside a Foundation error, without Foundation's wrapping.
  static func reason(_ error: Error) -> String { SystemErrorText.reason(error) }

  /// The mlgit binary a hook script calls (its `MLGIT='…'` line).
  static func executable(inScript script: String) -> String? {
    guard let line = script.split(separator: "\n").first(where: { $0.hasPrefix("MLGIT='") }) else { return nil }
    return String(line.dropFirst("MLGIT='".count).dropLast()).replacingEvery("'\\''", with: "'")
  }

  /// The absolute path of the running mlgit binary.
  static func currentExecutable() -> String {
    if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
    let arg0 = CommandLine.arguments.first ?? "mlgit"
    return URL(fileURLWithPath: arg0).standardizedFileURL.resolvingSymlinksInPath().path
  }
}
