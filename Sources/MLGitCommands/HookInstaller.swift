import Foundation
import GitKit

/// Writes and removes mlgit's hook scripts in the folder git really runs hooks from,
/// chaining (and later restoring, byte for byte) any hook already there.
struct HookInstaller {
  let hooksDirectory: String
  let executable: String
  let fileManager = FileManager.default

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
    return template.replacingOccurrences(of: "@HOOK@", with: hook)
      .replacingOccurrences(of: "@MLGIT@", with: executable.replacingOccurrences(of: "'", with: "'\\''"))
  }

  func path(_ hook: String) -> String { (hooksDirectory as NSString).appendingPathComponent(hook) }

  /// True when the file at `path` is a hook mlgit wrote.
  static func isMLGitHook(atPath path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let head = String(decoding: handle.readData(ofLength: 512), as: UTF8.self)
    return head.contains("hook, written by `mlgit install`")
  }

  func install(_ hook: String, force: Bool) throws -> Outcome {
    try fileManager.createDirectory(atPath: hooksDirectory, withIntermediateDirectories: true)
    let target = path(hook)
    let chained = target + HookInstaller.chainSuffix
    let wanted = script(for: hook)
    var outcome = Outcome.written
    if let attributes = try? fileManager.attributesOfItem(atPath: target) {
      if HookInstaller.isMLGitHook(atPath: target) {
        let current = (try? String(contentsOfFile: target, encoding: .utf8)) ?? ""
        let executableBit = ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o100 != 0
        if current == wanted && executableBit && !force { return .upToDate }
        outcome = .repaired
      } else {
        if fileManager.fileExists(atPath: chained) {
          throw CommandFailure.usage("""
            mlgit: \(target) is not mlgit's, and \(chained) already holds a chained hook.
            Move one of them away (keep what you need), then run `mlgit install` again.
            """)
        }
        // A rename keeps the old hook's bytes and mode for `mlgit uninstall`.
        try fileManager.moveItem(atPath: target, toPath: chained)
        outcome = .chained
      }
    } else if (try? fileManager.destinationOfSymbolicLink(atPath: target)) != nil {
      // A dangling symlink: chain it as it is.
      try fileManager.moveItem(atPath: target, toPath: chained)
      outcome = .chained
    }
    let temporary = target + ".mlgit-tmp"
    try Data(wanted.utf8).write(to: URL(fileURLWithPath: temporary))
    try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary)
    if fileManager.fileExists(atPath: target) { try fileManager.removeItem(atPath: target) }
    try fileManager.moveItem(atPath: temporary, toPath: target)
    return outcome
  }

  /// Removes mlgit's hook and puts back the chained one. Returns what it did, or nil.
  func uninstall(_ hook: String) throws -> String? {
    let target = path(hook)
    let chained = target + HookInstaller.chainSuffix
    let ours = HookInstaller.isMLGitHook(atPath: target)
    let hasChained = fileManager.fileExists(atPath: chained) || (try? fileManager.destinationOfSymbolicLink(atPath: chained)) != nil
    if ours { try fileManager.removeItem(atPath: target) }
    if hasChained {
      if fileManager.fileExists(atPath: target) {
        return "left \(chained) in place: \(target) is not mlgit's; merge them by hand"
      }
      try fileManager.moveItem(atPath: chained, toPath: target)
      return "removed mlgit's \(hook) hook and restored the one that was there before"
    }
    return ours ? "removed mlgit's \(hook) hook" : nil
  }

  /// The absolute path of the running mlgit binary.
  static func currentExecutable() -> String {
    if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
    let arg0 = CommandLine.arguments.first ?? "mlgit"
    return URL(fileURLWithPath: arg0).standardizedFileURL.resolvingSymlinksInPath().path
  }
}
