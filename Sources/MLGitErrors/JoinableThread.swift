#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A POSIX thread running one closure, with as much stack as the main thread has (8 MiB:
/// the readers recurse through trees, YAML and JSON as deep as the documents nest).
/// Foundation's `Thread` is not in FoundationEssentials, and mlgit needs little of it.
///
/// Non-copyable: `join()` consumes it, and one dropped without joining is detached, so a
/// thread is never left unjoined and unreleased.
public struct JoinableThread: ~Copyable {
  private let handle: pthread_t

  /// Starts `body` on a new thread; nil when the system cannot start one (the caller
  /// reports it, or does the work itself).
  public init?(stackSize: Int = 8 << 20, _ body: @escaping @Sendable () -> Void) {
    var attributes = pthread_attr_t()
    guard pthread_attr_init(&attributes) == 0 else { return nil }
    defer { pthread_attr_destroy(&attributes) }
    _ = pthread_attr_setstacksize(&attributes, stackSize)
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    #if os(Linux)
      var handle = pthread_t()
      let started = pthread_create(
        &handle, &attributes,
        { context in
          guard let context else { return nil }
          Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
          return nil
        }, context)
      guard started == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return nil
      }
      self.handle = handle
    #else
      var handle: pthread_t?
      let started = pthread_create(
        &handle, &attributes,
        { context in
          Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
          return nil
        }, context)
      guard started == 0, let handle else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return nil
      }
      self.handle = handle
    #endif
  }

  /// Waits until the closure has returned.
  public consuming func join() {
    pthread_join(handle, nil)
    discard self
  }

  deinit { pthread_detach(handle) }
}

/// The closure a `JoinableThread` runs, passed through `pthread_create`'s context pointer.
private final class ThreadBody {
  let run: @Sendable () -> Void
  init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
