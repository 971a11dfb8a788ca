import Foundation
import MLSpec
import TestSupport
import XCTest

@testable import MLPolicy

/// The streaming CSV reader and the schema check built on it: the same answers whatever
/// the chunks, memory bounded by the reader's limits, every cell type judged.
final class DataSchemaValidatorTests: XCTestCase {
  func schema(_ yaml: String) throws -> DataSchema {
    let spec = "name: m\ndata:\n  train:\n    path: data/train.csv\n    schema: \(yaml)\n"
    let (read, problems) = ModelSpec.read(try Document.parse(Data(spec.utf8)))
    XCTAssertEqual(problems.filter { $0.message.contains("schema") }.map(\.message), [])
    return try XCTUnwrap(read?.data.first?.schema)
  }

  func records(_ bytes: Data, chunks: [Int]? = nil) -> [(line: Int, fields: [String], terminated: Bool)] {
    var reader = CSVRecordReader(separator: UInt8(ascii: ","))
    var out: [(Int, [String], Bool)] = []
    let handler: CSVRecordReader.Handler = { record in
      out.append((record.line, record.fields.map { String(decoding: $0, as: UTF8.self) }, record.terminated))
      return nil
    }
    var offset = 0
    for size in chunks ?? [bytes.count] where offset < bytes.count {
      let end = min(bytes.count, offset + size)
      reader.feed(bytes.subdata(in: offset..<end), handler)
      offset = end
    }
    if offset < bytes.count { reader.feed(bytes.subdata(in: offset..<bytes.count), handler) }
    reader.finish(handler)
    return out
  }

  func testQuotesLineEndsAndTheByteOrderMark() {
    let text = Data([0xEF, 0xBB, 0xBF]) + Data("\"a,b\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\"\r\n\n3,x\r4,y".utf8)
    let got = records(text)
    XCTAssertEqual(got.map(\.line), [1, 2, 5, 6])
    XCTAssertEqual(got.map(\.fields), [["a,b", "say \"hi\""], ["1", "two\nlines"], ["3", "x"], ["4", "y"]])
    XCTAssertEqual(got.map(\.terminated), [true, true, true, false])
  }

  func testEveryChunkingGivesTheSameRecords() {
    let text = Data([0xEF, 0xBB, 0xBF]) + Data("h1,\"h,2\"\r\n\"a\"\"b\",c\r\n\r\n\"x\r\ny\",z\n,\n last ,\"q\"".utf8)
    let whole = records(text)
    var generator = SeededGenerator(seed: 14)
    for _ in 0..<200 {
      var chunks: [Int] = []
      var left = text.count
      while left > 0 {
        let size = 1 + generator.below(4)
        chunks.append(size)
        left -= size
      }
      let got = records(text, chunks: chunks)
      XCTAssertEqual(got.map(\.line), whole.map(\.line), "chunks \(chunks)")
      XCTAssertEqual(got.map(\.fields), whole.map(\.fields), "chunks \(chunks)")
    }
  }

  func testANulByteStopsReadingAndTheReportSaysWhere() throws {
    var validator = DataSchemaValidator(schema: try schema("[a]"), separator: UInt8(ascii: ","))
    validator.feed(Data("a\n1\n".utf8) + Data([0x00, 0x41]))
    let report = validator.finish(complete: true)
    XCTAssertEqual(report.problem, "is not a text file (a NUL byte at byte 4)")
  }

  func testMemoryStaysBoundedOnAHugeFieldAndAHugeHeader() throws {
    var reader = CSVRecordReader(separator: UInt8(ascii: ","), fieldLimit: 100, recordLimit: 1000)
    var kept: [Int] = []
    var truncated: [Bool] = []
    let chunk = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
    let handler: CSVRecordReader.Handler = { record in
      kept.append(record.fields.reduce(0) { $0 + $1.count })
      truncated.append(record.truncated)
      return [0]
    }
    // A 4 MiB header made of one name, then a header of a million empty columns.
    for _ in 0..<4 { reader.feed(chunk, handler) }
    reader.feed(Data("\n".utf8), handler)
    reader.feed(Data(repeating: UInt8(ascii: ","), count: 1_000_000) + Data("\n".utf8), handler)
    XCTAssertEqual(kept, [100, 0])
    XCTAssertEqual(truncated, [true, false])

    var validator = DataSchemaValidator(schema: try schema("[a]"), separator: UInt8(ascii: ","))
    validator.feed(Data(repeating: UInt8(ascii: ","), count: 100_000) + Data("a\n".utf8))
    XCTAssertEqual(
      validator.finish(complete: true).problem,
      "has a header row over mlgit's bounds (65536 columns, 1048576 bytes)")
  }

