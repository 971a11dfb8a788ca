import Synchronization

/// The hyperparameter review items of one judged change, worked out once. The rule
/// `hyperparameters/review` and the audit (which lists each change's approvals) ask for
/// the same items of the same change in the same context; in an audit the second
/// working out (hashes, diffs and approval counts of every changed spec) cost as much
/// as the first.
///
/// One memo belongs to one change judged in one context: whoever sets
/// `PolicyContext.reviewItemsMemo` makes a new one for each change it judges.
public final class ReviewItemsMemo: Sendable {
  private let known = Mutex<[ReviewItem]?>(nil)

  public init() {}

  func items(_ compute: () -> [ReviewItem]) -> [ReviewItem] {
    if let items = known.withLock({ $0 }) { return items }
    let items = compute()
    known.withLock { $0 = items }
    return items
  }
}
