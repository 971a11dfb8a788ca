import FoundationEssentials
import GitKit
import MLPolicy
import Synchronization

/// Checks signatures against one `.mlgit/allowed_signers` (a base commit's): review
/// records (namespace `mlgit-review`, principal: the record's reviewer) and commits
/// (namespace `git`, as git's own SSH signing makes them). Each distinct record and
/// commit is checked once; results are remembered.
final class SSHReviewVerifier: ReviewSignatureVerifier, Sendable {
  /// The namespace git signs commits in (`git commit -S` with `gpg.format=ssh`).
  static let commitNamespace = "git"

  private let allowedSigners: Data
  /// Results by record line and signers by commit. History checks verify from two
  /// threads; the lock is held while ssh-keygen runs, so each is checked once.
  private let checked = Mutex<(results: [String: String?], commits: [String: CommitSigner])>(([:], [:]))

  init(allowedSigners: Data) { self.allowedSigners = allowedSigners }

  func verifiedKey(_ record: ReviewRecord) -> String? {
    guard let signature = record.signature else { return nil }
    return checked.withLock { checked in
      let key = record.line
      if let known = checked.results[key] { return known }
      let verified = check(
        payload: Data(record.payload.utf8), signature: signature, principal: record.reviewer,
        namespace: ReviewRecord.signatureNamespace)
      checked.results[key] = .some(verified)
      return verified
    }
  }

  /// Who signed commit `id`: `signature` is its armored SSH signature over `signedData`,
  /// checked as git checks it (`ssh-keygen -Y find-principals`, then `-Y verify -n git`
  /// for each principal found, at the commit's time so `valid-after`/`valid-before` hold).
  func commitSigner(id: String, signature: String, signedData: Data, time: Int64) -> CommitSigner {
    checked.withLock { checked in
      if let known = checked.commits[id] { return known }
      let found = findSigner(signature: signature, signedData: signedData, time: time)
      checked.commits[id] = found
      return found
    }
  }

  private func findSigner(signature: String, signedData: Data, time: Int64) -> CommitSigner {
    do {
      return try withFiles(signature: signature) { folder, signaturePath in
        let found = try ExternalProcess.run(
          ReviewSignatures.sshKeygen,
          [
            "-Y", "find-principals", "-f", folder + "/allowed_signers", "-s", signaturePath,
          ])
        let candidates =
          found.status == 0
          ? String(decoding: found.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.isEmpty
          }
          : []
        var principals: [String] = []
        var key: String?
        for principal in candidates {
          if let verified = try run(
            verify: signaturePath, in: folder, payload: signedData, principal: principal,
            namespace: SSHReviewVerifier.commitNamespace, time: time)
          {
            principals.append(principal)
            key = verified
          }
        }
        if let key { return .verified(principals: principals, key: key) }
        // Which key it was, for the message: the signature checked on its own.
        let alone = try ExternalProcess.run(
          ReviewSignatures.sshKeygen,
          [
            "-Y", "check-novalidate", "-n", SSHReviewVerifier.commitNamespace, "-s", signaturePath,
          ], input: signedData)
        guard alone.status == 0, let fingerprint = SSHReviewVerifier.fingerprint(in: alone) else {
          return .unverified(reason: "its SSH signature is not a valid signature of the commit for namespace git")
        }
        if candidates.isEmpty {
          return .unverified(reason: "signed by key \(fingerprint), which .mlgit/allowed_signers does not list")
        }
        return .unverified(
          reason: "signed by key \(fingerprint), which .mlgit/allowed_signers lists for "
            + "\(candidates.joined(separator: ", ")) but not for namespace git at the commit's time")
      }
    } catch {
      return .unverified(reason: "its signature could not be checked: \(error)")
    }
  }

  /// `ssh-keygen -Y verify -f allowed_signers -I principal -n mlgit-review -s sig < payload`:
  /// the signature must be by a key the file lists for the principal (the reviewer's email)
  /// and valid for the namespace; a record edited after signing changes the payload.
  /// Returns the key's fingerprint, or nil when it does not verify.
  private func check(payload: Data, signature: String, principal: String, namespace: String) -> String? {
    do {
      return try withFiles(signature: signature) { folder, signaturePath in
        try run(
          verify: signaturePath, in: folder, payload: payload, principal: principal, namespace: namespace, time: nil)
      }
    } catch {
      return nil
    }
  }

  private func run(
    verify signaturePath: String, in folder: String, payload: Data, principal: String, namespace: String,
    time: Int64?
  ) throws -> String? {
    var arguments = [
      "-Y", "verify", "-f", folder + "/allowed_signers", "-I", principal, "-n", namespace,
      "-s", signaturePath,
    ]
    if let time { arguments += ["-Overify-time=\(UTCTimestamp.compact(time))"] }
    let result = try ExternalProcess.run(ReviewSignatures.sshKeygen, arguments, input: payload)
    guard result.status == 0 else { return nil }
    return SSHReviewVerifier.fingerprint(in: result) ?? "unknown key"
  }

  /// The key fingerprint ssh-keygen prints: `Good "git" signature for a@b with ED25519 key SHA256:…`.
  static func fingerprint(in output: ExternalProcess.Output) -> String? {
    let text = String(decoding: output.stdout, as: UTF8.self) + "\n" + output.stderr
    guard let range = text.firstRange(of: " key ") else { return nil }
    let rest = text[range.upperBound...].prefix { !$0.isWhitespace }
    return rest.isEmpty ? nil : String(rest)
  }

  /// Runs `body` with a fresh folder holding `allowed_signers` and the signature (ssh-keygen
  /// reads both from files), removed again before returning, whatever happens: a verifier
  /// lives as long as the check that made it, often until the process exits, so nothing
  /// may wait for it to be released.
  private func withFiles<T>(signature: String, _ body: (_ folder: String, _ signaturePath: String) throws -> T) throws
    -> T
  {
    let folder = PathText.temporaryFolder() + "mlgit-signers-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try allowedSigners.write(to: URL(fileURLWithPath: folder + "/allowed_signers"))
    let signaturePath = folder + "/signature"
    try Data((signature + "\n").utf8).write(to: URL(fileURLWithPath: signaturePath))
    return try body(folder, signaturePath)
  }

}
