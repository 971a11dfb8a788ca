import Foundation
import GitKit
import MLGitErrors
import MLPolicy
import XCTest

@testable import MLGitEngine

/// Which rule `policy explain ID` explains: a ledger check, a team rule or mlgit's own.
final class RuleLookupTests: XCTestCase {
  func testLedgerTeamBuiltInAndUnknownRules() throws {
    let repo = ScratchRepository()
    repo.write(
      ".mlgit/config.yml",
      "apiVersion: mlgit/v1\nrules:\n  acme/license:\n    check: {field: license, required: true}\n")
    repo.commit("policy")
    let inForce = try PolicyInForce.of(Workspace(repository: try repo.open(), environment: [:]))

    // A ledger check is explained without reading the policy.
    guard
      case .ledgerCheck(let text) = try RuleLookup.find(
        "ledger/append-only", policy: { throw CommandFailure.system("mlgit: the policy was read") })
    else { return XCTFail("ledger/append-only is a ledger check") }
    XCTAssertTrue(text.hasPrefix("ledger/append-only: a ledger (refs/notes/mlgit/*) only grows"), text)

    guard case .team(let team, let teamPolicy) = try RuleLookup.find("acme/license", policy: { inForce }) else {
      return XCTFail("acme/license is the config's team rule")
    }
    XCTAssertEqual(team.id, "acme/license")
    XCTAssertEqual(team.source, ".mlgit/config.yml")
    XCTAssertEqual(teamPolicy.source, "default + .mlgit/config.yml (from HEAD)")

    guard case .builtIn(let rule, _) = try RuleLookup.find("spec/schema", policy: { inForce }) else {
      return XCTFail("spec/schema is mlgit's rule")
    }
    XCTAssertEqual(rule.id, "spec/schema")

    XCTAssertThrowsError(try RuleLookup.find("acme/nothing", policy: { inForce })) { error in
      XCTAssertEqual((error as? MLGitError)?.exitStatus, .usage)
      let ids =
        RuleRegistry.builtInRules.map(\.id) + ["acme/license"] + LedgerGuard.explanations.keys.sorted()
      XCTAssertEqual("\(error)", "mlgit: unknown rule 'acme/nothing'; rules: \(ids.joined(separator: ", "))")
      XCTAssertTrue(ids.contains("ledger/append-only"))
    }
  }
}
