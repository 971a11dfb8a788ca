import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec
import Synchronization

/// Spec blobs already read and parsed, by path and blob id: a history check meets the
/// same blob as the new side of one commit and the old side of the next. Holds the
/// `limit` most recently added, so that memory stays flat over long histories (findings
/// are remembered separately, by `FindingCache`).
final class SnapshotCache: Sendable {
  private struct Key: Hashable {
    var path: String
    var blob: OID
  }
  private struct Entries {
    var byKey: [Key: SpecSnapshot] = [:]
    var order: [Key] = []
    var oldest = 0
  }
  private let entries = Mutex(Entries())
  let limit: Int

  init(limit: Int = 2048) { self.limit = max(1, limit) }

  func snapshot(path: String, blob: OID, read: () throws -> SpecSnapshot) rethrows -> SpecSnapshot {
    let key = Key(path: path, blob: blob)
    if let known = entries.withLock({ $0.byKey[key] }) { return known }
    // Read without the lock: parsing a spec is the slow part.
    let snapshot = try read()
    entries.withLock { entries in
      if entries.byKey[key] != nil { return }
      if entries.order.count < limit {
        entries.order.append(key)
      } else {
        entries.byKey[entries.order[entries.oldest]] = nil
        entries.order[entries.oldest] = key
        entries.oldest = (entries.oldest + 1) % limit
      }
      entries.byKey[key] = snapshot
    }
    return snapshot
  }
}
