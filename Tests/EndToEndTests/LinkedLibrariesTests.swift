import XCTest

/// The shared libraries the built mlgit loads at every start. libgit2, libyaml and zlib
/// are linked statically on Linux, and CMLGitSupport defines the GSSAPI functions it names (HTTP
/// Negotiate authentication, which mlgit never uses), so no Kerberos library is loaded.
/// libsqlite3 is loaded only when `mlgit import mlflow` opens a database (CSQLite), so
/// it is not among them; MLflowImportTests import from real databases.
final class LinkedLibrariesTests: XCTestCase {
  func testBinaryLoadsNoKerberosLibraryAndLibgit2StillReadsTheRepository() throws {
    #if !os(Linux)
      throw XCTSkip("libgit2 is a shared library outside Linux")
    #else
      let repo = TempRepository()
      let ldd = Shell.run("/usr/bin/ldd", [Shell.mlgit], in: repo.path)
      XCTAssertEqual(ldd.status, 0, ldd.output)
      XCTAssertTrue(ldd.stdout.contains("libc.so"), ldd.stdout)
      for library in [
        "libgssapi_krb5", "libkrb5", "libk5crypto", "libcom_err", "libkrb5support", "libgit2", "libsqlite3",
        "libyaml", "libz.so",
      ] {
        XCTAssertFalse(ldd.stdout.contains(library), "mlgit loads \(library):\n\(ldd.stdout)")
      }
      // The binary ./install.sh builds (the Swift runtime linked in) also carries libstdc++
      // and its unwinder: the C library and libm are all it loads.
      if !ldd.stdout.contains("libswiftCore") {
        for library in ["libstdc++", "libgcc_s"] {
          XCTAssertFalse(ldd.stdout.contains(library), "mlgit loads \(library):\n\(ldd.stdout)")
        }
      }

      // libgit2 (linked in) still reads the repository: the staged spec is read from the
      // index and judged against HEAD's tree.
      repo.write("models/credit.yaml", Fixtures.spec())
      repo.stage()
      _ = repo.commitFixture("first")
      repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
      repo.stage()
      let hook = repo.mlgit("hook", "pre-commit")
      XCTAssertEqual(hook.status, 1, hook.output)
      XCTAssertTrue(
        hook.stderr.contains("models/credit.yaml:3:10: error: version must be a semantic version string"), hook.stderr)
      XCTAssertTrue(hook.stderr.contains("[spec/schema]"), hook.stderr)
    #endif
  }
}
