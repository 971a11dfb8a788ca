import Foundation
import MLSpec
import XCTest

@testable import MLPolicy

/// The records and judgements behind runs/budget, runs/stale and runs/reproduced.
final class RunEvidenceRecordTests: XCTestCase {
  func run(_ id: String, finished: String) -> RunRecord {
    RunRecord(
      id: id, commit: String(repeating: "a", count: 40), model: "m", started: finished, finished: finished,
      user: "u", host: "h", command: "c", exit: 0)
  }

  func testResourcesRoundTripAndOldOrMalformedOnesReadAsAbsent() throws {
    let measured = RunResources(
      wallSeconds: 1.2345678, userSeconds: 0.5, systemSeconds: 0.25, peakRSSBytes: 123_456_789)
    var record = run("r1", finished: "2026-01-01T00:00:00Z")
    record.resources = measured
    record.version = "1.4.0"
    let parsed = try RunRecord.parse(record.line)
    XCTAssertEqual(parsed.resources?.wallSeconds, 1.235)
    XCTAssertEqual(parsed.resources?.cpuSeconds, 0.75)
    XCTAssertEqual(parsed.resources?.peakRSSBytes, 123_456_789)
    XCTAssertEqual(parsed.version, "1.4.0")
    XCTAssertEqual(try RunRecord.parseViaValue(record.line), parsed)
    XCTAssertNil(try RunRecord.parse(run("r2", finished: "x").line).resources)
    let negative = record.line.replacingOccurrences(of: #""wall_seconds":1.235"#, with: #""wall_seconds":-1"#)
    XCTAssertNil(try RunRecord.parse(negative).resources)
    let text = record.line.replacingOccurrences(of: #""peak_rss_bytes":123456789"#, with: #""peak_rss_bytes":"big""#)
    XCTAssertNil(try RunRecord.parse(text).resources)
  }

  func testStalenessCountsTheNewestRunNotDatedInTheFuture() throws {
    let now = try XCTUnwrap(EvidenceClock.parse("2026-03-01T00:00:00Z"))
    let old = run("old", finished: "2026-01-01T00:00:00Z")
    let recent = run("recent", finished: "2026-02-20T00:00:00Z")
    XCTAssertEqual(RunsStaleRule.judge([old, recent], maxAgeDays: 30, now: now), .fresh(recent, days: 9))
    XCTAssertEqual(RunsStaleRule.judge([old], maxAgeDays: 30, now: now), .stale(old, days: 59))
    // A date just ahead of the clock (another machine's clock) counts; one far ahead does not.
    let skewed = run("skewed", finished: "2026-03-01T00:04:00Z")
    let future = run("future", finished: "2099-01-01T00:00:00Z")
    XCTAssertEqual(RunsStaleRule.judge([old, skewed], maxAgeDays: 30, now: now), .fresh(skewed, days: 0))
    XCTAssertEqual(RunsStaleRule.judge([old, future], maxAgeDays: 30, now: now), .stale(old, days: 59))
    XCTAssertEqual(RunsStaleRule.judge([future], maxAgeDays: 30, now: now), .onlyFuture(future))
    XCTAssertEqual(
      RunsStaleRule.judge([run("undated", finished: "yesterday")], maxAgeDays: 30, now: now),
      .onlyFuture(run("undated", finished: "yesterday")))
    XCTAssertNil(RunsStaleRule.judge([], maxAgeDays: 30, now: now))
  }

  func testTheClockIsSettableExceptOnTheServer() throws {
    let environment = ["MLGIT_NOW": "2026-03-01T00:00:00Z"]
    XCTAssertEqual(EvidenceClock.now(for: .push, environment: environment), EvidenceClock.parse("1772323200"))
    XCTAssertEqual(EvidenceClock.now(for: .push, environment: environment).timeIntervalSince1970, 1_772_323_200)
    XCTAssertLessThan(abs(EvidenceClock.now(for: .receive, environment: environment).timeIntervalSinceNow), 60)
    XCTAssertLessThan(abs(EvidenceClock.now(for: .push, environment: ["MLGIT_NOW": "soon"]).timeIntervalSinceNow), 60)
  }

  func testReproductionRecordsParseAndRefuseWhatTheRulesCannotRead() throws {
    let verdict = ReproductionRecord(
      id: "v1", run: "r1", commit: String(repeating: "b", count: 40), model: "m",
      reproduced: true, tolerance: 0.01, user: "bob@example.com", host: "ci", at: "2026-01-02T00:00:00Z", exit: 0,
      metrics: ["auc": .init(recorded: 0.8, reproduced: 0.805), "new": .init(recorded: nil, reproduced: 1)])
    XCTAssertTrue(ReproductionRecord.claims(verdict.line))
    let parsed = try ReproductionRecord.parse(verdict.line)
    XCTAssertEqual(parsed, verdict)
    XCTAssertEqual(parsed.metrics["auc"]?.difference ?? 0, 0.005, accuracy: 1e-12)
    XCTAssertNil(parsed.metrics["new"]?.difference)
    XCTAssertThrowsError(try RunRecord.parse(verdict.line), "a verdict is not a run")
    for broken in [
      verdict.line.replacingOccurrences(of: #""reproduced":true"#, with: #""reproduced":"yes""#),
      verdict.line.replacingOccurrences(of: #""tolerance":0.01"#, with: #""tolerance":-1"#),
      verdict.line.replacingOccurrences(of: String(repeating: "b", count: 40), with: "HEAD"),
      verdict.line.replacingOccurrences(of: #""run":"r1","#, with: ""),
    ] {
      XCTAssertThrowsError(try ReproductionRecord.parse(broken), broken)
    }
  }
}
