import Foundation
import MLPolicy
import MLSpec
import XCTest

/// Every rule's documented examples run as tests: the description is the test.
final class RuleExamplesTests: XCTestCase {
  func testRuleIdsAreUnique() {
    let ids = RuleRegistry.builtInRules.map(\.id)
    XCTAssertEqual(ids.count, Set(ids).count, "duplicate rule ids: \(ids)")
  }

  func testEveryRuleHasPassingAndFailingExamples() {
    for rule in RuleRegistry.builtInRules {
      let examples = type(of: rule).description.examples
      XCTAssertTrue(examples.contains { $0.triggers }, "\(rule.id) has no failing example")
      XCTAssertTrue(examples.contains { !$0.triggers }, "\(rule.id) has no passing example")
    }
  }

  func testExamplesBehaveAsDescribed() throws {
    for rule in RuleRegistry.builtInRules {
      for (i, example) in type(of: rule).description.examples.enumerated() {
        let findings = try RuleExampleRunner.run(example, rule: rule)
        let own = findings.filter { $0.rule == rule.id }
        XCTAssertEqual(
          !own.isEmpty, example.triggers,
          "\(rule.id) example \(i + 1) should \(example.triggers ? "" : "not ")report; got \(own.map(\.message))")
      }
    }
  }
}