  func testCellsAreJudgedByType() throws {
    let s = try schema(
      """
      {n: int, x: {type: float, min: 0, max: 1}, b: bool, d: {type: date, min: 2020-01-01}, c: {values: [north, south], nullable: false}, k: {type: int, values: [0, 1]}, r: {max: 5, values: [1, 2]}, q: {type: float, values: [1]}}
      """)
    func kinds(_ column: String, _ values: [String]) throws -> [DataSchemaValidator.Violation.Kind?] {
      let c = try XCTUnwrap(s.columns.first { $0.name == column })
      return values.map { DataSchemaValidator.judge(Array($0.utf8), c) }
    }
    XCTAssertEqual(
      try kinds("n", ["12", "-3", " +4 ", "", "1.5", "1e3", "0x10", "١٢"]),
      [nil, nil, nil, nil, .type(.int), .type(.int), .type(.int), .type(.int)])
    XCTAssertEqual(
      try kinds("x", ["0.5", "1e-1", "-0.1", "1.01", "nan", "inf", "0x1p-2", "."]),
      [
        nil, nil, .belowMin(.number(0)), .aboveMax(.number(1)), .type(.float), .type(.float), .type(.float),
        .type(.float),
      ])
    XCTAssertEqual(try kinds("b", ["true", "F", "yes", "0", "maybe"]), [nil, nil, nil, nil, .type(.bool)])
    XCTAssertEqual(
      try kinds("d", ["2021-02-28", "2020-02-30", "2019-12-31", "2021-03-01T10:00:00Z", "01/02/2021"]),
      [nil, .type(.date), .belowMin(.date("2020-01-01")), nil, .type(.date)])
    XCTAssertEqual(try kinds("c", ["north", "", "North"]), [nil, .empty, .notAllowed])
    XCTAssertEqual(try kinds("k", ["1", "1.0", "2"]), [nil, .type(.int), .notAllowed])
    // Untyped with a range: a float, whose values compare as numbers.
    XCTAssertEqual(try kinds("r", ["1", "1.0", "7", "3"]), [nil, nil, .aboveMax(.number(5)), .notAllowed])
    XCTAssertEqual(try kinds("q", ["1.0", "1e0", "2"]), [nil, nil, .notAllowed])
  }

  func testViolationsAreCountedWithTheirFirstLine() throws {
    var validator = DataSchemaValidator(
      schema: try schema("{a: {type: int, min: 0}, b: string, z: float}"),
      separator: UInt8(ascii: ","))
    validator.feed(Data("b,a,a\nx,1,9\ny,-1,9\nz,-2,9\nw,3".utf8))
    let cut = validator
    let report = validator.finish(complete: true)
    XCTAssertEqual(report.rows, 4)
    XCTAssertEqual(
      report.violations.map(\.message),
      [
        "column 'a' appears 2 times in the header; the first is checked",
        "column 'z' is not in the header",
        "column 'a' holds -1, below min 0 (2 rows, first on line 3)",
      ])
    // A prefix cut at a bound: its last record, unterminated, may be cut and is not judged.
    var prefix = cut
    XCTAssertEqual(prefix.finish(complete: false).rows, 3)
  }

  func testSchemaProblemsAreReportedWhereTheyAreWritten() throws {
    let spec = """
      name: m
      data:
        train:
          path: data/train.csv
          schema:
            a: flaot
            b: {type: string, min: 1}
            c: {min: 5, max: 1, colour: red}
            d: {values: []}
        other: {path: x.csv, schema: 3}

      """
    let problems = ModelSpec.read(try Document.parse(Data(spec.utf8))).problems.filter { $0.message.contains("schema") }
    XCTAssertEqual(
      problems.map { "\($0.location.line): \($0.message)" },
      [
        "6: data 'train' schema: column 'a': unknown type 'flaot'",
        "7: data 'train' schema: column 'b': a string column has no range",
        "8: data 'train' schema: column 'c': unknown field 'colour'",
        "8: data 'train' schema: column 'c': min 5 is above max 1",
        "9: data 'train' schema: column 'd': values must be a non-empty list, found a list",
        "10: data 'other' schema: must be a list of column names or a mapping of column to type, found an integer",
      ])
    XCTAssertEqual(problems.first?.hint, "did you mean 'float'? types: int, float, string, bool, date")
  }

  /// data-1: nothing for a bare spec; half a point for a declared schema nothing checks,
  /// or for the rule enforcing no schema; the full point for the rule enforcing a declared one.
  func testTheDataSchemaTestIsEarnedByTheDeclaredSchemaAndTheRule() throws {
    let test = try XCTUnwrap(MLTestScore.tests.first { $0.id == "data-1" })
    let spec = "name: m\ndata:\n  train: {path: data/train.csv, schema: [income]}\n"
    let declared = try XCTUnwrap(ModelSpec.read(try Document.parse(Data(spec.utf8))).spec?.data)
    func grade(_ config: String?, schemas: [DataReference]) throws -> ScoredTest {
      var facts = ScoreFacts(
        model: "m", specPath: "models/m.yaml", commit: String(repeating: "a", count: 40),
        policy: try EffectivePolicy.load(config: config.map { Data($0.utf8) }))
      facts.dataSchemas = schemas
      return ScoreGrader.grade(test, facts)
    }
    let strict = "apiVersion: mlgit/v1\nextends: [strict]\n"
    XCTAssertEqual(try grade(nil, schemas: []).points, .none)
    let documented = try grade(nil, schemas: declared)
    XCTAssertEqual(documented.points, .half)
    XCTAssertEqual(documented.evidence.map(\.kind), ["data-schema"])
    XCTAssertTrue(documented.hint?.contains("`data/schema: error`") ?? false, documented.hint ?? "")
    let unchecked = try grade(strict, schemas: [])
    XCTAssertEqual(unchecked.points, .half)
    XCTAssertTrue(
      unchecked.hint?.contains("declare the columns of the model's data in models/m.yaml") ?? false,
      unchecked.hint ?? "")
    XCTAssertEqual(try grade(strict, schemas: declared).points, .full)
    XCTAssertEqual(ScoreGrader.packsEnforcing()["data/schema"], ["strict", "regulated"])
  }
}
