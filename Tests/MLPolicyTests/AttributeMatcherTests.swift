import Foundation
@testable import MLPolicy
import MLSpec
import TestSupport
import XCTest

final class AttributeMatcherTests: XCTestCase {
  func matcher(_ config: String? = nil) throws -> AttributeMatcher {
    try EffectivePolicy.load(config: config.map { Data($0.utf8) }).attributeMatcher
  }

  func testWordsSplitCaseSeparatorsAndDigits() {
    XCTAssertEqual(NameTokenizer.words("applicantRaceCode2"), ["applicant", "race", "code", "2"])
    XCTAssertEqual(NameTokenizer.words("HTTPStatusCodes"), ["http", "status", "code"])
    XCTAssertEqual(NameTokenizer.words("date-of-birth"), ["date", "of", "birth"])
    XCTAssertEqual(NameTokenizer.words("RACE_ETHNICITY"), ["race", "ethnicity"])
    XCTAssertEqual(NameTokenizer.words("zip5"), ["zip", "5"])
    XCTAssertEqual(NameTokenizer.words("  Applicant Race "), ["applicant", "race"])
    XCTAssertEqual(NameTokenizer.words("GéneroCódigo_ÉTNIA"), ["género", "código", "étnia"])
  }

  func testSingularLeavesWordsEndingInSAlone() {
    XCTAssertEqual(NameTokenizer.singular("races"), "race")
    XCTAssertEqual(NameTokenizer.singular("ethnicities"), "ethnicity")
    XCTAssertEqual(NameTokenizer.singular("sexes"), "sex")
    XCTAssertEqual(NameTokenizer.singular("women"), "woman")
    XCTAssertEqual(NameTokenizer.singular("statuses"), "status")
    for word in ["status", "religious", "class", "analysis", "bias", "sex"] {
      XCTAssertEqual(NameTokenizer.singular(word), word)
    }
  }

  func testNamesInTheIssueAreJudgedAsItSays() throws {
    let m = try matcher()
    for name in ["applicant_race", "raceCode", "religiousAffiliation", "is_female", "date_of_birth"] {
      XCTAssertFalse(m.protectedMatches(name).isEmpty, "\(name) should be protected")
    }
    for name in [
      "page_views", "average_balance", "trace_id", "screen_orientation", "credit_union_account", "order_status",
    ] {
      XCTAssertEqual(m.matches(name), [], "\(name) should be benign")
    }
    XCTAssertEqual(m.protectedMatches("applicant_race").map(\.category), ["race"])
    XCTAssertEqual(m.protectedMatches("is_female").map(\.category), ["sex"])
    XCTAssertEqual(m.protectedMatches("customerDateOfBirth").map(\.entry), ["date of birth"])
    XCTAssertEqual(m.proxyMatches("zip_code").map(\.category), ["race"])
  }

  func testExclusionsOnlyCoverTheirOwnCategory() throws {
    let m = try matcher()
    XCTAssertEqual(m.matches("credit_union_member"), [])
    XCTAssertEqual(m.protectedMatches("trade_union_member").map(\.category), ["trade_union_membership"])
    XCTAssertEqual(m.matches("account_age"), [])
    XCTAssertEqual(m.protectedMatches("account_holder_age").map(\.category), ["age"])
    // "senior citizen" is age, and its exclusion keeps it from also being citizenship.
    XCTAssertEqual(m.protectedMatches("senior_citizen").map(\.category), ["age"])
    // The longest phrase wins across categories and kinds.
    XCTAssertEqual(m.matches("retirement_age").map(\.category), ["age"])
    XCTAssertEqual(m.matches("retirement_age").map(\.kind), [.proxy])
    XCTAssertEqual(m.matches("family_medical_history").map(\.category), ["genetic_information"])
  }

