import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// The server's guard on the ledgers (`refs/notes/mlgit/*`), run by `pre-receive`: a
/// ledger only grows. These are not policy rules: no `.mlgit/config.yml` can turn them
/// off (a pusher controls the config of the branch they push), and they hold whatever
/// branch is pushed. `mlgit policy explain` describes them.
///
/// - `ledger/append-only`: no deletion; the new value is a commit that descends from the
///   old one (a fast-forward: `mlgit sync` and `git notes merge` both give one); every
///   line of every note the ledger had is still in the note on the same object (in any
///   layout, flat or fanout).
/// Records are the non-empty lines of a note (of every note on one object, in tree
/// order); a finding's line is the record's number among them.
///
/// - `ledger/record-schema`: every line added to `refs/notes/mlgit/runs` is an
///   `mlgit.run/1` record or an `mlgit.reproduction/1` record on the commit it names, and
///   to `refs/notes/mlgit/reviews` an `mlgit.review/1` record.
struct LedgerGuard {
  static let appendOnly = "ledger/append-only"
  static let recordSchema = "ledger/record-schema"
  static let prefix = "refs/notes/mlgit/"

  let repository: Repository

  /// What `mlgit policy explain` prints for each check.
  static let explanations: [String: String] = [
    appendOnly: """
    ledger/append-only: a ledger (refs/notes/mlgit/*) only grows (checked by the server's pre-receive hook, always on)

    Runs and approvals are evidence: an approval that disappears turns an approved change into an
    unapproved one, a run that disappears hides what was trained. So on the server no push may delete a
    ledger, point it at anything but a notes commit, move it to a commit that does not descend from the
    one it has (a non-fast-forward), or drop a line of any note it holds. Notes may move between layouts
    (flat `<40 hex>` and fanout `ab/<38 hex>`): a record counts as kept when the note on the same object
    still has the line.

    example: refused    git push --force origin <older notes commit>:refs/notes/mlgit/reviews
    example: refused    git push origin :refs/notes/mlgit/runs
    example: refused    git push origin <blob>:refs/notes/mlgit/reviews
    example: accepted   mlgit sync (fetch, merge keeping every line of both sides, fast-forward push)
    """,
    recordSchema: """
    ledger/record-schema: a record added to a ledger is valid for it (checked by the server's pre-receive hook, always on)

    Every line added to refs/notes/mlgit/runs must read as an mlgit.run/1 record, or as an
    mlgit.reproduction/1 record (id, run, commit, reproduced, tolerance and at present) in the note of the
    commit it names; every line added to refs/notes/mlgit/reviews as an mlgit.review/1 record (schema,
    path, blob, reviewer and decision present). Lines already in the ledger are not judged again. Other refs under refs/notes/mlgit/ are
    kept append-only but their lines are not read.

    example: refused    a note line `{"schema":"mlgit.review/1","reviewer":"x"}` (no path, blob, decision)
    example: refused    a note line `approved by bob` in refs/notes/mlgit/reviews
    example: accepted   the line `mlgit review approve` writes
    """,
  ]

  /// Findings for the updates of `refs/notes/mlgit/*` among `updates` (others are not its concern).
  func check(_ updates: [RefUpdate]) throws -> [Finding] {
    var findings: [Finding] = []
    for update in updates where update.ref.hasPrefix(LedgerGuard.prefix) {
      findings += try check(update)
    }
    return findings
  }

