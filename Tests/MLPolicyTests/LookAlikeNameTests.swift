@testable import MLPolicy
import MLSpec
import XCTest

/// Names that read as a protected attribute but are spelt with other characters.
final class LookAlikeNameTests: XCTestCase {
  func matcher() throws -> AttributeMatcher { try EffectivePolicy.load(config: nil).attributeMatcher }

  func testCompatibilityFormsAreTheLettersTheyStandFor() throws {
    let m = try matcher()
    for name in ["ｒａｃｅ", "ＲＡＣＥ", "applicant_ｒａｃｅ", "ＡｐｐｌｉｃａｎｔＲａｃｅ", "𝐫𝐚𝐜𝐞", "𝘳𝘢𝘤𝘦_code", "ｄａｔｅ＿ｏｆ＿ｂｉｒｔｈ"] {
      let matches = m.protectedMatches(name)
      XCTAssertEqual(matches.first?.category, name.hasPrefix("ｄ") ? "age" : "race", name)
      XCTAssertNil(matches.first?.lookAlike, "\(name) is the word itself after NFKC")
    }
    XCTAssertEqual(NameTokenizer.words("ＡｐｐｌｉｃａｎｔＲａｃｅ"), ["applicant", "race"])
  }

  func testCaseIsFoldedNotOnlyLowered() {
    XCTAssertEqual(NameTokenizer.words("STRASSE"), NameTokenizer.words("Straße"))
    XCTAssertEqual(NameTokenizer.words("ΣΊΣΥΦΟΣ"), NameTokenizer.words("σίσυφος"))
  }

  func testCyrillicAndGreekLookAlikesAreReportedWithTheLetters() throws {
    let m = try matcher()
    let cyrillic = m.protectedMatches("r\u{0430}ce")
    XCTAssertEqual(cyrillic.map(\.category), ["race"])
    XCTAssertEqual(cyrillic.first?.lookAlike, "Cyrillic '\u{0430}' (U+0430) for 'a'")
    XCTAssertEqual(
      m.protectedMatches("applicant_r\u{0430}c\u{0435}").first?.lookAlike,
      "Cyrillic '\u{0430}' (U+0430) for 'a', Cyrillic '\u{0435}' (U+0435) for 'e'")
    XCTAssertEqual(m.protectedMatches("R\u{0410}CE").map(\.category), ["race"], "capital Cyrillic A")
    XCTAssertEqual(m.protectedMatches("\u{03B1}ge").first?.lookAlike, "Greek '\u{03B1}' (U+03B1) for 'a'")
    XCTAssertEqual(m.protectedMatches("r\u{03BF}mani_r\u{0435}ligi\u{043E}n").map(\.category), ["religion"])
    XCTAssertEqual(m.proxyMatches("zi\u{0440}_code").first?.lookAlike, "Cyrillic '\u{0440}' (U+0440) for 'p'")
  }

  func testLookAlikesOfBenignNamesStayBenign() throws {
    let m = try matcher()
    // Russian for "race" reads as "paca" in Latin look-alikes; "trace" is not "race".
    for name in [
      "\u{0440}\u{0430}\u{0441}\u{0430}", "tr\u{0430}ce_id", "\u{043C}\u{043E}\u{0434}\u{0435}\u{043B}\u{044C}",
      "доход", "ηλικία_πελάτη",
    ] {
      XCTAssertEqual(m.matches(name), [], name)
    }
  }

  func testANameMatchedAsWrittenIsNotAlsoALookAlike() throws {
    let m = try matcher()
    // "race" in Latin letters; the Cyrillic word beside it imitates nothing protected.
    let matches = m.protectedMatches("race_\u{0440}\u{0430}\u{0441}\u{0430}")
    XCTAssertEqual(matches.map(\.category), ["race"])
    XCTAssertNil(matches.first?.lookAlike)
  }

  func testTheTableComesFromConfusablesAndMapsToLatinLetters() {
    XCTAssertEqual(LookAlikeLetters.latin[0x0430], "a")
    XCTAssertEqual(LookAlikeLetters.latin[0x03BF], "o")
    for (source, latin) in LookAlikeLetters.latin {
      XCTAssertTrue(latin.isASCII && latin.properties.isAlphabetic, "U+\(String(source, radix: 16)) -> \(latin)")
      let name = Unicode.Scalar(source)?.properties.name ?? ""
      XCTAssertTrue(name.hasPrefix("CYRILLIC ") || name.hasPrefix("GREEK "), name)
    }
  }
}
