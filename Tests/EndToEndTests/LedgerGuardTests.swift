import Foundation
import XCTest

/// The server's pre-receive hook keeps the ledgers (`refs/notes/mlgit/*`) append-only:
/// no deletion, no non-commit, no non-fast-forward, no record dropped, no invalid record.
final class LedgerGuardTests: XCTestCase {
  static let reviews = "refs/notes/mlgit/reviews"
  static let runs = "refs/notes/mlgit/runs"

  /// A bare remote with the server hook, and a clone whose main, one approval (Bob's, on
  /// a max_depth change) and one run are on the server. Returns the approved spec blob.
  func makeRemote() -> (remote: TempRepository, clone: TempRepository, approvedBlob: String) {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    XCTAssertEqual(clone.mlgit("install").status, 0)
    clone.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    let change = clone.commitFile(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.5.0",
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"), "deeper trees")
    let approve = clone.mlgit(["review", "approve", change], environment: ["GIT_COMMITTER_EMAIL": "bob@example.com"])
    XCTAssertEqual(approve.status, 0, approve.output)
    clone.write("m.json", #"{"auc": 0.8}"#)
    XCTAssertEqual(clone.mlgit("run", "record", "--metrics", "m.json", "--command", "train").status, 0)
    let notes = clone.git("push", "origin", LedgerGuardTests.reviews, LedgerGuardTests.runs)
    XCTAssertEqual(notes.status, 0, notes.output)
    let push = clone.git("push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
    let blob = clone.revParse("HEAD:models/credit.yaml") ?? ""
    return (remote, clone, blob)
  }

  func assertRefused(_ push: CommandResult, _ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(push.status, 0, push.output, file: file, line: line)
    for text in texts + ["pre-receive hook declined"] {
      XCTAssertTrue(push.stderr.contains(text), "missing \(text) in\n\(push.stderr)", file: file, line: line)
    }
  }

  func short(_ id: String?) -> String { String((id ?? "").prefix(8)) }

  // MARK: Attacks

  func testDeletingALedgerIsRefused() {
    let (remote, clone, _) = makeRemote()
    let before = remote.revParse(LedgerGuardTests.reviews)
    for ref in [LedgerGuardTests.reviews, LedgerGuardTests.runs] {
      let delete = clone.git("push", "origin", ":\(ref)")
      assertRefused(
        delete,
        [
          "remote: \(ref):1:1: error: deleting \(ref) is refused: the ledger keeps every record [ledger/append-only]",
          "mlgit: the ledgers (refs/notes/mlgit/*) only grow",
        ])
    }
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), before)
    XCTAssertNotNil(remote.revParse(LedgerGuardTests.runs))
  }

  func testPointingALedgerAtABlobIsRefusedAndLaterPushesStillWork() {
    let (remote, clone, _) = makeRemote()
    let before = remote.revParse(LedgerGuardTests.reviews)
    let blob = clone.git(["hash-object", "-w", "--stdin"], input: "not a ledger\n").stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let push = clone.git("push", "--force", "origin", "\(blob):\(LedgerGuardTests.reviews)")
    assertRefused(
      push,
      [
        "remote: \(short(blob)): \(LedgerGuardTests.reviews):1:1: error: \(LedgerGuardTests.reviews) must point at a notes commit; "
          + "this push points it at a blob \(short(blob)) [ledger/append-only]"
      ])
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), before)
    // The approvals still count on the server: an approved change goes through.
    let next = clone.commitFile("notes.txt", "more\n", "docs")
    let spec = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertEqual(spec.status, 0, spec.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), next)
  }

  func testRewindingALedgerIsRefused() {
    let (remote, clone, _) = makeRemote()
    let before = remote.revParse(LedgerGuardTests.reviews)
    // A notes commit of its own, not descending from the server's.
    let emptyTree = clone.git(["hash-object", "-t", "tree", "-w", "--stdin"], input: "").stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let fresh = clone.git("commit-tree", emptyTree, "-m", "Notes added by 'git notes add'").stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let push = clone.git("push", "--force", "origin", "\(fresh):\(LedgerGuardTests.reviews)")
    assertRefused(
      push,
      [
        "remote: \(short(fresh)): \(LedgerGuardTests.reviews):1:1: error: \(LedgerGuardTests.reviews) may only move forward: "
          + "\(short(fresh)) does not descend from the server's \(short(before)) [ledger/append-only]"
      ])
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), before)
  }

  func testAFastForwardThatDropsOrEditsARecordIsRefused() {
    let (remote, clone, blob) = makeRemote()
    let before = remote.revParse(LedgerGuardTests.reviews)
    let approval = clone.git("notes", "--ref=mlgit/reviews", "show", blob).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertTrue(approval.contains(#""reviewer":"bob@example.com""#), approval)
    // Dropped: the note removed in a new notes commit on top of the server's.
    XCTAssertEqual(clone.git("notes", "--ref=mlgit/reviews", "remove", blob).status, 0)
    let dropped = clone.revParse(LedgerGuardTests.reviews)
    let push = clone.git("push", "origin", LedgerGuardTests.reviews)
    assertRefused(
      push,
      [
        "remote: \(short(dropped)): \(LedgerGuardTests.reviews):1:1: error: record 1 of the note on \(blob) was removed "
          + "(approve by bob@example.com of models/credit.yaml at ",
        "[ledger/append-only]",
      ])
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), before)

    // Edited: Bob's approval rewritten as Carol's.
    clone.git("update-ref", LedgerGuardTests.reviews, before ?? "")
    let forged = approval.replacingOccurrences(of: "bob@example.com", with: "carol@example.com")
    XCTAssertEqual(clone.git("notes", "--ref=mlgit/reviews", "add", "-f", "-m", forged, blob).status, 0)
    let edit = clone.git("push", "origin", LedgerGuardTests.reviews)
    assertRefused(
      edit,
      [
        "\(LedgerGuardTests.reviews):1:1: error: record 1 of the note on \(blob) was removed (approve by bob@example.com"
      ])
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), before)
  }

  func testRecordsThatAreNotValidForTheirLedgerAreRefused() {
    let (remote, clone, blob) = makeRemote()
    let runsBefore = remote.revParse(LedgerGuardTests.runs)
    XCTAssertEqual(clone.git("notes", "--ref=mlgit/runs", "append", "-m", "trained it, trust me", "HEAD").status, 0)
    let runs = clone.git("push", "origin", LedgerGuardTests.runs)
    assertRefused(
      runs,
      [
        "\(LedgerGuardTests.runs):2:1: error: record 2 of the note on \(clone.head) is not an mlgit.run/1 record (not JSON): "
          + "trained it, trust me [ledger/record-schema]"
      ])
    XCTAssertEqual(remote.revParse(LedgerGuardTests.runs), runsBefore)

    let reviewsBefore = remote.revParse(LedgerGuardTests.reviews)
    XCTAssertEqual(
      clone.git(
        "notes", "--ref=mlgit/reviews", "append", "-m",
        #"{"decision":"approve","reviewer":"mallory@example.com","schema":"mlgit.review/1"}"#, blob
      ).status, 0)
    let reviews = clone.git("push", "origin", LedgerGuardTests.reviews)
    assertRefused(
      reviews,
      [
        "\(LedgerGuardTests.reviews):2:1: error: record 2 of the note on \(blob) is not an mlgit.review/1 record "
          + "(needs schema, path, blob, reviewer and decision)",
        "[ledger/record-schema]",
      ])
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), reviewsBefore)
  }

  /// A ledger broken on the server before the hook was there is named, not a bare
  /// "cannot read commit"; a valid notes commit repairs it.
  func testABrokenLedgerOnTheServerIsNamedAndCanBeRepaired() {
    let (remote, clone, _) = makeRemote()
    let good = remote.revParse(LedgerGuardTests.reviews) ?? ""
    let blob = remote.git(["hash-object", "-w", "--stdin"], input: "broken\n").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    XCTAssertEqual(remote.git("update-ref", LedgerGuardTests.reviews, blob).status, 0)
    clone.commitFile(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.6.0",
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 9\n  seed: 42\n"), "deeper still")
    let spec = clone.git("push", "--no-verify", "origin", "main")
    XCTAssertNotEqual(spec.status, 0, spec.output)
    XCTAssertTrue(spec.stderr.contains("\(LedgerGuardTests.reviews) points at a blob"), spec.stderr)
    XCTAssertTrue(spec.stderr.contains("not a notes commit"), spec.stderr)
    XCTAssertFalse(spec.stderr.contains("cannot read commit"), spec.stderr)
    let repair = clone.git("push", "--force", "origin", "\(good):\(LedgerGuardTests.reviews)")
    XCTAssertEqual(repair.status, 0, repair.output)
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), good)
  }

  // MARK: Honest writers

  func testSyncFastForwardsMergesOfTwoWritersAndLayoutMovesAreAccepted() {
    let (remote, alice, blob) = makeRemote()
    let bob = TempRepository.clone(remote.path, name: "bob")
    XCTAssertEqual(bob.mlgit("install").status, 0)
    // Alice records a run and syncs: a fast-forward of the server's runs.
    alice.write("m.json", #"{"auc": 0.81}"#)
    XCTAssertEqual(alice.mlgit("run", "record", "--metrics", "m.json", "--command", "alice again").status, 0)
    let first = alice.mlgit("sync")
    XCTAssertEqual(first.status, 0, first.output)
    XCTAssertEqual(remote.revParse(LedgerGuardTests.runs), alice.revParse(LedgerGuardTests.runs))
    // Bob, who fetched before, records his own and syncs: a merge of both writers' notes.
    bob.write("m.json", #"{"auc": 0.79}"#)
    XCTAssertEqual(bob.mlgit("run", "record", "--metrics", "m.json", "--command", "bob").status, 0)
    let merged = bob.mlgit("sync")
    XCTAssertEqual(merged.status, 0, merged.output)
    XCTAssertTrue(merged.stdout.contains("runs (merged)"), merged.stdout)
    let lines = remote.git("notes", "--ref=mlgit/runs", "show", alice.head).stdout
    for command in ["\"command\":\"train\"", "\"command\":\"alice again\"", "\"command\":\"bob\""] {
      XCTAssertTrue(lines.contains(command), "\(command) missing in \(lines)")
    }

    // The same notes in the flat layout (`<40 hex>` names instead of `ab/<38 hex>`): every line kept.
    alice.git("fetch", "-q", "origin", "+\(LedgerGuardTests.reviews):\(LedgerGuardTests.reviews)")
    let listing = alice.git("notes", "--ref=mlgit/reviews", "list").stdout
    let entries = listing.split(separator: "\n").map { line -> String in
      let parts = line.split(separator: " ")
      return "100644 blob \(parts[0])\t\(parts[1])"
    }
    XCTAssertTrue(listing.contains(blob), listing)
    let flat = alice.git(["mktree"], input: entries.joined(separator: "\n") + "\n").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    let parent = alice.revParse(LedgerGuardTests.reviews) ?? ""
    let moved = alice.git("commit-tree", flat, "-p", parent, "-m", "flat notes").stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    let layout = alice.git("push", "origin", "\(moved):\(LedgerGuardTests.reviews)")
    XCTAssertEqual(layout.status, 0, layout.output)
    XCTAssertEqual(remote.revParse(LedgerGuardTests.reviews), moved)
    XCTAssertTrue(remote.git("notes", "--ref=mlgit/reviews", "show", blob).stdout.contains("bob@example.com"))
  }

  func testPolicyExplainDescribesTheLedgerChecks() {
    let repo = TempRepository()
    let explain = repo.mlgit("policy", "explain", "ledger/append-only")
    XCTAssertEqual(explain.status, 0, explain.output)
    XCTAssertTrue(
      explain.stdout.hasPrefix("ledger/append-only: a ledger (refs/notes/mlgit/*) only grows"), explain.stdout)
    let schema = repo.mlgit("policy", "explain", "ledger/record-schema")
    XCTAssertEqual(schema.status, 0, schema.output)
    XCTAssertTrue(schema.stdout.contains("mlgit.review/1"), schema.stdout)
  }
}