  private func check(_ update: RefUpdate) throws -> [Finding] {
    let ref = update.ref
    if update.isDeletion {
      return [
        finding(
          LedgerGuard.appendOnly, ref, "deleting \(ref) is refused: the ledger keeps every record",
          hint: "a ledger only grows; to correct a record, append one that supersedes it")
      ]
    }
    let newType = try repository.objectKind(update.new)
    guard newType == "commit" else {
      return [
        finding(
          LedgerGuard.appendOnly, ref,
          "\(ref) must point at a notes commit; this push points it at \(newType.map { "a \($0)" } ?? "a missing object") \(update.new.short)",
          commit: update.new, hint: "push the notes commit git notes (or mlgit) wrote: git push origin \(ref)")
      ]
    }
    // A ledger broken before the hook was there (not a commit) may be repaired by any
    // valid notes commit: there is nothing readable to keep.
    var old: OID? = nil
    if !update.isCreation, try repository.objectKind(update.old) == "commit" { old = update.old }
    if let old, old != update.new, !(try repository.isDescendant(update.new, of: old)) {
      return [
        finding(
          LedgerGuard.appendOnly, ref,
          "\(ref) may only move forward: \(update.new.short) does not descend from the server's \(old.short)",
          commit: update.new, hint: "fetch the ledger, merge it keeping every record (mlgit sync) and push the result")
      ]
    }
    let ledger = NotesLedger(repository: repository, ref: ref)
    let objects = Array(try ledger.changedObjects(from: old, to: update.new)).sorted { $0.hex < $1.hex }
    if objects.isEmpty { return [] }
    let before = try old.map { try ledger.lines(for: objects, inCommit: $0) } ?? [:]
    let after = try ledger.lines(for: objects, inCommit: update.new)
    let schema = LedgerGuard.schema(of: ref)
    var findings: [Finding] = []
    for object in objects {
      let oldLines = before[object] ?? []
      let newLines = after[object] ?? []
      let kept = Set(newLines)
      for (index, line) in oldLines.enumerated() where !kept.contains(line) {
        findings.append(
          finding(
            LedgerGuard.appendOnly, ref,
            "record \(index + 1) of the note on \(object.hex) was removed (\(LedgerGuard.describe(line)))",
            line: index + 1, commit: update.new,
            hint:
              "a ledger only grows; push a notes commit that keeps every line (mlgit sync merges without losing one)"))
      }
      guard let schema else { continue }
      let known = Set(oldLines)
      for (index, line) in newLines.enumerated() where !known.contains(line) {
        if let problem = LedgerGuard.problem(with: line, schema: schema, on: object) {
          findings.append(
            finding(
              LedgerGuard.recordSchema, ref,
              "record \(index + 1) of the note on \(object.hex) is not an \(schema) record (\(problem)): \(LedgerGuard.excerpt(line))",
              line: index + 1, commit: update.new,
              hint:
                "write records with mlgit (mlgit run, mlgit run record, mlgit reproduce, mlgit review approve); one JSON object a line"
            ))
        }
      }
    }
    return findings
  }

  /// The schema of the records a ledger holds (nil: a ledger mlgit does not read).
  static func schema(of ref: String) -> String? {
    switch ref {
    case NotesLedger.runsRef: return RunRecord.schema
    case NotesLedger.reviewsRef: return ReviewRecord.schema
    default: return nil
    }
  }

  /// Why a line is not a record of `schema` (in the note on `object`), or nil when it is one.
  static func problem(with line: String, schema: String, on object: OID? = nil) -> String? {
    if schema == RunRecord.schema, ReproductionRecord.claims(line), (try? RunRecord.parse(line)) == nil {
      // The runs ledger also holds reproductions' verdicts, each on the reproduced run's commit.
      do {
        let record = try ReproductionRecord.parse(line)
        if let object, record.commit != object.hex {
          return "a reproduction of a run on \(record.commit.prefix(12)) must be in that commit's note"
        }
        return nil
      } catch {
        return excerpt("\(error)")
      }
    }
    if schema == RunRecord.schema {
      do {
        _ = try RunRecord.parse(line)
        return nil
      } catch {
        // The line itself is shown beside the reason.
        let reason = "\(error)"
        return reason.hasPrefix("not JSON") ? "not JSON" : excerpt(reason)
      }
    }
    return ReviewRecord.parse(line) == nil ? "needs schema, path, blob, reviewer and decision" : nil
  }

  /// What a removed line was, for the finding: whose approval of what, which run, else the line.
  static func describe(_ line: String) -> String {
    if let review = ReviewRecord.parse(line) {
      return excerpt("\(review.decision) by \(review.reviewer) of \(review.path) at \(review.at)")
    }
    if let run = try? RunRecord.parse(line) {
      return excerpt("run \(run.id) on \(run.commit.prefix(8)) by \(run.user)")
    }
    if ReproductionRecord.claims(line), let verdict = try? ReproductionRecord.parse(line) {
      return excerpt("reproduction \(verdict.id) of run \(verdict.run) by \(verdict.user)")
    }
    return excerpt(line)
  }

  /// A line as a finding shows it: at most 80 characters (the renderers escape control
  /// characters, `TerminalText`).
  static func excerpt(_ line: String) -> String {
    line.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(line.unicodeScalars.prefix(80))) + "…" : line
  }

  private func finding(
    _ rule: String, _ ref: String, _ message: String, line: Int = 1, commit: OID? = nil,
    hint: String
  ) -> Finding {
    Finding(
      rule: rule, severity: .error, message: message, path: ref, location: SourceLocation(line: line, column: 1),
      commit: commit?.hex, hint: hint)
  }
}
