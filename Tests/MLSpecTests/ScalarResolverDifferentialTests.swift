import Foundation
@testable import MLSpec
import TestSupport
import XCTest

/// mlgit types scalars as PyYAML's YAML 1.1 resolver and constructors do: this test
/// reads a generated corpus (fixed seed) with both and compares the typed values,
/// allowing only the documented differences (ScalarResolver). It needs `python3` with
/// PyYAML on PATH (`./install.sh --test` makes `.build-venv/`; put its `bin` on PATH).
final class ScalarResolverDifferentialTests: XCTestCase {
  /// A typed value as both sides print it: `int 8`, `float <IEEE bits>`, `str 010`, `error`.
  struct Typed: Equatable, CustomStringConvertible {
    var type: String
    var value: String
    var description: String { "\(type) \(value)" }
  }

  static let python = #"""
    import datetime, json, math, struct, sys, yaml
    out = []
    for doc in json.load(sys.stdin):
        try:
            loaded = yaml.safe_load(doc)
            v = loaded["v"]
            if v is None: out.append(["null", ""])
            elif isinstance(v, bool): out.append(["bool", "true" if v else "false"])
            elif isinstance(v, int): out.append(["int", str(v)])
            elif isinstance(v, float): out.append(["float", "nan" if math.isnan(v) else struct.pack(">d", v).hex()])
            elif isinstance(v, str): out.append(["str", v])
            elif isinstance(v, (datetime.date, datetime.datetime)): out.append(["timestamp", ""])
            else: out.append(["other", type(v).__name__])
        except Exception as error:
            out.append(["error", type(error).__name__])
    print(json.dumps(out))
    """#

  struct Unavailable: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  /// PyYAML's answers for each document, in order.
  func pyyaml(_ documents: [String]) throws -> [Typed] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", ScalarResolverDifferentialTests.python]
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let payload = try JSONSerialization.data(withJSONObject: documents)
    // Write from another thread: the answer may fill the pipe before the question is read.
    let writer = Thread {
      input.fileHandleForWriting.write(payload)
      try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, let rows = try JSONSerialization.jsonObject(with: data) as? [[String]] else {
      throw Unavailable(
        message: """
          python3 with PyYAML is needed on PATH for the differential test \
          (export PATH=$PWD/.build-venv/bin:$PATH after ./install.sh --test): \(problem)
          """)
    }
    return rows.map { Typed(type: $0[0], value: $0.count > 1 ? $0[1] : "") }
  }

  /// mlgit's answer for one document.
  static func mlgit(_ document: String) -> Typed {
    guard let root = try? Document.parse(Data(document.utf8)), let node = root["v"] else {
      return Typed(type: "error", value: "")
    }
    guard case .scalar = node.value else { return Typed(type: "other", value: node.typeDescription) }
    switch JSONValue(node) {
    case .null: return Typed(type: "null", value: "")
    case .bool(let b): return Typed(type: "bool", value: b ? "true" : "false")
    case .int(let i): return Typed(type: "int", value: String(i))
    case .bigInt(let digits): return Typed(type: "int", value: digits)
    case .double(let d):
      if d.isNaN { return Typed(type: "float", value: "nan") }
      let hex = String(d.bitPattern, radix: 16)
      return Typed(type: "float", value: String(repeating: "0", count: 16 - hex.count) + hex)
    case .string(let s): return Typed(type: "str", value: s)
    default: return Typed(type: "other", value: "")
    }
  }

  /// Seeded: the same corpus on every machine.
  struct Generator {
    var random: SeededGenerator
    init(state: UInt64) { random = SeededGenerator(seed: state) }
    mutating func below(_ n: Int) -> Int { random.below(n) }
    mutating func pick(_ text: String) -> Character { Array(text)[below(text.count)] }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func string(_ alphabet: String, _ low: Int, _ high: Int) -> String {
      String((0..<(low + below(high - low + 1))).map { _ in pick(alphabet) })
    }
  }

  /// Scalars shaped like what the resolver decides on: signs, digits, underscores, dots,
  /// exponents, radix prefixes, base-60 groups, keywords in odd cases, and noise.
  static func corpus(seed: UInt64, count: Int) -> [String] {
    var g = Generator(state: seed)
    let keywords = [
      "yes", "no", "true", "false", "on", "off", "null", "~", "y", "n", ".inf", ".nan", "inf", "nan", "0", "-0",
    ]
    var out: [String] = [
      // The cases a change of value hid behind.
      "10", "010", "8", "12345678901234567890", "12345678901234567891", "-98765432109876543210987",
      "0x_", "0b_", "0o17", "1:30", "1:30.5", "190:20:30", "2026-01-01", "1e-5", "-.5", ".5", "1.", "1_000.5",
    ]
    while out.count < count {
      let sign = g.chance(30) ? String(g.pick("+-")) : ""
      var text: String
      switch g.below(7) {
      case 0:
        text = g.string("0123456789_.:+-eExXbBoO", 1, 8)
      case 1:
        text = sign + g.string("0123456789", 1, 25)
        if g.chance(50) { text += "." + g.string("0123456789_", 0, 6) }
        if g.chance(40) {
          text += String(g.pick("eE")) + (g.chance(60) ? String(g.pick("+-")) : "") + g.string("0123456789", 1, 3)
        }
      case 2:
        let prefix = ["0x", "0b", "0o", "0", "0X", "0B"][g.below(6)]
        text = sign + prefix + g.string(prefix.lowercased() == "0x" ? "0123456789abcdefABCDEFg_" : "0123456789_", 0, 22)
      case 3:
        text = sign + g.string("0123456789", 1, 3)
        for _ in 0..<(1 + g.below(3)) { text += ":" + g.string("0123456789", 1, 3) }
        if g.chance(40) { text += "." + g.string("0123456789_", 0, 4) }
      case 4:
        var word = Array(keywords[g.below(keywords.count)])
        if g.chance(50) {
          let index = g.below(word.count)
          word[index] = Character(g.chance(50) ? word[index].uppercased() : word[index].lowercased())
        }
        text = (g.chance(20) ? sign : "") + String(word)
      case 5:
        text =
          sign + (g.chance(50) ? "." : "") + g.string("0123456789_", 1, 6) + (g.chance(50) ? "." : "")
          + (g.chance(50) ? g.string("0123456789_", 0, 4) : "")
      default:
        text = g.string("0123456789abcxyz_.", 1, 10)
      }
      if text.hasSuffix(":") || text.hasPrefix("-") && text.count == 1 { continue }
      out.append(text)
    }
    return out
  }

  func testPlainScalarsAreTypedAsPyYAMLTypesThem() throws {
    let corpus = ScalarResolverDifferentialTests.corpus(seed: 0x6D6C_6769_7431, count: 6000)
    let documents = corpus.map { "v: \($0)\n" }
    let expected = try pyyaml(documents)
    var compared = 0
    var extension_ = 0
    var timestamps = 0
    var mismatches: [String] = []
    for (index, text) in corpus.enumerated() {
      let ours = ScalarResolverDifferentialTests.mlgit(documents[index])
      let theirs = expected[index]
      if ours == theirs {
        compared += 1
        continue
      }
      // Documented: exponent numbers without a dot or a signed exponent are floats.
      if theirs.type == "str", ours.type == "float", ScalarResolver.matches(text, .float) {
        var copy = text
        if copy.withUTF8({ ScalarResolver.isExponentFloat($0[...]) }) {
          extension_ += 1
          continue
        }
      }
      // Documented: dates and timestamps stay strings; `0b_` and `0x_` (PyYAML fails) are strings.
      if theirs.type == "timestamp", ours == Typed(type: "str", value: text) {
        timestamps += 1
        continue
      }
      if theirs.type == "error", ours == Typed(type: "str", value: text),
        text.range(of: #"^[-+]?0[bx]_+$"#, options: .regularExpression) != nil
      {
        continue
      }
      mismatches.append("\(text.debugDescription): PyYAML \(theirs), mlgit \(ours)")
    }
    XCTAssertTrue(
      mismatches.isEmpty, "\(mismatches.count) differences:\n" + mismatches.prefix(40).joined(separator: "\n"))
    // The corpus exercises every type, not only strings.
    XCTAssertGreaterThan(compared, 5000)
    XCTAssertGreaterThan(extension_, 50)
    for type in ["int", "float", "bool", "null", "str"] {
      XCTAssertGreaterThan(expected.filter { $0.type == type }.count, 50, type)
    }
    print(
      "differential: \(corpus.count) scalars, \(compared) equal, \(extension_) exponent floats, \(timestamps) timestamps"
    )
  }

  func testTaggedScalarsAreReadAsPyYAMLConstructsThemOrRefused() throws {
    let words = ScalarResolverDifferentialTests.corpus(seed: 0x7461_6773, count: 1500)
    let tags = ["!!int", "!!float", "!!bool", "!!null", "!!str"]
    var documents: [String] = [
      "v: !!int abc\n", "v: !!int xyz\n", "v: !!int \"010\"\n", "v: !!float 1\n", "v: !!str 010\n",
    ]
    for (index, word) in words.enumerated() { documents.append("v: \(tags[index % tags.count]) \(word)\n") }
    let expected = try pyyaml(documents)
    var agreed = 0
    var refused = 0
    var mismatches: [String] = []
    for (index, document) in documents.enumerated() {
      let ours = ScalarResolverDifferentialTests.mlgit(document)
      let theirs = expected[index]
      if ours == theirs || (ours.type == "error" && theirs.type == "error") {
        agreed += 1
      } else if ours.type == "error" {
        // mlgit reads an explicit !!int or !!float by the same grammar as a plain one, so
        // it refuses a few texts Python's int() and float() accept (`!!int 0o17`, `!!float inf`).
        refused += 1
      } else {
        mismatches.append("\(document.debugDescription): PyYAML \(theirs), mlgit \(ours)")
      }
    }
    XCTAssertTrue(
      mismatches.isEmpty, "\(mismatches.count) differences:\n" + mismatches.prefix(40).joined(separator: "\n"))
    XCTAssertEqual(ScalarResolverDifferentialTests.mlgit(documents[0]).type, "error")
    XCTAssertEqual(ScalarResolverDifferentialTests.mlgit(documents[2]), Typed(type: "int", value: "8"))
    XCTAssertLessThan(refused, documents.count / 20, "mlgit refuses more tagged values than it should")
    print("tagged: \(documents.count) documents, \(agreed) equal, \(refused) refused by mlgit only")
  }
}
