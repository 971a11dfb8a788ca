import Foundation
@testable import MLPolicy
import TestSupport
import XCTest

/// The byte path of `singular` that list entries and ASCII names take must give what
/// `singular` gives, on every word of the shipped packs and on seeded words.
final class SingularTests: XCTestCase {
  func testBytePathMatchesSingular() throws {
    var words: Set<String> = [
      "women", "men", "people", "children", "wives", "lives", "news", "bus", "gas", "es", "s", "n", "e", "mens", "xes",
    ]
    for pack in ShippedPacks.files.keys {
      let policy = try EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [\(pack)]\n".utf8))
      for entries in Array(policy.protectedAttributes.values) + Array(policy.proxies.values) {
        for entry in entries {
          for word in entry.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            words.insert(String(word))
          }
        }
      }
    }
    var generator = SeededGenerator(seed: 0x51_6E_67)
    let letters = Array("abcehilmnorsuwxyz".utf8)
    for _ in 0..<20_000 {
      words.insert(
        String(
          decoding: (0..<(1 + generator.below(8))).map { _ in letters[generator.below(letters.count)] }, as: UTF8.self))
    }
    for word in words where word.utf8.allSatisfy({ $0 < 0x80 }) {
      XCTAssertEqual(NameTokenizer.singularASCII(word), NameTokenizer.singular(word), word)
    }
  }
}
