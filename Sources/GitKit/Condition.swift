#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A mutex with a condition variable (POSIX), for `ReadAhead`'s hand-over and a team
/// rule's match with a deadline, where a thread waits until another changes what the
/// mutex guards. Foundation's `NSCondition` is not in
/// FoundationEssentials; `Synchronization.Mutex`, mlgit's lock elsewhere, cannot wait.
/// The two are allocated once and never move, as POSIX requires.
/// @unchecked Sendable: pthread mutexes and condition variables are made to be shared.
public final class Condition: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let variable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  public init() {
    mutex.initialize(to: pthread_mutex_t())
    variable.initialize(to: pthread_cond_t())
    pthread_mutex_init(mutex, nil)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    #if os(Linux)
      // Timed waits count on the monotonic clock: a change of the system clock bends nothing.
      pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    #endif
    pthread_cond_init(variable, &attributes)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(variable)
    pthread_mutex_destroy(mutex)
    variable.deallocate()
    mutex.deallocate()
  }

  public func lock() { pthread_mutex_lock(mutex) }

  public func unlock() { pthread_mutex_unlock(mutex) }

  /// Releases the mutex until another thread broadcasts (or spuriously: callers wait in a
  /// loop on what they wait for), then holds it again. Call with the mutex held.
  public func wait() { pthread_cond_wait(variable, mutex) }

  /// Wakes every waiting thread. Call with the mutex held.
  public func broadcast() { pthread_cond_broadcast(variable) }

  /// The moment `seconds` from now, for `wait(until:)`, on the clock timed waits count on.
  public static func deadline(after seconds: Double) -> timespec {
    var until = timespec()
    #if os(Linux)
      clock_gettime(CLOCK_MONOTONIC, &until)
    #else
      clock_gettime(CLOCK_REALTIME, &until)
    #endif
    let nanoseconds = Int(until.tv_nsec) + Int(seconds.truncatingRemainder(dividingBy: 1) * 1e9)
    until.tv_sec += Int(seconds) + nanoseconds / 1_000_000_000
    until.tv_nsec = nanoseconds % 1_000_000_000
    return until
  }

  /// As `wait()`, but no later than `deadline`: false when it has passed.
  public func wait(until deadline: timespec) -> Bool {
    var deadline = deadline
    return pthread_cond_timedwait(variable, mutex, &deadline) != ETIMEDOUT
  }
}
