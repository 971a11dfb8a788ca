import FoundationEssentials
import MLSpec

/// One approval, as a line of a note in `refs/notes/mlgit/reviews` (PRODUCT.md):
/// `{"at":…,"blob":…,"decision":"approve","hyperparameters":…,"path":…,"reviewer":…,"schema":"mlgit.review/1","signature":…}`.
///
/// - For a spec, the note is on the spec's blob; `blob` is that blob and `hyperparameters`
///   the sha256 of the canonical JSON of the approved hyperparameters (with a `from:`
///   parameters file resolved), so a parameters-file edit is not covered by an old approval.
/// - For a file under `.mlgit/`, the note is on the file's new blob and `hyperparameters`
///   is absent: the blob id already names the exact content. A deletion is approved by a
///   record on the old blob whose `blob` is the zero id (the file's new state: none).
/// - `signature`, when present, is an armored SSH signature (`ssh-keygen -Y sign`,
///   namespace `mlgit-review`) over `payload`: the canonical record without `signature`.
public struct ReviewRecord: Sendable, Equatable {
  public static let schema = "mlgit.review/1"
  /// The `ssh-keygen -Y` namespace of review signatures.
  public static let signatureNamespace = "mlgit-review"
  /// The record `blob` of an approved deletion.
  public static let deletedBlob = String(repeating: "0", count: 40)

  public var path: String
  public var blob: String
  public var hyperparameters: String?
  public var reviewer: String
  /// When, as ISO 8601 UTC (`2026-05-01T12:00:00Z`).
  public var at: String
  public var decision: String
  /// The reviewer's comment (`-m`), when given.
  public var message: String?
  public var signature: String?
  /// Fields this version does not know, kept so that the signed payload stays exact.
  public var extra: [String: JSONValue] = [:]

  public init(
    path: String, blob: String, hyperparameters: String?, reviewer: String, at: String,
    decision: String = "approve", message: String? = nil, signature: String? = nil
  ) {
    self.path = path
    self.blob = blob
    self.hyperparameters = hyperparameters
    self.reviewer = reviewer
    self.at = at
    self.decision = decision
    self.message = message
    self.signature = signature
  }

  /// True for an approval (the only decision this version writes).
  public var isApproval: Bool { decision == "approve" }

  private func object(withSignature: Bool) -> JSONValue {
    var fields = extra
    fields["schema"] = .string(ReviewRecord.schema)
    fields["path"] = .string(path)
    fields["blob"] = .string(blob)
    if let hyperparameters { fields["hyperparameters"] = .string(hyperparameters) }
    fields["reviewer"] = .string(reviewer)
    fields["at"] = .string(at)
    fields["decision"] = .string(decision)
    if let message { fields["message"] = .string(message) }
    if withSignature, let signature { fields["signature"] = .string(signature) }
    return .object(fields)
  }

  /// What a signature covers: the canonical record without `signature`.
  public var payload: String { object(withSignature: false).canonical }

  /// The note line: the canonical record.
  public var line: String { object(withSignature: true).canonical }

  /// Reads a note line; nil for lines that are not review records (other schemas, junk).
  public static func parse(_ line: String) -> ReviewRecord? {
    guard let value = try? JSONValue.parse(line), case .object(var fields) = value,
      fields["schema"]?.stringValue == schema,
      let path = fields["path"]?.stringValue, let blob = fields["blob"]?.stringValue,
      let reviewer = fields["reviewer"]?.stringValue, let decision = fields["decision"]?.stringValue
    else { return nil }
    var record = ReviewRecord(
      path: path, blob: blob, hyperparameters: fields["hyperparameters"]?.stringValue,
      reviewer: reviewer, at: fields["at"]?.stringValue ?? "", decision: decision,
      message: fields["message"]?.stringValue, signature: fields["signature"]?.stringValue)
    for key in ["schema", "path", "blob", "hyperparameters", "reviewer", "at", "decision", "message", "signature"] {
      fields.removeValue(forKey: key)
    }
    record.extra = fields
    return record
  }
}

/// Checks review signatures (the commands layer runs `ssh-keygen -Y verify` against
/// the base commit's `.mlgit/allowed_signers`; the policy layer only asks).
public protocol ReviewSignatureVerifier: Sendable {
  /// The fingerprint (`SHA256:…`) of the key that made `record.signature`, when it is a
  /// valid signature of `record.payload` by a key that `.mlgit/allowed_signers` lists
  /// for `record.reviewer`; nil otherwise.
  func verifiedKey(_ record: ReviewRecord) -> String?
}

extension ReviewSignatureVerifier {
  /// True when the record's signature verifies (see `verifiedKey`).
  public func verifies(_ record: ReviewRecord) -> Bool { verifiedKey(record) != nil }
}

/// The approvals a check can see: review records by the object their note is on.
public struct ReviewLookup: Sendable {
  /// Records by annotated object id (hex).
  public var records: [String: [ReviewRecord]]
  /// Checks signatures when the policy requires them; nil: none can be verified.
  public var verifier: (any ReviewSignatureVerifier)?
  /// Who signed the change's commit, when the policy checks commit signatures (nil: not
  /// checked). A verified signer may not approve the change, whatever the author email says.
  public var commitSigner: CommitSigner?

  public init(records: [String: [ReviewRecord]] = [:], verifier: (any ReviewSignatureVerifier)? = nil) {
    self.records = records
    self.verifier = verifier
  }

  /// Builds the lookup from notes read in one pass (object hex -> note lines).
  public init(noteLines: [String: [String]], verifier: (any ReviewSignatureVerifier)? = nil) {
    var records: [String: [ReviewRecord]] = [:]
    for (object, lines) in noteLines {
      let parsed = lines.compactMap(ReviewRecord.parse)
      if !parsed.isEmpty { records[object] = parsed }
    }
    self.init(records: records, verifier: verifier)
  }

  /// The records in the note on an object.
  public func records(on object: String) -> [ReviewRecord] { records[object] ?? [] }
}
