#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A mutex with a condition variable (POSIX), for `ReadAhead`'s hand-over, where a thread
/// waits until another changes what the mutex guards. Foundation's `NSCondition` is not in
/// FoundationEssentials; `Synchronization.Mutex`, mlgit's lock elsewhere, cannot wait.
/// The two are allocated once and never move, as POSIX requires.
/// @unchecked Sendable: pthread mutexes and condition variables are made to be shared.
final class Condition: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let variable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  init() {
    mutex.initialize(to: pthread_mutex_t())
    variable.initialize(to: pthread_cond_t())
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(variable, nil)
  }

  deinit {
    pthread_cond_destroy(variable)
    pthread_mutex_destroy(mutex)
    variable.deallocate()
    mutex.deallocate()
  }

  func lock() { pthread_mutex_lock(mutex) }

  func unlock() { pthread_mutex_unlock(mutex) }

  /// Releases the mutex until another thread broadcasts (or spuriously: callers wait in a
  /// loop on what they wait for), then holds it again. Call with the mutex held.
  func wait() { pthread_cond_wait(variable, mutex) }

  /// Wakes every waiting thread. Call with the mutex held.
  func broadcast() { pthread_cond_broadcast(variable) }
}
