import FoundationEssentials
import MLGitErrors
import MLSpec

/// The computing resources a training run used, as the operating system counted them
/// (`mlgit run`; docs/runs.md, "Resource usage"):
///
/// - `wall_seconds`: elapsed time from starting the command to reaping it (a monotonic clock);
/// - `user_seconds`, `system_seconds`, `cpu_seconds` (their sum): CPU time of the command and
///   of every descendant that was waited for (by the command or by its descendants) before
///   the command ended: the kernel's `wait4` usage of the command, which includes its reaped
///   children's. A process left running in the background after the command ends is not counted;
/// - `peak_rss_bytes`: the largest peak resident set size of any single one of those processes
///   (`ru_maxrss`, a kernel high-water mark: exact, no sampling, misses no short spike). It is
///   not the sum over processes that ran at the same time: summing RSS counts memory that
///   forked workers share once per worker, and a sampled sum misses spikes between samples.
public struct RunResources: Sendable, Equatable {
  public var wallSeconds: Double
  public var userSeconds: Double
  public var systemSeconds: Double
  public var peakRSSBytes: Int64

  public init(wallSeconds: Double, userSeconds: Double, systemSeconds: Double, peakRSSBytes: Int64) {
    self.wallSeconds = wallSeconds
    self.userSeconds = userSeconds
    self.systemSeconds = systemSeconds
    self.peakRSSBytes = peakRSSBytes
  }

  /// User plus system CPU time.
  public var cpuSeconds: Double { userSeconds + systemSeconds }

  /// Peak memory in MiB (1,048,576 bytes), the unit of `budget.peak_memory_mb`.
  public var peakMemoryMB: Double { Double(peakRSSBytes) / 1_048_576 }

  /// Seconds rounded to the millisecond: the record says what was measured, not the clock's noise.
  static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

  /// The record's `resources` object.
  public var json: JSONValue {
    .object([
      "wall_seconds": .double(RunResources.rounded(wallSeconds)),
      "user_seconds": .double(RunResources.rounded(userSeconds)),
      "system_seconds": .double(RunResources.rounded(systemSeconds)),
      "cpu_seconds": .double(RunResources.rounded(cpuSeconds)),
      "peak_rss_bytes": .int(Int(peakRSSBytes)),
    ])
  }

  /// Reads a record's `resources` object; nil when it is not one (missing or malformed
  /// fields, negative or non-finite numbers): such a run has no usable measurement.
  public init?(_ value: JSONValue?) {
    guard let value, value.objectValue != nil,
      let wall = value["wall_seconds"]?.doubleValue, let user = value["user_seconds"]?.doubleValue,
      let system = value["system_seconds"]?.doubleValue, let peak = value["peak_rss_bytes"]?.doubleValue,
      [wall, user, system, peak].allSatisfy({ $0.isFinite && $0 >= 0 }), peak < 9.0e18
    else { return nil }
    self.init(wallSeconds: wall, userSeconds: user, systemSeconds: system, peakRSSBytes: Int64(peak))
  }

  /// `12.3 s wall, 10.1 s CPU, 1024 MiB peak`.
  public var summary: String {
    "\(RunResources.seconds(wallSeconds)) wall, \(RunResources.seconds(cpuSeconds)) CPU (\(RunResources.seconds(userSeconds)) user, \(RunResources.seconds(systemSeconds)) system), \(RunResources.megabytes(peakMemoryMB)) peak RSS"
  }

  public static func seconds(_ value: Double) -> String { CFormat.fixed(value, digits: 3) + " s" }
  public static func megabytes(_ value: Double) -> String { CFormat.fixed(value, digits: 1) + " MiB" }
}
