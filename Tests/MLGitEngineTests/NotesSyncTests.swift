import Foundation
import GitKit
import XCTest

@testable import MLGitEngine

/// `mlgit sync`'s merge: two clones that recorded notes apart (on different commits and
/// on the same one) end with every line of both, and a second sync changes nothing.
final class NotesSyncTests: XCTestCase {
  private func note(_ repo: ScratchRepository, _ commit: OID) -> String {
    repo.run(["notes", "--ref=mlgit/runs", "show", commit.hex])
  }

  func testDivergedLedgersMergeWithoutLoss() throws {
    let remote = ScratchRepository(bare: true)
    let seed = ScratchRepository(cloning: remote, name: "seed")
    seed.write("README.md", "one\n")
    let first = seed.commit("first")
    seed.write("README.md", "two\n")
    let second = seed.commit("second")
    seed.run(["push", "-q", "origin", "HEAD:refs/heads/main"])
    seed.run(["notes", "--ref=mlgit/runs", "add", "-m", "{\"id\":\"base\"}", first.hex])
    XCTAssertEqual(
      try NotesSync(repository: try seed.open()).sync(remote: "origin"), "pushed runs to origin")

    let alice = ScratchRepository(cloning: remote, name: "alice")
    let bob = ScratchRepository(cloning: remote, name: "bob")
    for clone in [alice, bob] {
      clone.run(["fetch", "-q", "origin", "refs/notes/mlgit/runs:refs/notes/mlgit/runs"])
    }
    // Both add to the first commit's note; each adds a note of its own to the second.
    alice.run(["notes", "--ref=mlgit/runs", "append", "-m", "{\"id\":\"alice-1\"}", first.hex])
    alice.run(["notes", "--ref=mlgit/runs", "add", "-m", "{\"id\":\"alice-2\"}", second.hex])
    bob.run(["notes", "--ref=mlgit/runs", "append", "-m", "{\"id\":\"bob-1\"}", first.hex])
    bob.run(["notes", "--ref=mlgit/runs", "append", "-m", "{\"id\":\"bob-2\"}", second.hex])
    // Bob's reviews exist only in his clone: sync pushes the ref as it is.
    bob.run(["notes", "--ref=mlgit/reviews", "add", "-m", "{\"reviewer\":\"bob\"}", second.hex])

    XCTAssertEqual(try NotesSync(repository: try alice.open()).sync(remote: "origin"), "pushed runs to origin")
    XCTAssertEqual(
      try NotesSync(repository: try bob.open()).sync(remote: "origin"),
      "merged runs (merged); pushed reviews, runs to origin")
    XCTAssertEqual(
      try NotesSync(repository: try alice.open()).sync(remote: "origin"),
      "merged reviews (fast-forward), runs (fast-forward) from origin; nothing to push")

    // Per object, the sorted union of both sides' lines (git's cat_sort_uniq: blank
    // lines between appended notes dropped), in both clones.
    for clone in [alice, bob] {
      XCTAssertEqual(note(clone, first), "{\"id\":\"alice-1\"}\n{\"id\":\"base\"}\n{\"id\":\"bob-1\"}")
      XCTAssertEqual(note(clone, second), "{\"id\":\"alice-2\"}\n{\"id\":\"bob-2\"}")
      XCTAssertEqual(clone.run(["notes", "--ref=mlgit/reviews", "show", second.hex]), "{\"reviewer\":\"bob\"}")
    }
    XCTAssertEqual(
      alice.run(["rev-parse", "refs/notes/mlgit/runs"]), remote.run(["rev-parse", "refs/notes/mlgit/runs"]))
    XCTAssertEqual(try NotesSync(repository: try bob.open()).sync(remote: "origin"), "notes up to date with origin")
  }

  func testDefaultRemoteAndPrivateNamespace() throws {
    let repo = ScratchRepository()
    repo.commit("first")
    let sync = NotesSync(repository: try repo.open())
    XCTAssertEqual(try sync.defaultRemote(), "origin")
    repo.run(["config", "branch.main.remote", "upstream"])
    XCTAssertEqual(try sync.defaultRemote(), "upstream")
    // `.` (the repository itself) is no remote to sync with.
    repo.run(["config", "branch.main.remote", "."])
    XCTAssertEqual(try sync.defaultRemote(), "origin")
    XCTAssertEqual(sync.privatePrefix("origin"), "refs/mlgit/sync/origin/")
    XCTAssertEqual(sync.privatePrefix("git@host:team/repo.git"), "refs/mlgit/sync/git_host_team_repo.git/")
  }
}
