import XCTest

/// The release binary makes the metadata of concrete generic types by calling their
/// accessors, not by looking up their mangled names: a lookup checks the type's
/// conformances by scanning every protocol-conformance record in the binary (6,500 of
/// them, 240,000 instructions), once per new type and protocol. Package.swift asks this of
/// mlgit's own targets, and ./install.sh of every target, ArgumentParser's included:
/// specialisations shared by two modules are linked once, from the first object that has
/// one, and ArgumentParser's copy of `Dictionary<String, String>`'s literal initialiser
/// made every hook scan (docs/performance.md, "Sixth round").
final class MetadataAccessorTests: XCTestCase {
  func testNoMlgitOrArgumentParserCodeLooksUpTypesByMangledName() throws {
    #if !os(Linux)
      throw XCTSkip("the release binary's link is Linux's")
    #else
      let ldd = Shell.run("/usr/bin/ldd", [Shell.mlgit], in: FileManager.default.temporaryDirectory.path)
      guard !ldd.stdout.contains("libswiftCore") else {
        throw XCTSkip("a debug build: the flags are ./install.sh's release build's")
      }
      guard FileManager.default.isExecutableFile(atPath: "/usr/bin/objdump") else { throw XCTSkip("no objdump") }
      let scratch = FileManager.default.temporaryDirectory.path
      // The binary's symbols tell whose code is whose (the installed binary has none).
      let symbols = Shell.run("/bin/sh", ["-c", "nm \"$0\" | grep -c 'ArgumentParser'", Shell.mlgit], in: scratch)
      guard (Int(symbols.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0 else {
        throw XCTSkip("a stripped binary: no symbols to tell whose code is whose")
      }
      // Function headers and the calls of the lookup only: the whole disassembly is 150 MB.
      let disassembly = Shell.run(
        "/bin/sh",
        [
          "-c",
          "objdump -d --no-show-raw-insn \"$0\" | grep -E '>:$|<__swift_instantiateConcreteTypeFromMangledName>'",
          Shell.mlgit,
        ], in: scratch)
      XCTAssertEqual(disassembly.status, 0, disassembly.stderr)
      let modules = [
        "14ArgumentParser", "6GitKit", "6MLSpec", "8MLPolicy", "11MLGitReport", "11MLGitEngine", "13MLGitCommands",
        "11MLGitErrors", "9SQLiteKit", "5mlgit",
      ]
      var function = ""
      var callers: Set<String> = []
      var calls = 0
      for line in disassembly.stdout.split(separator: "\n") {
        if line.hasSuffix(">:"), let open = line.firstIndex(of: "<") {
          function = String(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)])
        } else if line.contains("call"), line.contains("<__swift_instantiateConcreteTypeFromMangledName>") {
          calls += 1
          if modules.contains(where: { function.hasPrefix("$s" + $0) })
            || function == "$sSD17dictionaryLiteralSDyxq_Gx_q_td_tcfCSS_SSTt0g5Tf4g_n"
          {
            callers.insert(function)
          }
        }
      }
      // The standard library's and Foundation's own code still looks types up by name.
      XCTAssertGreaterThan(calls, 0, "no lookups at all: the disassembly was not read")
      XCTAssertEqual(callers.sorted(), [], "these look up types by mangled name")
    #endif
  }
}
