import Foundation
@testable import MLSpec
import TestSupport
import XCTest

/// `Data.containsBytes` decides whether a committed spec is read at all while the hook
/// looks for parameter files and data schemas: it must agree with Foundation's search.
final class DataContainsBytesTests: XCTestCase {
  func testEdges() {
    XCTAssertTrue(Data("from: params.yaml".utf8).containsBytes("from"))
    XCTAssertTrue(Data("x: 1\nfrom".utf8).containsBytes("from"))  // at the very end
    XCTAssertTrue(Data("frofrom".utf8).containsBytes("from"))  // a false start first
    XCTAssertFalse(Data("fro".utf8).containsBytes("from"))  // shorter than the needle
    XCTAssertFalse(Data("FROM".utf8).containsBytes("from"))  // bytes, not case-folded
    XCTAssertFalse(Data().containsBytes("schema"))
    XCTAssertTrue(Data().containsBytes(""))
    XCTAssertTrue(Data("sché".utf8).containsBytes("é"))  // a multi-byte needle
    let slice = Data("xxschemaxx".utf8)[2...]  // a slice, whose indices do not start at 0
    XCTAssertTrue(slice.containsBytes("schema"))
    XCTAssertFalse(Data("xxschemaxx".utf8)[3...].containsBytes("schema"))
  }

  func testAgreesWithFoundationOnSeededInputs() {
    var generator = SeededGenerator(seed: 0x5EED_B17E)
    let alphabet = Array("fromschea\n ".utf8)
    for _ in 0..<5_000 {
      let haystack = Data(
        (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
      let needle = String(
        decoding: (0..<Int.random(in: 1...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
        }, as: UTF8.self)
      XCTAssertEqual(
        haystack.containsBytes(needle), haystack.range(of: Data(needle.utf8)) != nil,
        "\(String(decoding: haystack, as: UTF8.self).debugDescription) \(needle.debugDescription)")
    }
  }
}
