import Foundation
import GitKit
import Synchronization
import XCTest

/// `ReadAhead.run(parallel: false)`, what a process that may use one CPU only runs: the
/// same items, order and errors as the two-thread pipeline, all on the calling thread.
final class ReadAheadOneCoreTests: XCTestCase {
  private struct Fault: Error, Equatable { var at: Int }

  func testItemsArriveInOrderOnTheCallingThreadAfterMeanwhile() throws {
    let caller = pthread_self()
    var seen: [Int] = []
    var events: [String] = []
    let elsewhere = Counter()
    try ReadAhead.run(
      parallel: false,
      produce: { yield in
        if pthread_equal(pthread_self(), caller) == 0 { elsewhere.add() }
        for item in 0..<1_000 { try yield(item) }
      },
      meanwhile: { events.append("meanwhile after \(seen.count)") },
      consume: {
        if seen.isEmpty { events.append("first item") }
        seen.append($0)
      })
    XCTAssertEqual(seen, Array(0..<1_000))
    XCTAssertEqual(events, ["meanwhile after 0", "first item"])
    XCTAssertEqual(elsewhere.value, 0, "the producer ran on the calling thread")
  }

  func testAProducersErrorComesAfterTheItemsBeforeIt() {
    var seen: [Int] = []
    XCTAssertThrowsError(
      try ReadAhead.run(
        parallel: false,
        produce: { yield in
          for item in 0..<50 { try yield(item) }
          throw Fault(at: 50)
        }, consume: { seen.append($0) })
    ) { XCTAssertEqual($0 as? Fault, Fault(at: 50)) }
    XCTAssertEqual(seen, Array(0..<50))
  }

  func testAConsumersErrorStopsTheProducerAtOnce() {
    let produced = Counter()
    XCTAssertThrowsError(
      try ReadAhead.run(
        parallel: false,
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
    XCTAssertEqual(produced.value, 10, "nothing is produced after the item the consumer refused")
  }

  func testAMeanwhileErrorStopsBeforeAnythingIsProduced() {
    let produced = Counter()
    XCTAssertThrowsError(
      try ReadAhead.run(
        parallel: false,
        produce: { yield in
          for item in 0..<10 {
            produced.add()
            try yield(item)
          }
        }, meanwhile: { throw Fault(at: -1) }, consume: { _ in })
    ) { XCTAssertEqual($0 as? Fault, Fault(at: -1)) }
    XCTAssertEqual(produced.value, 0)
  }

  private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
  }
}
