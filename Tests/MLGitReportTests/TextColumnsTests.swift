import Foundation
import XCTest

@testable import MLGitReport

/// The listings' tables pad and trim as Foundation's `padding(toLength:withPad:startingAt:)`
/// and a `\s+$` regular expression did: checked here against Foundation itself.
final class TextColumnsTests: XCTestCase {
  static let cells = [
    "", "a", "auc", "credit-risk", "caf\u{E9}", "cafe\u{301}", "\u{1F600}", "\u{1F600}x", "\u{4E2D}\u{6587}",
    "tab\tin", " ", "x\u{3000}", "x\u{A0}", "x\u{200B}",
  ]

  func testPaddingMatchesFoundation() {
    for cell in Self.cells {
      for width in 0...14 {
        XCTAssertEqual(
          TextColumns.pad(cell, to: width), cell.padding(toLength: width, withPad: " ", startingAt: 0),
          "\(cell.debugDescription) to \(width)")
      }
    }
  }

  func testTrailingSpaceMatchesFoundationsRegularExpression() {
    for cell in Self.cells {
      for tail in ["", " ", "  ", "\t", "\u{3000}", "\u{A0} ", "\u{2003}", "\u{200B}", " \u{301}"] {
        let line = cell + tail
        XCTAssertEqual(
          TextColumns.trimmingTrailingSpace(line),
          line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression), line.debugDescription)
      }
    }
  }

  func testColumnsAlignOnTheWidestCell() {
    XCTAssertEqual(
      TextColumns.render([["ID", "MODEL", "METRICS"], ["r1", "credit-risk", "auc=0.8"]], padLast: false),
      "ID  MODEL        METRICS\nr1  credit-risk  auc=0.8\n")
    XCTAssertEqual(
      TextColumns.render([["", "a", "b", ""], ["model", "m", "m", ""]], trimming: true),
      "       a  b\nmodel  m  m\n")
  }
}
