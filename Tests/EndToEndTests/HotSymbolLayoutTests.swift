import XCTest

/// The release binary lays out the functions a pre-commit hook runs ahead of the rest
/// (bench/hot-symbols.txt, given to the linker by ./install.sh): on a virtual machine each
/// page fault costs about 2 µs, and the hook faults in 40 fewer pages of code
/// (docs/performance.md, "Ninth round"). Three quarters of the listed functions lie in the
/// first 36% of the code with the layout (whole sections move: Debian's C archives and
/// part of the standard library have one a file), across 63% of it without.
final class HotSymbolLayoutTests: XCTestCase {
  func testTheFunctionsAHookRunsComeFirst() throws {
    #if !os(Linux)
      throw XCTSkip("the release binary's link is Linux's")
    #else
      let scratch = FileManager.default.temporaryDirectory.path
      let ldd = Shell.run("/usr/bin/ldd", [Shell.mlgit], in: scratch)
      guard !ldd.stdout.contains("libswiftCore") else {
        throw XCTSkip("a debug build: the layout is ./install.sh's release build's")
      }
      let listPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("bench/hot-symbols.txt").path
      let listed = Set(try String(contentsOfFile: listPath, encoding: .utf8).split(separator: "\n").map(String.init))
      let nm = Shell.run("/usr/bin/nm", ["--defined-only", Shell.mlgit], in: scratch)
      XCTAssertEqual(nm.status, 0, nm.stderr)
      var all: [UInt64] = []
      var hot: [UInt64] = []
      for line in nm.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ", maxSplits: 2)
        guard fields.count == 3, ["t", "T", "W"].contains(fields[1]), let address = UInt64(fields[0], radix: 16)
        else { continue }
        all.append(address)
        if listed.contains(String(fields[2])) { hot.append(address) }
      }
      guard all.count > 10_000 else { throw XCTSkip("a stripped binary: no symbols to place") }
      XCTAssertGreaterThan(hot.count, 1_000, "the list names functions the binary no longer has: bench/hot-symbols.sh")
      let low = all.min()!
      let span = Double(all.max()! - low)
      let placed = hot.sorted().map { Double($0 - low) / span }
      let threeQuarters = placed[placed.count * 3 / 4]
      XCTAssertLessThan(
        threeQuarters, 0.5, "three quarters of the listed functions lie within \(threeQuarters) of the code")
    #endif
  }
}
