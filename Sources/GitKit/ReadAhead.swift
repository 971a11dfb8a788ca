import CMLGitSupport
import MLGitErrors

/// A two-stage pipeline: `produce` runs on a second thread (reading objects, typically)
/// while the calling thread `consume`s what it made, in order. mlgit's long reads (ten
/// thousands of notes, a whole history) cost about as much to read as to judge, and the
/// machines they run on have a second core.
///
/// A process that may run on one CPU only (a one-core machine, `taskset`, a container's
/// cpuset) gains nothing from the second thread and pays for the hand-over (locks,
/// wake-ups, a context switch per batch): there `produce` runs on the calling thread and
/// hands each item straight to `consume`.
///
/// The threads share nothing but the items: a producer that reads a repository uses its
/// own handle (`Repository.reopen()`), as libgit2 handles are not shared across threads.
public enum ReadAhead {
  /// Why `yield` throws in the producer: the consumer stopped (it threw, and that error is
  /// what `run` throws). Producers just let it propagate.
  public struct Stopped: Error {}

  /// Whether this process may run on a second CPU (its affinity mask, read once):
  /// `run`'s default, and what callers that prepare for a second thread ask first.
  public static let secondCore = mlgit_usable_cpus() > 1

  /// Runs `produce` on a second thread, handing each item it yields to `consume` on the
  /// calling thread, in order. Returns when both are done; throws the first error of
  /// either (a producer's error after the items it yielded before it). The producer has
  /// always finished when this returns.
  ///
  /// `batch`: how many items the consumer waits for once it has run dry (fewer wake-ups
  /// when items are cheap to consume). `capacity`: at most this many items are yielded
  /// and not yet consumed; a producer that runs ahead waits in `yield` (a fast reader
  /// over a slow judge would otherwise hold a whole history in memory). `meanwhile` runs
  /// on the calling thread once the producer has started, before the first item is
  /// consumed.
  ///
  /// `produce` is `sending`: the caller gives it, and whatever it captures, to the
  /// producer thread (the compiler checks the caller keeps no use of them).
  ///
  /// `parallel` false (the default on one CPU): everything runs on the calling thread,
  /// `meanwhile` first, then `produce`, whose `yield` calls `consume`; an error `consume`
  /// throws comes out of `yield`, and the producer lets it propagate as it does `Stopped`.
  public static func run<Item: Sendable>(
    parallel: Bool = secondCore,
    batch: Int = 16,
    capacity: Int = 256,
    produce: sending @escaping (_ yield: (Item) throws -> Void) throws -> Void,
    meanwhile: () throws -> Void = {},
    consume: (Item) throws -> Void
  ) throws {
    guard parallel else {
      try meanwhile()
      try produce { item in try consume(item) }
      return
    }
    let capacity = max(1, capacity)
    let queue = Handoff<Item>(batch: min(max(1, batch), capacity), capacity: capacity)
    let handed = HandedOver(produce)
    // 8 MiB of stack: history reads recurse through trees and YAML.
    guard
      let producer = JoinableThread({
        do {
          try handed.value { item in try queue.send(item) }
          queue.finish(throwing: nil)
        } catch {
          queue.finish(throwing: error)
        }
      })
    else { throw GitError(message: "cannot start a thread to read with: the system refused one") }
    do {
      try meanwhile()
      while let items = try queue.receive() {
        for item in items { try consume(item) }
      }
    } catch {
      queue.stop()  // and wait: the producer must be done before this returns
      producer.join()
      throw error
    }
    producer.join()
  }
}

/// A value one thread hands to another and no longer uses: `ReadAhead.run`'s `sending`
/// producer. @unchecked Sendable: immutable, and `sending` made the compiler check that
/// the caller kept no use of what it holds.
private final class HandedOver<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: sending Value) { self.value = value }
}

/// The items between the two threads of a `ReadAhead`.
/// @unchecked Sendable: every stored `var` is read and written only with `condition` held.
/// A `Condition`, not the `Mutex` mlgit's other locks are: both sides wait on it (the
/// producer for room, the consumer for items), and `Mutex` has no wait.
private final class Handoff<Item: Sendable>: @unchecked Sendable {
  private let condition = Condition()
  private var items: [Item] = []
  private var finished = false
  private var failure: Error?
  private var stopped = false
  /// The consumer is waiting for this many items (0: not waiting).
  private var wanted = 0
  /// Items of the last `receive` the consumer may still be consuming: they count against
  /// `capacity` until it comes back for more.
  private var handedOut = 0
  /// The producer waits for room.
  private var full = false
  private let batch: Int
  private let capacity: Int

  init(batch: Int, capacity: Int) {
    self.batch = batch
    self.capacity = capacity
  }

  /// Queues `item`, first waiting while `capacity` items are yielded and not consumed.
  func send(_ item: Item) throws {
    condition.lock()
    defer { condition.unlock() }
    while !stopped && items.count + handedOut >= capacity {
      full = true
      condition.wait()
    }
    full = false
    if stopped { throw ReadAhead.Stopped() }
    items.append(item)
    // A full queue wakes the consumer too: it may want more than there is room for.
    if wanted > 0 && (items.count >= wanted || items.count + handedOut >= capacity) { condition.broadcast() }
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
    // The consumer is back: the items handed out before are consumed.
    handedOut = 0
    if full { condition.broadcast() }
    if items.isEmpty && !finished {
      wanted = batch
      while items.count < batch && items.count < capacity && !finished { condition.wait() }
      wanted = 0
    }
    if !items.isEmpty {
      var taken: [Item] = []
      swap(&taken, &items)
      handedOut = taken.count
      return taken
    }
    if let failure { throw failure }
    return nil
  }

  /// Tells the producer to stop and waits until it has.
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()  // a producer waiting for room
    while !finished { condition.wait() }
    condition.unlock()
  }
}
