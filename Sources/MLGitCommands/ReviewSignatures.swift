import Foundation
import GitKit
import MLPolicy

/// SSH signatures of review records, made and checked the way git's own SSH signing
/// does: `ssh-keygen -Y sign` / `-Y verify`, namespace `mlgit-review`, keys listed in
/// `.mlgit/allowed_signers` (git's allowed-signers format).
enum ReviewSignatures {
  /// The path of `.mlgit/allowed_signers` in a tree.
  static let allowedSignersPath = ".mlgit/allowed_signers"

  /// Signs `payload` with the private key at `keyPath` (or, for a public key, the
  /// matching key in ssh-agent); returns the armored signature.
  static func sign(_ payload: String, keyPath: String) throws -> String {
    let result = try ExternalProcess.run(sshKeygen, ["-Y", "sign", "-n", ReviewRecord.signatureNamespace, "-f", keyPath],
      input: Data(payload.utf8))
    let signature = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard result.status == 0, signature.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
      throw CommandFailure.system("mlgit: ssh-keygen -Y sign failed with \(keyPath): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return signature
  }

  /// `ssh-keygen` on PATH, else the usual places.
  static let sshKeygen: String = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates = path.split(separator: ":").map { "\($0)/ssh-keygen" } + ["/usr/bin/ssh-keygen", "/usr/local/bin/ssh-keygen"]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/ssh-keygen"
  }()
}

/// Checks review signatures against one `.mlgit/allowed_signers` (a base commit's).
/// Each distinct record is checked once; results are remembered.
final class SSHReviewVerifier: ReviewSignatureVerifier, @unchecked Sendable {
  private let allowedSigners: Data
  private let lock = NSLock()
  private var results: [String: Bool] = [:]
  private var folder: String?

  init(allowedSigners: Data) { self.allowedSigners = allowedSigners }

  deinit { if let folder { try? FileManager.default.removeItem(atPath: folder) } }

  func verifies(_ record: ReviewRecord) -> Bool {
    guard let signature = record.signature else { return false }
    lock.lock()
    defer { lock.unlock() }
    let key = record.line
    if let known = results[key] { return known }
    let ok = check(payload: record.payload, signature: signature, principal: record.reviewer)
    results[key] = ok
    return ok
  }

  /// `ssh-keygen -Y verify -f allowed_signers -I principal -n mlgit-review -s sig < payload`:
  /// the signature must be by a key the file lists for the principal (the reviewer's email)
  /// and valid for the namespace; a record edited after signing changes the payload.
  private func check(payload: String, signature: String, principal: String) -> Bool {
    do {
      let folder = try workFolder()
      let signaturePath = folder + "/record-\(UUID().uuidString).sig"
      try Data((signature + "\n").utf8).write(to: URL(fileURLWithPath: signaturePath))
      defer { try? FileManager.default.removeItem(atPath: signaturePath) }
      let result = try ExternalProcess.run(ReviewSignatures.sshKeygen, [
        "-Y", "verify", "-f", folder + "/allowed_signers", "-I", principal, "-n", ReviewRecord.signatureNamespace,
        "-s", signaturePath,
      ], input: Data(payload.utf8))
      return result.status == 0
    } catch {
      return false
    }
  }

  private func workFolder() throws -> String {
    if let folder { return folder }
    let made = NSTemporaryDirectory() + "mlgit-signers-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: made, withIntermediateDirectories: true)
    try allowedSigners.write(to: URL(fileURLWithPath: made + "/allowed_signers"))
    folder = made
    return made
  }
}

/// Runs a program other than git, capturing its output.
enum ExternalProcess {
  typealias Output = GitCommandLine.Output

  static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> Output {
    do {
      return try GitCommandLine.runProgram(executable, arguments, input: input)
    } catch let error as GitError {
      throw CommandFailure.system("mlgit: \(error.message)")
    }
  }
}
