#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Finds a program by name as a shell finds a command: the first folder holding an
/// executable file of that name. mlgit's one lookup, for git, ssh-keygen, a hook
/// manager's command and a team's command check.
public enum ProgramLookup {
  /// `name` in the folders `before`, then each folder of `PATH` (empty entries skipped), then
  /// those `after`; nil when none holds an executable `name`.
  public static func find(
    _ name: String, before: [String] = [], after: [String] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String? {
    let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
    for folder in before + path + after {
      let candidate = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}
