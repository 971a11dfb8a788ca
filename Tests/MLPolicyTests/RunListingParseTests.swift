import Foundation
@testable import MLPolicy
import MLSpec
import TestSupport
import XCTest

/// `RunListing.parse` and `RunRecord.parse` decode fields as they read them; they must
/// agree with reading the line as a whole JSON value, well-formed or not.
final class RunListingParseTests: XCTestCase {
  static let good =
    #"{"command":"python train.py","commit":"0123456789abcdef0123456789abcdef01234567","data":{},"dirty":false,"exit":0,"finished":"2026-01-01T00:00:02Z","host":"h","id":"000000000001","metrics":{"auc":0.81,"loss":1},"model":"credit-risk","params":{"max_depth":6,"seed":42},"schema":"mlgit.run/1","started":"2026-01-01T00:00:01Z","user":"u"}"#

  static let lines: [String] = [
    good,
    good.replacingOccurrences(of: #""dirty":false"#, with: #""dirty":true"#),
    good.replacingOccurrences(of: #""model":"credit-risk""#, with: #""mod\u0065l":"escaped-key""#),
    good.replacingOccurrences(of: #""model":"credit-risk""#, with: #""model\u0000":"nul-key""#),
    good.replacingOccurrences(of: #""exit":0"#, with: #""exit":2.9"#),
    good.replacingOccurrences(of: #""exit":0"#, with: #""exit":"1""#),
    good.replacingOccurrences(of: #""exit":0,"#, with: ""),
    // (An exit beyond Int's range traps in Int(Double) in both readers: noted in notes/perf.md.)
    good.replacingOccurrences(of: #""exit":0"#, with: #""exit":-1234567890123456789"#),
    good.replacingOccurrences(of: #""exit":0"#, with: #""exit":123456789012345678"#),
    good.replacingOccurrences(of: #""model":"credit-risk""#, with: #""model":7"#),
    good.replacingOccurrences(of: #""model":"credit-risk""#, with: #""model":"a","model":"b""#),
    good.replacingOccurrences(of: #""model":"credit-risk""#, with: #""model":"a","model":null"#),
    good.replacingOccurrences(of: #""id":"000000000001""#, with: #""id":"""#),
    good.replacingOccurrences(of: #""id":"000000000001""#, with: #""id":1"#),
    good.replacingOccurrences(of: #""schema":"mlgit.run/1""#, with: #""schema":"mlgit.run/2""#),
    good.replacingOccurrences(
      of: #""metrics":{"auc":0.81,"loss":1}"#, with: #""metrics":{"auc":1e400,"x":"s","y":-0.5e-3}"#),
    good.replacingOccurrences(of: #""metrics":{"auc":0.81,"loss":1}"#, with: #""metrics":[1,2]"#),
    good.replacingOccurrences(of: #""model":"credit-risk""#, with: #""model":"caf\u00e9 \"q\" \\ \n""#),
    good.replacingOccurrences(
      of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":{"deep":[1,{"a":[true,null]}]}"#),
    good.replacingOccurrences(of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":{"bad":01}"#),
    good.replacingOccurrences(of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":NaN"#),
    // Escapes in fields a listing skips: a bad one fails both readers, a good one neither.
    good.replacingOccurrences(of: #""host":"h""#, with: #""host":"\q""#),
    good.replacingOccurrences(of: #""host":"h""#, with: #""host":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#),
    good.replacingOccurrences(of: #""user":"u""#, with: #""user":"\u12""#),
    good.replacingOccurrences(of: #""user":"u""#, with: #""user":"\ud800""#),
    good.replacingOccurrences(of: #""user":"u""#, with: #""user":"\udc00x""#),
    good.replacingOccurrences(of: #""user":"u""#, with: #""user":"\ud83d\u0041""#),
    good.replacingOccurrences(of: #""command":"python train.py""#, with: #""command":"a\"#),
    good.replacingOccurrences(of: #""data":{}"#, with: #""data":{"\q":"x"}"#),
    good.replacingOccurrences(of: #""data":{}"#, with: #""data":{"t":"\x41"}"#),
    good.replacingOccurrences(of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":{"a":["\q"]}"#),
    good.replacingOccurrences(of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":{"a":"\u00zz"}"#),
    good.replacingOccurrences(of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":{"a\u0041":"\/"}"#),
    good.replacingOccurrences(of: #""finished":"2026-01-01T00:00:02Z""#, with: #""finished":"\"#),
    good.replacingOccurrences(of: #""schema":"mlgit.run/1""#, with: #""schema":"mlgit.run/1","x":"\'""#),
    "  " + good + "  ",
    good + "x",
    String(good.dropLast()),
    "[1,2]",
    "{}",
    "",
    "not json",
    #"{"schema":"mlgit.run/1","id":"x"}"#,
    #"{"schema":"mlgit.run/1","id":"x","dirty":1,"exit":true}"#,
  ]

  /// The listing of a line read as a whole JSON value (the reference).
  static func reference(_ line: String) -> RunListing? {
    guard let run = try? RunRecord.parseViaValue(line) else { return nil }
    return RunListing(
      id: run.id, commit: run.commit, model: run.model, started: run.started, exit: run.exit,
      dirty: run.dirty, metrics: run.metrics, line: line)
  }

  func testFieldByFieldAgreesWithParsedValues() {
    for line in RunListingParseTests.lines {
      XCTAssertEqual(try? RunListing.parse(line), RunListingParseTests.reference(line), line)
    }
    XCTAssertNotNil(try? RunListing.parse(RunListingParseTests.good))
    func line(containing text: String) -> String { RunListingParseTests.lines.first { $0.contains(text) } ?? "" }
    XCTAssertEqual(try? RunListing.parse(line(containing: #""model":"a","model":"b""#)).model, "b")
    XCTAssertEqual(try? RunListing.parse(line(containing: #""model":"a","model":null"#)).model, "")
    XCTAssertEqual(try? RunListing.parse(line(containing: "escaped-key")).model, "escaped-key")
    XCTAssertEqual(try? RunListing.parse(line(containing: "nul-key")).model, "")
    XCTAssertNil(try? RunListing.parse(line(containing: #""host":"\q""#)), "a bad escape in a skipped field")
    XCTAssertNil(try? RunListing.parse(line(containing: #""data":{"\q""#)), "a bad escape in a skipped key")
    XCTAssertNotNil(try? RunListing.parse(line(containing: #""host":"a\""#)), "good escapes in a skipped field")
  }

  func testRecordsReadFieldByFieldAgreeWithParsedValues() {
    let more = [
      RunListingParseTests.good.replacingOccurrences(
        of: #""data":{}"#, with: #""data":{"train":"ab12","bad":1,"train":"cd34"}"#),
      RunListingParseTests.good.replacingOccurrences(of: #""data":{}"#, with: #""data":[]"#),
      RunListingParseTests.good.replacingOccurrences(of: #""id":"#, with: #""interrupted":"SIGTERM","id":"#),
      RunListingParseTests.good.replacingOccurrences(of: #""id":"#, with: #""interrupted":15,"id":"#),
      RunListingParseTests.good.replacingOccurrences(of: #""host":"h""#, with: #""host":"h","host":false"#),
      RunListingParseTests.good.replacingOccurrences(
        of: #""params":{"max_depth":6,"seed":42}"#, with: #""params":[1,"x"]"#),
      RunListingParseTests.good.replacingOccurrences(
        of: #""metrics":{"auc":0.81,"loss":1}"#, with: #""metrics":{"auc":0.81,"auc":"n"}"#),
    ]
    for line in RunListingParseTests.lines + more {
      let fast = Result { try RunRecord.parse(line) }
      let reference = Result { try RunRecord.parseViaValue(line) }
      XCTAssertEqual(try? fast.get(), try? reference.get(), line)
      if case .failure(let a) = fast, case .failure(let b) = reference {
        XCTAssertEqual(String(describing: a), String(describing: b), line)
      }
    }
    XCTAssertEqual(try? RunRecord.parse(more[0]).data, ["train": "cd34"])
    XCTAssertEqual(try? RunRecord.parse(more[2]).interrupted, "SIGTERM")
    XCTAssertTrue(
      (try? RunRecord.parse(more[2]))?.line.contains(#""id":"000000000001","interrupted":"SIGTERM","metrics""#)
        ?? false,
      "written in its sorted place")
    XCTAssertNil(try? RunRecord.parse(RunListingParseTests.good).interrupted)
    XCTAssertFalse((try? RunRecord.parse(RunListingParseTests.good))?.line.contains("interrupted") ?? true)
  }

  func testTableKeepsGoodLinesAroundBadOnesAndSortsNewestFirst() throws {
    func run(_ id: String, _ started: String, metrics: String = #"{"b":2,"a":0.5}"#) -> String {
      #"{"schema":"mlgit.run/1","id":"\#(id)","commit":"c0ffee00aa","model":"m","started":"\#(started)","exit":0,"dirty":true,"metrics":\#(metrics)}"#
    }
    let lines = [
      run("r1", "2026-01-01T00:00:01Z"),
      String(run("bad", "2026-01-01T00:00:09Z").dropLast()),  // truncated: skipped, leaves nothing behind
      run("r3", "2026-01-01T00:00:01Z", metrics: #"{"z":1,"a":2,"z":"no","m":3}"#),
      run("r2", "2026-01-02T00:00:00Z"),
      run("r0", "2026-01-01T00:00:01Z"),
      "{}",
    ]
    var table = RunListings()
    var kept: [Bool] = []
    for line in lines {
      var copy = line
      kept.append(copy.withUTF8 { table.append(line: UnsafeRawBufferPointer($0), keepingLine: true) })
    }
    XCTAssertEqual(kept, [true, false, true, true, true, false])
    XCTAssertEqual((0..<table.count).map { table.listing($0).line }, [lines[0], lines[2], lines[3], lines[4]])
    XCTAssertEqual(
      (0..<table.count).map { table.listing($0) },
      [lines[0], lines[2], lines[3], lines[4]].map(RunListingParseTests.reference))
    // Newest first; equal start times by id, descending.
    XCTAssertEqual(table.newestFirst(Array(0..<table.count)).map { table.listing($0).id }, ["r2", "r3", "r1", "r0"])
    var names: [String] = []
    table.forEachMetricByName(1) { names.append(table.string($0.name) + "=\($0.value)") }
    XCTAssertEqual(names, ["a=2.0", "m=3.0"], "a name given again as a non-number is dropped")
    names = []
    table.forEachMetricByName(0) { names.append(table.string($0.name)) }
    XCTAssertEqual(names, ["a", "b"])
  }

  func testNumbersCopiedAsWrittenAreWhatSwiftPrints() {
    func copied(_ text: String) -> Bool {
      var text = text
      return text.withUTF8 {
        RunListings.isDescription(UnsafeRawBufferPointer($0), of: Double(String(decoding: $0, as: UTF8.self))!)
      }
    }
    for text in ["0.81", "-0.5", "0.0001", "12345678901234.5", "12.25", "0.000123"] {
      XCTAssertTrue(copied(text), text)
      XCTAssertEqual(Double(text)!.description, text)
    }
    for text in ["0.810", "1", "1.0", "0.00009", "1e-3", "0.1234567890123456", "1000000000000000.5", "-0"] {
      XCTAssertFalse(copied(text), text)
    }
    // Random decimals of up to 15 digits: whenever one is copied, Swift prints it the same.
    var generator = SeededGenerator(seed: 0x7275_6e73)
    var checked = 0
    for _ in 0..<20_000 {
      let digits = (0..<Int.random(in: 1...16, using: &generator)).map { _ in
        String(Int.random(in: 0...9, using: &generator))
      }.joined()
      let point = Int.random(in: 0...digits.count, using: &generator)
      var text = (point == 0 ? "0" : String(Int(digits.prefix(point)) ?? 0)) + "." + digits.dropFirst(point)
      if text.hasSuffix(".") { text += "5" }
      if Bool.random(using: &generator) { text = "-" + text }
      guard copied(text) else { continue }
      checked += 1
      XCTAssertEqual(Double(text)!.description, text)
    }
    XCTAssertGreaterThan(checked, 5_000)
  }
}
