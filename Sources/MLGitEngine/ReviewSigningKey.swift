import FoundationEssentials
import GitKit

/// The SSH key `mlgit review approve` signs with: --key, else git's `user.signingKey` (a
/// path, or `key::` and a public key for ssh-agent). ssh-keygen takes a file, so a `key::`
/// key is written to a temporary file, which `remove()` deletes once signing is done.
struct ReviewSigningKey {
  /// The file ssh-keygen signs with.
  let path: String
  /// The temporary file this key was written to, if it was.
  let temporary: String?

  static func resolve(key: String?, repository: Repository) throws -> ReviewSigningKey {
    var value = key
    if value == nil { value = try? repository.config().string("user.signingkey") }
    guard var path = value, !path.isEmpty else {
      throw CommandFailure.usage(
        """
        mlgit: signing needs an SSH key: pass --key ~/.ssh/id_ed25519, or set git config user.signingKey ~/.ssh/id_ed25519
          hint: your public key goes in .mlgit/allowed_signers as `you@example.com namespaces="mlgit-review" ssh-ed25519 AAAA…`
        """)
    }
    if path.hasPrefix("key::") {
      let file = PathText.temporaryFolder() + "mlgit-signing-key-\(UUID().uuidString.prefix(8)).pub"
      try Data((String(path.dropFirst(5)) + "\n").utf8).write(to: URL(fileURLWithPath: file))
      return ReviewSigningKey(path: file, temporary: file)
    }
    if path.hasPrefix("~/") { path = FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1)) }
    return ReviewSigningKey(path: path, temporary: nil)
  }

  /// Deletes the temporary file, if this key was written to one.
  func remove() {
    if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
  }
}
