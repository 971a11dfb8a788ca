import FoundationEssentials
import GitKit

/// Repository configuration mlgit sets at install and removes at uninstall: records
/// follow `commit --amend` and `rebase` (notes.rewriteRef, notes.rewriteMode), stock
/// `git notes merge` keeps every line (notes.<ref>.mergeStrategy), and `git fetch`
/// brings each remote's mlgit notes into the private namespace `mlgit sync` merges
/// from. No push refspec: one would change what a plain `git push` pushes.
///
/// Each value install adds is listed under `mlgit.installed` (`key=value`), so
/// uninstall removes exactly those and leaves the user's own settings alone.
struct RepositorySettings {
  let repository: Repository
  static let ledgerKey = "mlgit.installed"
  /// The config key that says how mlgit was installed (`hooks` or a manager's name), so
  /// every later command can tell when something took the check away.
  static let integrationKey = "mlgit.hooks"

  /// (key, value, multi-valued) pairs install wants in the repository's config.
  func wanted() throws -> [(key: String, value: String, multi: Bool)] {
    var settings: [(String, String, Bool)] = [
      ("notes.rewriteRef", "refs/notes/mlgit/*", true),
      ("notes.rewriteMode", "cat_sort_uniq", false),
      ("notes.mlgit/runs.mergeStrategy", "cat_sort_uniq", false),
      ("notes.mlgit/reviews.mergeStrategy", "cat_sort_uniq", false),
    ]
    if !repository.isBare {
      let remotes = try repository.config().remoteNames()
      for remote in remotes {
        let sync = NotesSync(repository: repository)
        settings.append(("remote.\(remote).fetch", "+\(NotesSync.notesPrefix)*:\(sync.privatePrefix(remote))*", true))
      }
    }
    return settings
  }

  func apply() throws {
    let config = try Config.file(URL(fileURLWithPath: repository.commonDirectory).appendingPathComponent("config").path)
    let merged = try repository.config()
    for (key, value, multi) in try wanted() {
      let marker = "\(key)=\(value)"
      if multi {
        if try merged.strings(key).contains(value) { continue }
        try config.add(key, value)
      } else {
        if let current = try merged.string(key) {
          if current != value {
            print("mlgit: left \(key) = \(current) as configured (mlgit would set \(value))")
          }
          continue
        }
        try config.set(key, value)
      }
      try config.add(RepositorySettings.ledgerKey, marker)
      print("mlgit: set \(key) = \(value)")
    }
  }

  /// Records how mlgit was installed (see `RepositorySettings.integrationKey`).
  func record(integration: String) throws {
    let config = try Config.file(URL(fileURLWithPath: repository.commonDirectory).appendingPathComponent("config").path)
    try config.set(RepositorySettings.integrationKey, integration)
  }

  func remove() throws {
    let config = try Config.file(URL(fileURLWithPath: repository.commonDirectory).appendingPathComponent("config").path)
    if try config.string(RepositorySettings.integrationKey) != nil {
      try config.unset(RepositorySettings.integrationKey)
    }
    for marker in try config.strings(RepositorySettings.ledgerKey) {
      guard let equals = marker.firstIndex(of: "=") else { continue }
      let key = String(marker[..<equals])
      let value = String(marker[marker.index(after: equals)...])
      if try config.strings(key).count > 1 || key.hasPrefix("remote.") || key == "notes.rewriteRef" {
        try config.remove(key, value: value)
      } else if try config.string(key) == value {
        try config.unset(key)
      }
      try config.remove(RepositorySettings.ledgerKey, value: marker)
    }
  }
}
