import Foundation
import MLPolicy
import MLSpec
import XCTest

/// History checks reuse findings by blob; only where the rule depends on nothing else.
final class FindingCacheTests: XCTestCase {
  let broken =
    "apiVersion: mlgit/v1\nname: credit-risk\nversion: 1.4\nowner: risk\nfeatures: [income]\nhyperparameters: {d: 1}\n"

  func change(_ commit: String, old: String?, new: String?, oldBlob: String = "b0", newBlob: String = "b1") -> ChangeSet
  {
    let path = "models/credit.yaml"
    return ChangeSet(
      origin: ChangeOrigin(commit: commit),
      specs: [
        ModelChange(
          path: path,
          old: old.map { SpecSnapshot(path: path, blob: oldBlob, data: Data($0.utf8)) },
          new: new.map { SpecSnapshot(path: path, blob: newBlob, data: Data($0.utf8)) })
      ])
  }

  func testSameBlobIsJudgedOnceAndFindingsCarryEachCommit() throws {
    let context = PolicyContext(policy: try EffectivePolicy.builtIn(), stage: .range)
    let cache = FindingCache()
    let engine = PolicyEngine(rules: [SpecSchemaRule()])
    let first = engine.evaluate(change("c1", old: nil, new: broken), in: context, cache: cache)
    let second = engine.evaluate(change("c2", old: nil, new: broken), in: context, cache: cache)
    XCTAssertEqual(cache.misses, 1)
    XCTAssertEqual(cache.hits, 1)
    XCTAssertEqual(first.map(\.commit), ["c1"])
    XCTAssertEqual(second.map(\.commit), ["c2"])
    XCTAssertEqual(first.map(\.message), second.map(\.message))
  }

  func testChangeRulesAreKeyedByBothBlobsAndPolicy() throws {
    let policy = try EffectivePolicy.builtIn()
    let context = PolicyContext(policy: policy, stage: .range)
    let cache = FindingCache()
    let engine = PolicyEngine(rules: [SpecVersionBumpRule()])
    let valid = broken.replacingOccurrences(of: "version: 1.4", with: "version: 1.4.0")
    let edited = valid.replacingOccurrences(of: "{d: 1}", with: "{d: 2}")
    XCTAssertEqual(engine.evaluate(change("c1", old: valid, new: edited), in: context, cache: cache).count, 1)
    // Same new blob, another parent blob: judged again.
    _ = engine.evaluate(change("c2", old: edited, new: edited, oldBlob: "b1"), in: context, cache: cache)
    XCTAssertEqual(cache.misses, 2)
    // Same blobs under another policy: judged again.
    _ = engine.evaluate(change("c3", old: valid, new: edited), in: context, cache: cache, policyKey: "other")
    XCTAssertEqual(cache.misses, 3)
    XCTAssertEqual(cache.hits, 0)
  }

  func testBranchScopedRuleRunsOnlyForItsBranches() throws {
    var policy = try EffectivePolicy.load(
      config: Data(
        """
        apiVersion: mlgit/v1
        protected_branches: [main, release/*]
        rules:
          spec/schema: {severity: error, branches: protected}
        """.utf8))
    XCTAssertEqual(policy.branchScope(of: "spec/schema"), ["main", "release/*"])
    let engine = PolicyEngine(rules: [SpecSchemaRule()])
    let set = change("c1", old: nil, new: broken)
    XCTAssertEqual(
      engine.evaluate(set, in: PolicyContext(policy: policy, stage: .push, branch: "refs/heads/main")).count, 1)
    XCTAssertEqual(
      engine.evaluate(set, in: PolicyContext(policy: policy, stage: .push, branch: "refs/heads/release/2")).count, 1)
    XCTAssertEqual(
      engine.evaluate(set, in: PolicyContext(policy: policy, stage: .push, branch: "refs/heads/topic")).count, 0)
    XCTAssertEqual(engine.evaluate(set, in: PolicyContext(policy: policy, stage: .range)).count, 0)
    policy.settings["spec/schema"]?.options = [:]
    XCTAssertEqual(engine.evaluate(set, in: PolicyContext(policy: policy, stage: .range)).count, 1)
  }
}
