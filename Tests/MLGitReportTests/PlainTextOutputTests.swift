import Foundation
import XCTest

@testable import MLGitReport

/// The reports' text made without Foundation is what it was with it.
final class PlainTextOutputTests: XCTestCase {
  /// Model anchors keep the scalars `CharacterSet.alphanumerics` held, every one of them.
  func testAnchorsKeepFoundationsAlphanumerics() {
    var differences: [String] = []
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      if AuditHTML.isAlphanumeric(scalar) != CharacterSet.alphanumerics.contains(scalar) {
        differences.append("U+\(String(value, radix: 16))")
      }
    }
    XCTAssertEqual(differences.count, 0, "\(differences.prefix(20))")
    XCTAssertEqual(AuditHTML.anchor("Credit Risk/v2 ü-ñ ٣"), "model-Credit-Risk-v2-ü-ñ-٣")
  }

  func testScoresPrintTheirDigitsAsBefore() {
    for value in [0, 0.5, 1, 2.25, 2.75, 3.05, 3.15, 3.35, 3.45, 4.95, -0.05, 0.04] {
      let expected = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
      XCTAssertEqual(formatScore(value), expected, "\(value)")
    }
    XCTAssertEqual(formatScore(2.25), "2.2")
    XCTAssertEqual(formatScore(2.75), "2.8")
    XCTAssertEqual(formatScore(3.5), "3.5")
  }
}
