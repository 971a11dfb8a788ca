import Foundation
import GitKit
import XCTest

/// `ReadAhead.run`'s `capacity`: a producer far faster than its consumer is held back
/// (the two-thread pipeline, which a machine with one CPU would not choose by default).
final class ReadAheadBoundTests: XCTestCase {
  func testAProducerThatWouldRunAheadIsHeldAtCapacity() throws {
    for (capacity, batch) in [(1, 1), (4, 16), (8, 3), (32, 32)] {
      let counts = Counts()
      var consumed = 0
      try ReadAhead.run(
        parallel: true,
        batch: batch, capacity: capacity,
        produce: { yield in
          for item in 0..<2_000 {
            try yield(item)
            counts.produced()
          }
        },
        consume: { item in
          XCTAssertEqual(item, consumed)
          if item == 0 {
            // Nothing is consumed yet: the producer can only get as far as the capacity.
            counts.waitUntilProduced(capacity)
          }
          consumed += 1
          counts.consumed(consumed)
        })
      XCTAssertEqual(consumed, 2_000)
      // Counted after each `yield` returned: at most `capacity` ahead of the consumer,
      // and it did get that far (the consumer waited for it to at the first item).
      XCTAssertEqual(counts.mostAhead, capacity, "capacity \(capacity), batch \(batch)")
    }
  }

  /// The producer's and consumer's counts (an `NSCondition`: the test waits on it, which a
  /// `Mutex` cannot). @unchecked Sendable: every `var` is read and written with
  /// `condition` held.
  private final class Counts: @unchecked Sendable {
    private let condition = NSCondition()
    private var producedCount = 0
    private var consumedCount = 0
    private var ahead = 0

    func produced() {
      condition.lock()
      defer { condition.unlock() }
      producedCount += 1
      ahead = max(ahead, producedCount - consumedCount)
      condition.broadcast()
    }

    func consumed(_ count: Int) {
      condition.lock()
      consumedCount = count
      condition.unlock()
    }

    func waitUntilProduced(_ count: Int) {
      condition.lock()
      while producedCount < count { condition.wait() }
      condition.unlock()
    }

    var mostAhead: Int {
      condition.lock()
      defer { condition.unlock() }
      return ahead
    }
  }
}
