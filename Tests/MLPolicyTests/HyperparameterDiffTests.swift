import MLPolicy
import MLSpec
import TestSupport
import XCTest

/// `HyperparameterChange.diff` at both granularities, each against a plain reference of
/// what it lists: the review's walk of both sides and the audit's comparison of
/// flattened leaves.
final class HyperparameterDiffTests: XCTestCase {
  func testValueDiffWalksOnlyMappingsOnBothSides() {
    let old: JSONValue = .object(["lr": .double(0.1), "opt": .object(["beta": .double(0.9)]), "gone": .int(1)])
    let new: JSONValue = .object(["lr": .double(0.2), "opt": .int(3), "added": .object(["a": .int(1)])])
    XCTAssertEqual(
      HyperparameterChange.diff(old, new).map(\.summary),
      ["+added {\"a\":1}", "-gone 1", "lr 0.1 -> 0.2", "opt {\"beta\":0.9} -> 3"])
    XCTAssertEqual(HyperparameterChange.diff(nil, new).map(\.key), ["(all)"])
  }

  func testLeafDiffListsEveryLeafInKeyOrder() {
    let old: JSONValue = .object(["a": .object(["b": .int(1)]), "e": .object([:])])
    let new: JSONValue = .object(["a": .int(2), "a-c": .int(3), "e": .object(["f": .bool(true)])])
    XCTAssertEqual(
      HyperparameterChange.diff(old, new, by: .leaf).map(\.summary),
      ["+a 2", "+a-c 3", "-a.b 1", "-e {}", "+e.f true"])
    XCTAssertEqual(HyperparameterChange.diff(.int(1), .int(2), by: .leaf).map(\.key), ["(value)"])
    XCTAssertEqual(HyperparameterChange.diff(nil, new, by: .leaf).map(\.key), ["a", "a-c", "e.f"])
  }

  func testBothGranularitiesMatchTheirReferencesOnGeneratedValues() {
    var generator = SeededGenerator(seed: 0x6879_7065_7270)
    for round in 0..<2_000 {
      let old = generator.below(8) == 0 ? nil : Self.value(&generator, depth: 0)
      let new = generator.below(3) == 0 ? old.map { Self.mutated($0, &generator) } : Self.value(&generator, depth: 0)
      XCTAssertEqual(
        HyperparameterChange.diff(old, new), Self.referenceValueDiff(old, new),
        "round \(round): \(old as Any) -> \(new as Any)")
      XCTAssertEqual(
        HyperparameterChange.diff(old, new, by: .leaf), Self.referenceLeafDiff(old, new),
        "round \(round): \(old as Any) -> \(new as Any)")
    }
  }

  // MARK: References

  /// Mappings on both sides walked key by key, anything else compared whole.
  static func referenceValueDiff(_ old: JSONValue?, _ new: JSONValue?, key: String = "") -> [HyperparameterChange] {
    if old == new { return [] }
    if let a = old?.objectValue, let b = new?.objectValue {
      return Set(a.keys).union(b.keys).sorted().flatMap {
        referenceValueDiff(a[$0], b[$0], key: key.isEmpty ? $0 : "\(key).\($0)")
      }
    }
    return [HyperparameterChange(key: key.isEmpty ? "(all)" : key, old: old, new: new)]
  }

  /// Both sides flattened to their leaves (an empty mapping is one), compared key by key.
  static func referenceLeafDiff(_ old: JSONValue?, _ new: JSONValue?) -> [HyperparameterChange] {
    func flatten(_ value: JSONValue, _ prefix: String, into leaves: inout [String: JSONValue]) {
      if case .object(let members) = value, !members.isEmpty {
        for (key, member) in members { flatten(member, prefix.isEmpty ? key : prefix + "." + key, into: &leaves) }
      } else {
        leaves[prefix.isEmpty ? "(value)" : prefix] = value
      }
    }
    var a: [String: JSONValue] = [:]
    var b: [String: JSONValue] = [:]
    if let old { flatten(old, "", into: &a) }
    if let new { flatten(new, "", into: &b) }
    return Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map {
      HyperparameterChange(key: $0, old: a[$0], new: b[$0])
    }
  }

  // MARK: Generated values

  /// Names without dots (a dotted name would make two paths one key) from a small set,
  /// so the two sides share some; `a-b` sorts before `a.b` as a key, after it in a walk.
  private static let names = ["a", "a-b", "b", "lr", "opt"]

  static func value(_ generator: inout SeededGenerator, depth: Int) -> JSONValue {
    switch generator.below(depth >= 3 ? 4 : 7) {
    case 0: return .int(generator.below(3))
    case 1: return .double(Double(generator.below(3)) / 2)
    case 2: return .string(["x", "1", ""][generator.below(3)])
    case 3: return generator.below(2) == 0 ? .bool(true) : .array([.int(generator.below(2))])
    default:
      var members: [String: JSONValue] = [:]
      for _ in 0..<generator.below(4) {
        members[names[generator.below(names.count)]] = value(&generator, depth: depth + 1)
      }
      return .object(members)
    }
  }

  /// `value` with one member replaced, added or removed somewhere inside.
  static func mutated(_ value: JSONValue, _ generator: inout SeededGenerator) -> JSONValue {
    guard case .object(var members) = value, !members.isEmpty, generator.below(4) != 0 else {
      return self.value(&generator, depth: 2)
    }
    let name = names[generator.below(names.count)]
    switch generator.below(3) {
    case 0: members[name] = nil
    case 1: members[name] = members[name].map { mutated($0, &generator) } ?? .int(9)
    default: members[name] = self.value(&generator, depth: 2)
    }
    return .object(members)
  }
}
