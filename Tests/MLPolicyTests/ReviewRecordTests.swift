import Foundation
import MLPolicy
import MLSpec
import XCTest

/// Review records, the value diff of hyperparameters and the hash that binds them.
final class ReviewRecordTests: XCTestCase {
  func testSHA256MatchesTheStandardVectors() {
    XCTAssertEqual(
      SHA256Digest.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(SHA256Digest.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(
      SHA256Digest.hex(Data(String(repeating: "a", count: 1000).utf8)),
      "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  func testRecordLineIsCanonicalAndPayloadLeavesOutTheSignature() throws {
    var record = ReviewRecord(
      path: "models/a.yaml", blob: "b1", hyperparameters: "h", reviewer: "bob@example.com",
      at: "2026-01-01T00:00:00Z")
    XCTAssertEqual(
      record.line,
      #"{"at":"2026-01-01T00:00:00Z","blob":"b1","decision":"approve","hyperparameters":"h","path":"models/a.yaml","reviewer":"bob@example.com","schema":"mlgit.review/1"}"#
    )
    record.signature = "-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----"
    XCTAssertFalse(record.payload.contains("signature"))
    XCTAssertTrue(record.line.contains(#","signature":"-----BEGIN SSH SIGNATURE-----\nabc"#))
    let parsed = try XCTUnwrap(
      ReviewRecord.parse(record.line.replacingOccurrences(of: "{\"at\"", with: "{\"future\":1,\"at\"")))
    XCTAssertEqual(parsed.signature, record.signature)
    // Unknown fields stay in what the signature covers.
    XCTAssertTrue(parsed.payload.contains("\"future\":1"))
    XCTAssertNil(ReviewRecord.parse(#"{"schema":"mlgit.run/1","id":"x"}"#))
    XCTAssertNil(ReviewRecord.parse("not json"))
  }

  func testHyperparametersCompareAsValues() throws {
    func value(_ yaml: String) throws -> JSONValue { JSONValue(try Document.parse(Data(yaml.utf8))) }
    let a = try value("lr: 0.05\ndepth: 6\nopt: {name: adam, beta: 0.9}\n")
    let b = try value("# tuned\ndepth: 6\nopt:\n  beta: 0.90\n  name: adam\nlr: 0.050\n")
    XCTAssertEqual(a, b)
    XCTAssertEqual(a.sha256, b.sha256)
    let c = try value("lr: 0.05\ndepth: \"6\"\nopt: {name: adam, beta: 0.99}\nseed: 1\n")
    XCTAssertEqual(
      HyperparameterChange.diff(a, c).map(\.summary),
      ["depth 6 -> \"6\"", "opt.beta 0.9 -> 0.99", "+seed 1"])
    XCTAssertNotEqual(a.sha256, c.sha256)
  }
}
