import Foundation
import MLSpec
import XCTest

final class StreamingSHA256Tests: XCTestCase {
  func testKnownDigests() {
    XCTAssertEqual(StreamingSHA256.hex(of: Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(StreamingSHA256.hex(of: Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    // Fed in uneven chunks across block boundaries, the digest is the same.
    let text = Data(String(repeating: "mlgit ledger ", count: 1000).utf8)
    var chunked = StreamingSHA256()
    var offset = 0
    for size in [1, 63, 64, 65, 7, 1000] + Array(repeating: 997, count: 20) where offset < text.count {
      let end = min(text.count, offset + size)
      chunked.update(text.subdata(in: offset..<end))
      offset = end
    }
    chunked.update(text.subdata(in: offset..<text.count))
    XCTAssertEqual(chunked.finalizeHex(), StreamingSHA256.hex(of: text))
    XCTAssertEqual(StreamingSHA256.hex(of: Data(repeating: 0x61, count: 1_000_000)),
                   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}