  /// Recall on protected and proxy names, false positives on benign ones; the figures go in the README.
  func testCorpusRecallAndFalsePositiveRate() throws {
    let m = try matcher()
    let protectedMissed = AttributeCorpus.protected.filter { m.protectedMatches($0).isEmpty }
    let proxyMissed = AttributeCorpus.proxies.filter { m.proxyMatches($0).isEmpty && m.protectedMatches($0).isEmpty }
    let proxyAsProtected = AttributeCorpus.proxies.filter { !m.protectedMatches($0).isEmpty }
    let benignFlagged = AttributeCorpus.benign.filter { !m.matches($0).isEmpty }
    let total = AttributeCorpus.protected.count + AttributeCorpus.proxies.count + AttributeCorpus.benign.count
    let protectedRecall = 1 - Double(protectedMissed.count) / Double(AttributeCorpus.protected.count)
    let proxyRecall = 1 - Double(proxyMissed.count) / Double(AttributeCorpus.proxies.count)
    let falsePositiveRate = Double(benignFlagged.count) / Double(AttributeCorpus.benign.count)
    print(
      """
      attribute corpus: \(total) names (\(AttributeCorpus.protected.count) protected, \
      \(AttributeCorpus.proxies.count) proxy, \(AttributeCorpus.benign.count) benign)
        protected recall \(String(format: "%.3f", protectedRecall)), missed: \(protectedMissed)
        proxy recall \(String(format: "%.3f", proxyRecall)), missed: \(proxyMissed), judged protected: \(proxyAsProtected)
        benign false-positive rate \(String(format: "%.3f", falsePositiveRate)), flagged: \(benignFlagged.map { "\($0) -> \(m.matches($0).map(\.entry))" })
      """)
    XCTAssertGreaterThanOrEqual(total, 200)
    XCTAssertGreaterThanOrEqual(protectedRecall, 0.95)
    XCTAssertGreaterThanOrEqual(proxyRecall, 0.90)
    XCTAssertLessThanOrEqual(falsePositiveRate, 0.03)
    XCTAssertEqual(
      Set(AttributeCorpus.protected + AttributeCorpus.proxies + AttributeCorpus.benign).count, total,
      "a name is labelled twice")
  }
}

extension AttributeMatcherTests {
  /// A matcher remembers what each name matched: asked again, and asked of names it has
  /// not seen, it answers what matching the name afresh answers, look-alike letters
  /// included; and a matcher of other lists keeps its own answers.
  func testRememberedMatchesAreTheMatches() throws {
    let m = try matcher()
    let names =
      AttributeCorpus.protected + AttributeCorpus.proxies + AttributeCorpus.benign
      + ["rаce", "ｒａｃｅ", "gеnder_code", "senior_citizen", "credit_union_member", "", "_"]
    for _ in 0..<2 {
      for name in names { XCTAssertEqual(m.matches(name), m.matchesUnremembered(name), name) }
    }
    XCTAssertEqual(m.matches("applicant_caste"), [])
    let extended = try matcher("apiVersion: mlgit/v1\nprotected_attributes:\n  caste: [caste]\n")
    XCTAssertEqual(extended.protectedMatches("applicant_caste").map(\.category), ["caste"])
    XCTAssertEqual(m.matches("applicant_caste"), [])
  }

  /// The byte-wise splitter for ASCII names gives what the scalar-wise one gives.
  func testASCIISplitterMatchesTheScalarSplitter() {
    var names = [
      "applicantRaceCode2", "HTTPStatusCodes", "date-of-birth", "RACE_ETHNICITY", "f12_3", "a", "A", "1", "",
      "__x__", "xYz", "ABCdef", "abcDEF", "a1b2C3", "zip.code", "Women", "children_count", "statuses", "ages", "IDs",
      "userID2Name", "x-Y-z", "HTML5Parser", "v2", "9lives", "  spaced  out ", "tab\tsep", "MiXeD_case-Names.v10",
    ]
    var rng = SeededGenerator(seed: 0x6e61_6d65_73)
    let alphabet = Array("aZ9_-. bQx0sS")
    for _ in 0..<500 {
      names.append(String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
    }
    for name in names {
      var copy = name
      XCTAssertEqual(copy.withUTF8(NameTokenizer.splitASCII), NameTokenizer.splitScalars(name), name.debugDescription)
    }
  }
}
