import CLibGit2
import CMLGitSupport
import Foundation
@testable import GitKit
import XCTest

/// libgit2 loads CA certificates with mbedTLS's file loader; mlgit routes that loader
/// through a switch (mlgit_support.h), off by default, so initialising libgit2 skips the
/// system bundle. The route must hold however libgit2 is linked.
final class CABundleTests: XCTestCase {
  /// A self-signed certificate (`openssl req -x509`, EC P-256), valid until 2126.
  static let certificate = """
    -----BEGIN CERTIFICATE-----
    MIIBiDCCAS2gAwIBAgIUFNFQnVt247fXwkwY0XukoPIi0pMwCgYIKoZIzj0EAwIw
    GDEWMBQGA1UEAwwNbWxnaXQgdGVzdCBDQTAgFw0yNjEyMDIxNjExMDJaGA8yMTI2
    MTEwODE2MTEwMlowGDEWMBQGA1UEAwwNbWxnaXQgdGVzdCBDQTBZMBMGByqGSM49
    AgEGCCqGSM49AwEHA0IABO43NzrgfOXWQINcNAKZbMfCRE1Rv+rBNLlXjXNe3xNN
    BTPZCfkEk82kl9iMCOEP+4OEoXNkV/CtemjzSO7jdOKjUzBRMB0GA1UdDgQWBBTz
    Lbck9ft77qMVgk3ON9xgq+rapTAfBgNVHSMEGDAWgBTzLbck9ft77qMVgk3ON9xg
    q+rapTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCPvE0/4cY8
    Kp1ppYoUPvRNZhqJhL1SK5GvqdiE2h+/iAIhAL0A51UTTV34Qfb79SAh5u8XoxxM
    cOi/OLvo0iZ+22Dw
    -----END CERTIFICATE-----

    """

  func testCertificateFilesLoadOnlyWhenTheSwitchIsOn() throws {
    LibGit2.ensure()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlgit-ca-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("ca.pem").path
    try Data(CABundleTests.certificate.utf8).write(to: URL(fileURLWithPath: file))

    // Off (as mlgit runs): the loader answers "cannot read the file" without reading it.
    mlgit_ca_bundle_set_enabled(0)
    XCTAssertEqual(mlgit_set_ssl_cert_file(file), -1)
    let message = git_error_last().map { String(cString: $0.pointee.message) } ?? ""
    XCTAssertTrue(message.contains("failed to load CA certificates"), message)
    git_error_clear()

    // On: mbedTLS's own loader reads the certificate.
    mlgit_ca_bundle_set_enabled(1)
    defer { mlgit_ca_bundle_set_enabled(0) }
    XCTAssertEqual(mlgit_set_ssl_cert_file(file), 0)
    // and refuses a file that holds no certificate, as it should.
    let empty = folder.appendingPathComponent("empty.pem").path
    try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: empty))
    XCTAssertEqual(mlgit_set_ssl_cert_file(empty), -1)
    git_error_clear()
  }
}
