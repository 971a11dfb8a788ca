import Foundation
import MLSpec
import XCTest

@testable import MLGitReport

/// The writer's faster paths give the bytes its plain ones gave: blocks handed to a sink
/// join into the document a writer without one keeps, a second half written on the
/// calling thread is the one written on another, and strings scanned eight bytes at a time
/// are escaped where a byte-by-byte scan would escape them.
final class JSONWriterBlocksTests: XCTestCase {
  let items = (0..<5_000).map { "model-\($0) \"quoted\" \u{1}" + String(repeating: "é", count: $0 % 7) }

  func document(_ out: inout JSONWriter) {
    out.object { out in
      out.key("items")
      out.array(halvesOf: items) { out, item in
        out.object { out in
          out.field("name", item)
          out.field("size", item.utf8.count)
        }
      }
    }
    out.endLine()
  }

  func testBlocksHandedToASinkJoinIntoTheWholeDocument() {
    var kept = JSONWriter()
    document(&kept)
    final class Blocks {
      var joined: [UInt8] = []
      var count = 0
    }
    let blocks = Blocks()
    var streamed = JSONWriter(secondThread: true) { block in
      blocks.joined.append(contentsOf: block)
      blocks.count += 1
    }
    document(&streamed)
    XCTAssertTrue(streamed.bytes.count > 0, "the last block waits for finish()")
    streamed.finish()
    XCTAssertEqual(streamed.bytes, [])
    XCTAssertGreaterThan(blocks.count, 2)
    XCTAssertEqual(blocks.joined, kept.bytes)
    XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(kept.bytes)))
  }

  func testTheSecondHalfIsTheSameOnOneThreadOrTwo() {
    var two = JSONWriter(secondThread: true)
    document(&two)
    var one = JSONWriter(secondThread: false)
    document(&one)
    XCTAssertEqual(one.bytes, two.bytes)
    var compactTwo = JSONWriter(style: .compact, secondThread: true)
    document(&compactTwo)
    var compactOne = JSONWriter(style: .compact, secondThread: false)
    document(&compactOne)
    XCTAssertEqual(compactOne.bytes, compactTwo.bytes)
  }

  func testEightBytesAtATimeFindWhatOneAtATimeFinds() {
    func byByte(_ bytes: [UInt8]) -> Bool { !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x00, 0x09, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x41, 0x7F, 0x80, 0xC3, 0xFF]
    for length in 0..<40 {
      for _ in 0..<200 {
        // Mostly plain letters, now and then one byte from the edges of the escaped ranges.
        let bytes = (0..<length).map { _ in
          Int.random(in: 0..<6, using: &generator) == 0
            ? alphabet.randomElement(using: &generator) ?? 0x41 : UInt8(ascii: "a")
        }
        let answer = bytes.withUnsafeBufferPointer { JSONWriter.needsNoEscape($0) }
        XCTAssertEqual(answer, byByte(bytes), "\(bytes)")
      }
    }
  }

  func testStringsNeedingEscapesAreWrittenCanonically() {
    for text in ["plain", "0123456789abcdef\"", "\\ at the start", "tab\tinside a long enough text", "é\u{1F}"] {
      var out = JSONWriter(style: .compact)
      out.string(text)
      XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), JSONValue.string(text).canonical)
    }
  }
}
