import Foundation
import MLPolicy
import MLSpec
import XCTest

/// `EffectivePolicy` and `SpecSnapshot` keep their fields in one shared object, copied on
/// write: they must still behave as values (a change to a copy never reaches the original).
final class SharedContentsTests: XCTestCase {
  func testAChangedPolicyCopyLeavesTheOriginalAsItWas() throws {
    let original = try EffectivePolicy.builtIn()
    var copy = original
    copy.reviewers = ["alice@example.com"]
    copy.protectedBranches.append("release")
    copy.settings["spec/version-bump"] = RuleSetting(severity: .off)
    XCTAssertEqual(original.reviewers, [])
    XCTAssertEqual(original.protectedBranches, ["main"])
    XCTAssertEqual(original.severity(of: "spec/version-bump"), .warning)
    XCTAssertEqual(copy.reviewers, ["alice@example.com"])
    XCTAssertEqual(copy.protectedBranches, ["main", "release"])
    XCTAssertEqual(copy.severity(of: "spec/version-bump"), .off)
  }

  func testTheAttributeMatcherFollowsTheListsOfEachCopy() throws {
    let original = try EffectivePolicy.load(config: Data("protected_attributes:\n  age: [age]\n".utf8))
    XCTAssertEqual(original.attributeMatcher.matches("qwzx").count, 0)
    var copy = original
    copy.protectedAttributes["astrology", default: []].append("qwzx")
    XCTAssertEqual(copy.attributeMatcher.matches("qwzx").map(\.category), ["astrology"])
    XCTAssertEqual(original.attributeMatcher.matches("qwzx").count, 0)
  }

  func testAChangedSnapshotCopyLeavesTheOriginalAsItWas() {
    let original = SpecSnapshot(
      path: "models/a.yaml", blob: "b1",
      data: Data("apiVersion: mlgit/v1\nname: a\nversion: 1.0.0\nowner: o\nhyperparameters: {depth: 3}\n".utf8))
    var copy = original
    copy.hyperparameters = .object(["depth": .int(4)])
    copy.hyperparametersError = "changed"
    XCTAssertEqual(original.hyperparameters, .object(["depth": .int(3)]))
    XCTAssertNil(original.hyperparametersError)
    XCTAssertEqual(copy.hyperparameters, .object(["depth": .int(4)]))
    XCTAssertEqual(copy.spec?.version?.text, original.spec?.version?.text)
  }
}
