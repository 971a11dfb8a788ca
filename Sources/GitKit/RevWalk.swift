import CLibGit2
import MLGitErrors

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Lists the commits reachable from some tips and not from others (`git rev-list
/// TIPS --not HIDDEN`), parents before children.
///
/// Written over single commit lookups rather than `git_revwalk`: libgit2 1.5 does not
/// read `.git/shallow`, so its walker parses the missing parents of a shallow clone's
/// boundary commits and fails. This walk never steps into a parent listed as shallow
/// or absent from the object database; such commits are reported in `boundary`.
/// Like git, it stops once every commit left to visit is already known to be hidden
/// (by commit date, with a few commits of slack for skewed clocks).
public final class RevWalk {
  public let repository: Repository
  /// Commits whose parents this clone does not have (`shallow` in the common dir).
  public let shallowCommits: Set<OID>

  private var tips: [OID] = []
  private var hidden: [OID] = []

  // The commit graph seen so far, by index.
  private var index: [OID: Int] = [:]
  private var ids: [OID] = []
  private var times: [Int64] = []
  private var parentIDs: [[OID]] = []
  private var parents: [[Int]?] = []
  private var flags: [UInt8] = []
  private static let uninteresting: UInt8 = 1
  private static let queued: UInt8 = 2
  private static let parentMissing: UInt8 = 4

  public init(repository: Repository) {
    self.repository = repository
    self.shallowCommits = repository.shallowCommits()
  }

  /// Adds a commit whose history is wanted.
  public func push(_ id: OID) { tips.append(id) }

  /// Hides a commit and its history. A hidden commit this repository lacks is ignored.
  public func hide(_ id: OID) { hidden.append(id) }

  /// Commits of the result whose first parent is not available (shallow boundary,
  /// or missing objects): they cannot be compared with their parent. Valid after `commits()`.
  public private(set) var boundary: Set<OID> = []

  /// The commits reachable from the pushed tips and not from the hidden ones, each
  /// once, parents before children. Throws when a pushed tip is not a commit here.
  /// A walk runs once; make a new `RevWalk` for another question.
  public func commits() throws -> [OID] {
    guard ids.isEmpty else { throw GitError(message: "a RevWalk runs once") }
    var queue = DateQueue()
    for id in hidden {
      guard let node = try load(id) else { continue }
      flags[node] |= RevWalk.uninteresting
      enqueue(node, &queue)
    }
    for id in tips {
      guard let node = try load(id) else {
        throw GitError(code: GIT_ENOTFOUND.rawValue, message: "commit \(id.short) is not in this repository")
      }
      enqueue(node, &queue)
    }
    var visited: [Int] = []
    let slack = 5
    var slop = slack
    while let node = queue.pop() {
      let hiddenNode = flags[node] & RevWalk.uninteresting != 0
      for parent in try resolveParents(node) {
        if hiddenNode { markUninteresting(parent) }
        enqueue(parent, &queue)
      }
      if !hiddenNode { visited.append(node) }
      if queue.all({ self.flags[$0] & RevWalk.uninteresting != 0 }) {
        slop -= 1
        if slop == 0 { break }
      } else {
        slop = slack
      }
    }
    let wanted = visited.filter { flags[$0] & RevWalk.uninteresting == 0 }
    boundary = Set(wanted.filter { flags[$0] & RevWalk.parentMissing != 0 }.map { ids[$0] })
    return topologicalOrder(wanted).map { ids[$0] }
  }

  private func enqueue(_ node: Int, _ queue: inout DateQueue) {
    guard flags[node] & RevWalk.queued == 0 else { return }
    flags[node] |= RevWalk.queued
    queue.insert(node, time: times[node])
  }

  /// Marks a commit and every ancestor already in the graph as hidden.
  private func markUninteresting(_ start: Int) {
    var stack = [start]
    while let node = stack.popLast() {
      guard flags[node] & RevWalk.uninteresting == 0 else { continue }
      flags[node] |= RevWalk.uninteresting
      if let known = parents[node] { stack += known }
    }
  }

