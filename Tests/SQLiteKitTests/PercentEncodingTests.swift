import Foundation
import XCTest

import MLGitErrors

/// `URLPath.percentEncoded`, which writes the `file:` URI SQLiteKit opens a database through
/// (and SARIF locations), encodes a path as Foundation's
/// `addingPercentEncoding(withAllowedCharacters:)` did with `.urlPathAllowed` minus `?#%`.
final class PercentEncodingTests: XCTestCase {
  func testEveryScalarIsEncodedAsFoundationEncodedIt() {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    for value in UInt32(0)...0x1_0000 {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let path = "/db\(scalar)x/\(scalar)"
      XCTAssertEqual(
        URLPath.percentEncoded(path), path.addingPercentEncoding(withAllowedCharacters: allowed), "U+\(value)")
    }
  }

  func testPathsWithReservedCharacters() {
    XCTAssertEqual(URLPath.percentEncoded("/tmp/a b?c#d%e/é.db"), "/tmp/a%20b%3Fc%23d%25e/%C3%A9.db")
    XCTAssertEqual(URLPath.percentEncoded("/x/mlflow.db"), "/x/mlflow.db")
    XCTAssertEqual(URLPath.percentEncoded(""), "")
  }
}
