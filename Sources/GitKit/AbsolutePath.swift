#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `path` made absolute against the folder `base`, `.` and `..` resolved (unchanged when
/// already absolute): mlgit's one reading of a relative path, for a `gitdir:` line, an
/// index file git names, a metrics file or an MLflow store named on the command line.
public func absolutePath(_ path: String, relativeTo base: String) -> String {
  if path.hasPrefix("/") { return path }
  return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
}
