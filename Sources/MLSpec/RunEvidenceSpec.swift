#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A spec's `budget:` block: the computing resources a training run may use (rule
/// `runs/budget`). Every limit is optional; at least one is given.
///
///     budget: {train_seconds: 3600, peak_memory_mb: 2048, max_increase_percent: 20}
public struct ResourceBudget: Sendable, Equatable {
  /// One limit and where it was written.
  public struct Limit: Sendable, Equatable {
    public var value: Double
    public var location: SourceLocation
  }

  /// The run's wall time, in seconds.
  public var trainSeconds: Limit?
  /// The run's peak resident memory, in MiB (1,048,576 bytes).
  public var peakMemoryMB: Limit?
  /// How far above the previous version's best run (wall time and peak memory) a run may go.
  public var maxIncreasePercent: Limit?
  /// Where `budget:` was written.
  public var location: SourceLocation

  static let keys = ["train_seconds", "peak_memory_mb", "max_increase_percent"]

  /// Reads `budget:`, reporting each problem at its line.
  static func read(_ node: Node?, problems: inout [SchemaProblem]) -> ResourceBudget? {
    guard let node, !node.isNull else { return nil }
    guard let pairs = node.pairs else {
      problems.append(
        SchemaProblem(
          "'budget' must be a mapping, found \(node.typeDescription)", at: node.location,
          hint: "e.g. budget: {train_seconds: 3600, peak_memory_mb: 2048, max_increase_percent: 20}"))
      return nil
    }
    var budget = ResourceBudget(location: node.location)
    for (key, value) in pairs {
      let name = key.scalarText ?? ""
      guard keys.contains(name) else {
        problems.append(
          SchemaProblem(
            "budget: unknown field '\(name)'", at: key.location,
            hint: ModelSpec.closest(name, in: keys).map { "did you mean '\($0)'?" }
              ?? "known fields: \(keys.joined(separator: ", "))"))
        continue
      }
      // A limit of 0 seconds or 0 MiB no run meets; an increase of 0% means "no worse".
      let allowsZero = name == "max_increase_percent"
      guard let number = value.number, number.isFinite, allowsZero ? number >= 0 : number > 0 else {
        problems.append(
          SchemaProblem(
            "budget: '\(name)' must be a \(allowsZero ? "finite number >= 0" : "positive finite number"), found \(value.typeDescription) '\(value.scalarText ?? "")'",
            at: value.location,
            hint: "e.g. \(name): \(name == "train_seconds" ? "3600" : name == "peak_memory_mb" ? "2048" : "20")"))
        continue
      }
      let limit = Limit(value: number, location: value.location)
      switch name {
      case "train_seconds": budget.trainSeconds = limit
      case "peak_memory_mb": budget.peakMemoryMB = limit
      default: budget.maxIncreasePercent = limit
      }
    }
    if pairs.isEmpty {
      problems.append(
        SchemaProblem(
          "'budget' sets no limit", at: node.location,
          hint: "give train_seconds, peak_memory_mb and/or max_increase_percent"))
    }
    return budget
  }
}

/// A spec's `staleness:` block: how old the newest run of the version in force may be
/// (rule `runs/stale`).
///
///     staleness: {max_age_days: 30}
public struct Staleness: Sendable, Equatable {
  public var maxAgeDays: Double
  /// Where `max_age_days` was written.
  public var location: SourceLocation

  /// Reads `staleness:`, reporting each problem at its line.
  static func read(_ node: Node?, problems: inout [SchemaProblem]) -> Staleness? {
    guard let node, !node.isNull else { return nil }
    guard let pairs = node.pairs else {
      problems.append(
        SchemaProblem(
          "'staleness' must be a mapping, found \(node.typeDescription)", at: node.location,
          hint: "e.g. staleness: {max_age_days: 30}"))
      return nil
    }
    var found: Staleness?
    for (key, value) in pairs {
      let name = key.scalarText ?? ""
      guard name == "max_age_days" else {
        problems.append(
          SchemaProblem("staleness: unknown field '\(name)'", at: key.location, hint: "the field is max_age_days"))
        continue
      }
      guard let number = value.number, number.isFinite, number > 0 else {
        problems.append(
          SchemaProblem(
            "staleness: 'max_age_days' must be a positive finite number, found \(value.typeDescription) '\(value.scalarText ?? "")'",
            at: value.location, hint: "e.g. max_age_days: 30"))
        continue
      }
      found = Staleness(maxAgeDays: number, location: value.location)
    }
    if found == nil, !pairs.contains(where: { $0.key.scalarText == "max_age_days" }) {
      problems.append(
        SchemaProblem("'staleness' needs max_age_days", at: node.location, hint: "e.g. staleness: {max_age_days: 30}"))
    }
    return found
  }
}
