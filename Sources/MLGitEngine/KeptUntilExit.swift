import FoundationEssentials

/// Values left for the process's exit to free, as git's UNLEAK does: a history's worth
/// of reports and caches would otherwise be freed object by object after the work is done.
enum KeptUntilExit {
  /// Takes one reference that is never given back: nothing is stored, so nothing is
  /// shared between threads.
  static func keep(_ value: Any) {
    _ = Unmanaged.passRetained(value as AnyObject)
  }
}
