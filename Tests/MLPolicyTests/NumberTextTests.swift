import MLPolicy
import TestSupport
import XCTest

/// The one formatter of recorded numbers, in its three uses: text, text to three decimals
/// (budgets, staleness, tolerances) and bytes (`mlgit runs`).
final class NumberTextTests: XCTestCase {
  func testWholeNumbersWithoutAFractionOthersAsSwiftWritesThem() {
    XCTAssertEqual(NumberText.string(3), "3")
    XCTAssertEqual(NumberText.string(-0.0), "0")
    XCTAssertEqual(NumberText.string(0.85), "0.85")
    XCTAssertEqual(NumberText.string(1e-05), "1e-05")
    XCTAssertEqual(NumberText.string(1e15), "1000000000000000.0")
    XCTAssertEqual(NumberText.string(1e16), "1e+16")
    XCTAssertEqual(NumberText.string(.infinity), "inf")
    XCTAssertEqual(NumberText.string(45.12345, places: 3), "45.123")
    XCTAssertEqual(NumberText.string(2.0004, places: 3), "2.0")
    XCTAssertEqual(NumberText.string(7, places: 3), "7")
  }

  func testBytesAreTheText() {
    var generator = SeededGenerator(seed: 0x6e75_6d62)
    for _ in 0..<2_000 {
      let value: Double
      switch generator.below(3) {
      case 0: value = Double(Int(generator.next() % 2_000_000)) - 1_000_000
      case 1: value = Double(generator.next() % 1_000_000) / 997
      default: value = Double(bitPattern: generator.next())
      }
      var bytes: [UInt8] = []
      NumberText.append(value, to: &bytes)
      XCTAssertEqual(String(decoding: bytes, as: UTF8.self), NumberText.string(value))
      let whole = value == value.rounded() && abs(value) < 1e15
      XCTAssertEqual(NumberText.string(value), whole ? String(Int(value)) : String(value))
    }
  }
}
