import Foundation
import GitKit
import XCTest
import Synchronization

/// The two-thread pipeline (`parallel: true`, whatever CPUs the test machine has);
/// ReadAheadOneCoreTests covers the one-thread one.
final class ReadAheadTests: XCTestCase {
  private struct Fault: Error, Equatable { var at: Int }

  func testItemsArriveInOrderAndMeanwhileRunsFirst() throws {
    var seen: [Int] = []
    var meanwhileSawItems: Int?
    try ReadAhead.run(
      parallel: true,
      batch: 7,
      produce: { yield in
        for item in 0..<1_000 { try yield(item) }
      },
      meanwhile: {
        meanwhileSawItems = seen.count
      }, consume: { seen.append($0) })
    XCTAssertEqual(seen, Array(0..<1_000))
    XCTAssertEqual(meanwhileSawItems, 0, "meanwhile runs before anything is consumed")
  }

  func testNothingToProduce() throws {
    var seen = 0
    try ReadAhead.run(parallel: true, produce: { (_: (Int) throws -> Void) in }, consume: { _ in seen += 1 })
    XCTAssertEqual(seen, 0)
  }

  func testAProducersErrorComesAfterTheItemsBeforeIt() {
    var seen: [Int] = []
    XCTAssertThrowsError(
      try ReadAhead.run(
        parallel: true,
        produce: { yield in
          for item in 0..<50 { try yield(item) }
          throw Fault(at: 50)
        }, consume: { seen.append($0) })
    ) { XCTAssertEqual($0 as? Fault, Fault(at: 50)) }
    XCTAssertEqual(seen, Array(0..<50))
  }

  func testAConsumersErrorStopsTheProducerBeforeRunReturns() {
    let produced = Counter()
    XCTAssertThrowsError(
      try ReadAhead.run(
        parallel: true,
        batch: 1,
        produce: { yield in
          for item in 0..<100_000 {
            try yield(item)
            produced.add()
          }
        },
        consume: { item in
          if item == 10 { throw Fault(at: item) }
        })
    ) { XCTAssertEqual($0 as? Fault, Fault(at: 10)) }
    let stoppedAt = produced.value
    XCTAssertLessThan(stoppedAt, 100_000, "the producer was told to stop")
    Thread.sleep(forTimeInterval: 0.05)
    XCTAssertEqual(produced.value, stoppedAt, "and had stopped when run returned")
  }

  func testAMeanwhileErrorStopsTheProducer() {
    var consumed = 0
    XCTAssertThrowsError(
      try ReadAhead.run(
        parallel: true,
        produce: { yield in
          for item in 0..<10 { try yield(item) }
        }, meanwhile: { throw Fault(at: -1) }, consume: { _ in consumed += 1 })
    ) { XCTAssertEqual($0 as? Fault, Fault(at: -1)) }
    XCTAssertEqual(consumed, 0)
  }

  private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
  }
}
