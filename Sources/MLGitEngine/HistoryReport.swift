import FoundationEssentials
import GitKit
import MLGitErrors
import MLPolicy
import MLSpec
import Synchronization

/// What a history check found.
struct HistoryReport {
  var findings: [Finding] = []
  /// Commits judged.
  var checked = 0
  /// Commits not judged because their parent is not in this (shallow) clone.
  var boundary: [OID] = []

  mutating func merge(_ other: HistoryReport) {
    var seen = Set(findings.map(FindingIdentity.init))
    for finding in other.findings where seen.insert(FindingIdentity(finding)).inserted { findings.append(finding) }
    checked += other.checked
    for id in other.boundary where !boundary.contains(id) { boundary.append(id) }
  }
}

/// Two ref updates carrying one commit report its findings once.
private struct FindingIdentity: Hashable {
  var rule, message, path: String
  var line, column: Int
  var commit: String?
  init(_ f: Finding) {
    (rule, message, path, line, column, commit) = (f.rule, f.message, f.path, f.line, f.column, f.commit)
  }
}
