import XCTest

@testable import MLGitEngine

/// What mlgit reads from the `git` command line that ran a hook: whether it amends (the
/// staged change then sits on HEAD's parent), whether it signs, and `git -c` settings.
final class GitInvocationTests: XCTestCase {
  private func invocation(_ line: String) -> GitInvocation {
    GitInvocation(arguments: line.split(separator: " ").map(String.init))
  }

  func testAmendAndItsAbbreviations() {
    XCTAssertTrue(invocation("git commit --amend").isAmend)
    XCTAssertTrue(invocation("git commit -q --amend -m fix").isAmend)
    // git accepts any unambiguous prefix of at least `--am`.
    XCTAssertTrue(invocation("git commit --am").isAmend)
    XCTAssertTrue(invocation("git commit --amen").isAmend)
    XCTAssertFalse(invocation("git commit --a").isAmend)
    XCTAssertFalse(invocation("git commit --all").isAmend)
    XCTAssertFalse(invocation("git commit -m amend").isAmend)
    XCTAssertFalse(invocation("git commit").isAmend)
  }

  func testLastOfAmendAndNoAmendWins() {
    XCTAssertFalse(invocation("git commit --amend --no-amend").isAmend)
    XCTAssertTrue(invocation("git commit --no-amend --amend").isAmend)
    // `--no-am` is the shortest prefix of --no-amend counted; `--no-a` is not.
    XCTAssertFalse(invocation("git commit --amend --no-am").isAmend)
    XCTAssertTrue(invocation("git commit --amend --no-a").isAmend)
  }

  func testNothingAfterDoubleDashCounts() {
    XCTAssertFalse(invocation("git commit -m x -- --amend").isAmend)
    XCTAssertTrue(invocation("git commit --amend -- --no-amend").isAmend)
  }

  func testOptionsBeforeCommitAndAliases() {
    // `git -c x=y commit`: only what follows `commit` is commit's.
    XCTAssertTrue(invocation("git -c core.editor=true commit --amend").isAmend)
    XCTAssertFalse(invocation("git --amend commit").isAmend)
    // An alias (`git ci --amend`) has no `commit` word: everything after git counts.
    XCTAssertTrue(invocation("git ci --amend").isAmend)
    XCTAssertFalse(GitInvocation(arguments: []).isAmend)
    XCTAssertFalse(GitInvocation(arguments: ["git"]).isAmend)
    XCTAssertFalse(GitInvocation(arguments: ["git", "commit"]).isAmend)
  }

  func testSignFlag() {
    XCTAssertNil(invocation("git commit -m x").signFlag)
    XCTAssertEqual(invocation("git commit -S -m x").signFlag, true)
    XCTAssertEqual(invocation("git commit --gpg-sign=ABC").signFlag, true)
    XCTAssertEqual(invocation("git commit -S --no-gpg-sign").signFlag, false)
    XCTAssertEqual(invocation("git commit --no-gpg-sign -S").signFlag, true)
    // `-mS` is the message "S"; `-m -S` too: the value of -m is the next argument.
    XCTAssertNil(invocation("git commit -mS").signFlag)
    XCTAssertNil(invocation("git commit -m -S").signFlag)
    XCTAssertEqual(invocation("git commit -qS").signFlag, true)
    XCTAssertNil(invocation("git commit -m x -- -S").signFlag)
  }

  func testConfigParameters() {
    XCTAssertEqual(
      GitInvocation.configParameters("'user.signingKey'='/keys/a b' 'commit.gpgSign'='true'"),
      ["user.signingkey": "/keys/a b", "commit.gpgsign": "true"])
    // git before 2.31 quotes the pair as one word; a quote inside is '\''.
    XCTAssertEqual(
      GitInvocation.configParameters("'gpg.format=ssh' 'user.name=O'\\''Brien'"),
      ["gpg.format": "ssh", "user.name": "O'Brien"])
    XCTAssertEqual(GitInvocation.configParameters("'core.bare'"), ["core.bare": ""])
    XCTAssertEqual(GitInvocation.configParameters(""), [:])
  }
}