  /// Reads a commit into the graph; nil when the repository does not have it.
  private func load(_ id: OID) throws -> Int? {
    if let node = index[id] { return node }
    guard let header = try repository.commitHeader(id) else { return nil }
    let node = ids.count
    index[id] = node
    ids.append(id)
    times.append(header.time)
    // A shallow commit's parents are named in it but were never fetched.
    let isShallow = shallowCommits.contains(id)
    parentIDs.append(isShallow ? [] : header.parents)
    parents.append(nil)
    flags.append(isShallow && !header.parents.isEmpty ? RevWalk.parentMissing : 0)
    return node
  }

  private func resolveParents(_ node: Int) throws -> [Int] {
    if let known = parents[node] { return known }
    var found: [Int] = []
    for (position, id) in parentIDs[node].enumerated() {
      if let parent = try load(id) {
        found.append(parent)
      } else if position == 0 {
        flags[node] |= RevWalk.parentMissing
      }
    }
    parents[node] = found
    return found
  }

  /// Orders the nodes so that each comes after its parents among them; otherwise oldest first.
  private func topologicalOrder(_ nodes: [Int]) -> [Int] {
    let members = Set(nodes)
    var done = Set<Int>()
    var order: [Int] = []
    order.reserveCapacity(nodes.count)
    // `visited` is newest first; start from the oldest so unrelated lines stay in date order.
    for start in nodes.reversed() where !done.contains(start) {
      var stack: [(node: Int, expanded: Bool)] = [(start, false)]
      while let (node, expanded) = stack.popLast() {
        if done.contains(node) { continue }
        if expanded {
          done.insert(node)
          order.append(node)
          continue
        }
        stack.append((node, true))
        for parent in (parents[node] ?? []).reversed() where members.contains(parent) && !done.contains(parent) {
          stack.append((parent, false))
        }
      }
    }
    return order
  }
}

/// A max-heap of graph nodes by commit time; ties go to the node queued first.
private struct DateQueue {
  private var heap: [(time: Int64, sequence: Int, node: Int)] = []
  private var sequence = 0

  mutating func insert(_ node: Int, time: Int64) {
    heap.append((time, sequence, node))
    sequence += 1
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard before(heap[child], heap[parent]) else { break }
      heap.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Int? {
    guard !heap.isEmpty else { return nil }
    heap.swapAt(0, heap.count - 1)
    let top = heap.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1
      let right = left + 1
      var first = parent
      if left < heap.count, before(heap[left], heap[first]) { first = left }
      if right < heap.count, before(heap[right], heap[first]) { first = right }
      if first == parent { break }
      heap.swapAt(parent, first)
      parent = first
    }
    return top.node
  }

  func all(_ predicate: (Int) -> Bool) -> Bool { heap.allSatisfy { predicate($0.node) } }

  private func before(_ a: (time: Int64, sequence: Int, node: Int), _ b: (time: Int64, sequence: Int, node: Int))
    -> Bool
  {
    a.time != b.time ? a.time > b.time : a.sequence < b.sequence
  }
}

/// What a history walk needs of a commit: its parents and committer time.
struct CommitHeader {
  var parents: [OID]
  var time: Int64
}

extension Repository {
  /// A commit's parents and time, or nil when the object is absent (or not a commit).
  func commitHeader(_ id: OID) throws -> CommitHeader? {
    var oid = id.raw
    var found: OpaquePointer?
    let code = git_commit_lookup(&found, pointer, &oid)
    if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue {
      git_error_clear()
      return nil
    }
    if code < 0 {
      // A tag or tree under this id is "not a commit", not a failure of the walk.
      let error = GitError.fromLast(code, "cannot read commit \(id.short)")
      if error.errorClass == GIT_ERROR_INVALID.rawValue { return nil }
      throw error
    }
    guard let found else { return nil }
    let owner = Commit(found, in: self)
    let commit = owner.pointer
    defer { withExtendedLifetime(owner) {} }
    var parents: [OID] = []
    let count = git_commit_parentcount(commit)
    for position in 0..<count {
      if let parent = git_commit_parent_id(commit, position) { parents.append(OID(parent)) }
    }
    return CommitHeader(parents: parents, time: git_commit_time(commit))
  }

  /// Commits listed in the clone's `shallow` file: their parents were never fetched.
  /// libgit2 1.5 ignores the file, so mlgit reads it.
  public func shallowCommits() -> Set<OID> {
    let path = URL(fileURLWithPath: commonDirectory).appendingPathComponent("shallow").path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return Set(
      text.split(whereSeparator: \.isNewline).compactMap { OID(hex: $0.trimmingWhitespace()) })
  }
}
