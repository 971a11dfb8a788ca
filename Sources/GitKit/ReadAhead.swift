import Foundation

/// A two-stage pipeline: `produce` runs on a second thread (reading objects, typically)
/// while the calling thread `consume`s what it made, in order. mlgit's long reads (ten
/// thousands of notes, a whole history) cost about as much to read as to judge, and the
/// machines they run on have a second core.
///
/// The threads share nothing but the items: a producer that reads a repository uses its
/// own handle (`Repository.reopen()`), as libgit2 handles are not shared across threads.
public enum ReadAhead {
  /// Why `yield` throws in the producer: the consumer stopped (it threw, and that error is
  /// what `run` throws). Producers just let it propagate.
  public struct Stopped: Error {}

  /// Runs `produce` on a second thread, handing each item it yields to `consume` on the
  /// calling thread, in order. Returns when both are done; throws the first error of
  /// either (a producer's error after the items it yielded before it). The producer has
  /// always finished when this returns.
  ///
  /// `batch`: how many items the consumer waits for once it has run dry (fewer wake-ups
  /// when items are cheap to consume). `meanwhile` runs on the calling thread once the
  /// producer has started, before the first item is consumed.
  public static func run<Item>(
    batch: Int = 16,
    produce: @escaping (_ yield: (Item) throws -> Void) throws -> Void,
    meanwhile: () throws -> Void = {},
    consume: (Item) throws -> Void
  ) throws {
    let queue = Handoff<Item>(batch: max(1, batch))
    let producer = Thread {
      do {
        try produce { item in try queue.send(item) }
        queue.finish(throwing: nil)
      } catch {
        queue.finish(throwing: error)
      }
    }
    producer.stackSize = 8 << 20  // history reads recurse through trees and YAML
    producer.start()
    do {
      try meanwhile()
      while let items = try queue.receive() {
        for item in items { try consume(item) }
      }
    } catch {
      queue.stop()  // and wait: the producer must be done before this returns
      throw error
    }
  }
}

/// The items between the two threads of a `ReadAhead`.
private final class Handoff<Item>: @unchecked Sendable {
  private let condition = NSCondition()
  private var items: [Item] = []
  private var finished = false
  private var failure: Error?
  private var stopped = false
  /// The consumer is waiting for this many items (0: not waiting).
  private var wanted = 0
  private let batch: Int

  init(batch: Int) { self.batch = batch }

  func send(_ item: Item) throws {
    condition.lock()
    defer { condition.unlock() }
    if stopped { throw ReadAhead.Stopped() }
    items.append(item)
    if wanted > 0 && items.count >= wanted { condition.signal() }
  }

  /// The producer is done; `error` is why it stopped early.
  func finish(throwing error: Error?) {
    condition.lock()
    finished = true
    failure = error
    condition.broadcast()
    condition.unlock()
  }

  /// The items made since the last call (waiting for some), nil once every item was
  /// handed out; throws what stopped the producer, after its items.
  func receive() throws -> [Item]? {
    condition.lock()
    defer { condition.unlock() }
    if items.isEmpty && !finished {
      wanted = batch
      while items.count < batch && !finished { condition.wait() }
      wanted = 0
    }
    if !items.isEmpty {
      var taken: [Item] = []
      swap(&taken, &items)
      return taken
    }
    if let failure { throw failure }
    return nil
  }

  /// Tells the producer to stop and waits until it has.
  func stop() {
    condition.lock()
    stopped = true
    while !finished { condition.wait() }
    condition.unlock()
  }
}
