import Foundation
import XCTest

/// Hyperparameters compare by their exact typed value (YAML 1.1, as PyYAML reads it):
/// a change of value is a change needing review, whatever it looks like in the file.
final class HyperparameterValueTests: XCTestCase {
  static func spec(_ hyperparameters: String) -> String {
    Fixtures.spec(hyperparameters: hyperparameters)
  }

  /// Commits `before` then `after` (hooks skipped) and checks the second commit as a push to main would.
  func checkChange(from before: String, to after: String) -> (
    repo: TempRepository, commit: String, result: CommandResult
  ) {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", HyperparameterValueTests.spec(before), "add credit model")
    let commit = repo.commitFile("models/credit.yaml", HyperparameterValueTests.spec(after), "change")
    return (repo, commit, repo.mlgit("check", "--range", "HEAD~1..HEAD"))
  }

  func testOctalLookingIntegerIsAChange() {
    let (repo, commit, result) = checkChange(
      from: "  max_depth: 10\n  seed: 42\n", to: "  max_depth: 010\n  seed: 42\n")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.contains(
        "\(commit.prefix(8)): models/credit.yaml:10:3: error: hyperparameters changed (max_depth 10 -> 8): needs 1 approval"
      ),
      result.stdout)
    XCTAssertTrue(result.stdout.contains("[hyperparameters/review]"), result.stdout)
    let diff = repo.mlgit("review", "diff", commit)
    XCTAssertTrue(diff.stdout.contains("~ max_depth  10 -> 8"), diff.stdout)
  }

  func testTwentyDigitSeedChangedInItsLastDigitIsAChange() {
    let (_, commit, result) = checkChange(
      from: "  max_depth: 6\n  seed: 12345678901234567890\n",
      to: "  max_depth: 6\n  seed: 12345678901234567891\n")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.contains(
        "\(commit.prefix(8)): models/credit.yaml:11:3: error: hyperparameters changed (seed 12345678901234567890 -> 12345678901234567891)"
      ),
      result.stdout)
  }

  func testTaggedTextThatIsNotAnIntegerIsRefused() {
    let (_, commit, result) = checkChange(
      from: "  max_depth: 6\n  seed: !!int abc\n", to: "  max_depth: 6\n  seed: !!int xyz\n")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.stdout.contains(
        "\(commit.prefix(8)): models/credit.yaml:11:9: error: 'xyz' is tagged !!int but is not an integer"),
      result.stdout)
    XCTAssertTrue(result.stdout.contains("[spec/schema]"), result.stdout)
  }

  func testSameValueWrittenAnotherWayIsNoChange() {
    // 0x10 and 16, 1:30 and 90, 1_000 and 1000, .NaN and .nan, 0.050 and 0.05 are the same values.
    let (_, _, result) = checkChange(
      from: "  a: 16\n  b: 90\n  c: 1000\n  d: .nan\n  e: 0.05\n",
      to: "  a: 0x10\n  b: 1:30\n  c: 1_000\n  d: .NaN\n  e: 0.050\n")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertFalse(result.output.contains("hyperparameters/review"), result.output)
  }
}
