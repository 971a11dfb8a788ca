import Foundation
import GitKit
import MLSpec

/// One hyperparameter approval as the audit reads it from `refs/notes/mlgit/reviews`
/// (`mlgit.review/1`, one canonical JSON object a line, on the approved spec's blob).
///
/// Read tolerantly: a line of another schema, or one that is not JSON, is skipped;
/// missing fields are empty. Whether a signature is valid is decided by the review
/// verifier, not here: the audit reports `signed` and leaves validity unverified.
struct AuditApproval: Equatable {
  var reviewer: String
  var at: String
  var path: String
  /// The approved spec blob (40 hex): the object the note is attached to.
  var blob: String
  /// sha256 of the approved hyperparameters, as recorded.
  var hyperparameters: String
  var decision: String
  var signed: Bool

  static let schema = "mlgit.review/1"
  private static let keys: Set<String> = ["schema", "path", "blob", "hyperparameters", "reviewer", "at", "decision", "signature"]

  /// Reads one ledger line; nil for lines that are not review records.
  static func parse(_ line: String, on object: OID) -> AuditApproval? {
    guard let fields = try? JSONValue.parseFields(line, keys: keys), fields["schema"]?.stringValue == schema else { return nil }
    func text(_ key: String) -> String { fields[key]?.stringValue ?? "" }
    var signed = false
    switch fields["signature"] {
    case .string(let signature)?: signed = !signature.isEmpty
    case .object(let signature)?: signed = !signature.isEmpty
    default: break
    }
    let blob = text("blob").isEmpty ? object.hex : text("blob")
    return AuditApproval(reviewer: text("reviewer"), at: text("at"), path: text("path"), blob: blob,
      hyperparameters: text("hyperparameters"), decision: text("decision").isEmpty ? "approve" : text("decision"),
      signed: signed)
  }

  /// Every approval in the repository by the blob it approves, read in one pass over the
  /// notes tree. A record whose `blob` field names another object than the one its note
  /// is on does not approve either and is skipped: the binding is the point of the record.
  static func loadAll(_ repository: Repository) throws -> [String: [AuditApproval]] {
    var byBlob: [String: [AuditApproval]] = [:]
    let ledger = NotesLedger(repository: repository, ref: NotesLedger.reviewsRef)
    for (object, lines) in try ledger.allLines() {
      for line in lines {
        guard let approval = parse(line, on: object), approval.blob == object.hex else { continue }
        byBlob[object.hex, default: []].append(approval)
      }
    }
    for key in byBlob.keys { byBlob[key]?.sort { ($0.at, $0.reviewer) < ($1.at, $1.reviewer) } }
    return byBlob
  }
}
