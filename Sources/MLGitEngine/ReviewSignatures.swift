import FoundationEssentials
import MLGitErrors
import GitKit
import MLPolicy
import Synchronization

/// SSH signatures of review records, made and checked the way git's own SSH signing
/// does: `ssh-keygen -Y sign` / `-Y verify`, namespace `mlgit-review`, keys listed in
/// `.mlgit/allowed_signers` (git's allowed-signers format).
enum ReviewSignatures {
  /// The path of `.mlgit/allowed_signers` in a tree.
  static let allowedSignersPath = ".mlgit/allowed_signers"

  /// Signs `payload` with the private key at `keyPath` (or, for a public key, the
  /// matching key in ssh-agent); returns the armored signature.
  static func sign(_ payload: String, keyPath: String) throws -> String {
    let result = try ExternalProcess.run(
      sshKeygen, ["-Y", "sign", "-n", ReviewRecord.signatureNamespace, "-f", keyPath],
      input: Data(payload.utf8))
    let signature = String(decoding: result.stdout, as: UTF8.self).trimmingWhitespaceAndNewlines()
    guard result.status == 0, signature.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
      throw CommandFailure.system(
        "mlgit: ssh-keygen -Y sign failed with \(keyPath): \(result.stderr.trimmingWhitespaceAndNewlines())"
      )
    }
    return signature
  }

  /// `ssh-keygen` on PATH, else the usual places.
  static let sshKeygen =
    ProgramLookup.find("ssh-keygen", after: ["/usr/bin", "/usr/local/bin"]) ?? "/usr/bin/ssh-keygen"
}
