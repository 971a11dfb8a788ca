#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The path operations mlgit used NSString for, with its results (MLGitEngineTests checks
/// them against NSString): components joined with one `/`, the last component and the
/// parent folder, trailing slashes ignored.
enum PathText {
  /// `component` appended to `base` (`appendingPathComponent`): `a` + `b` is `a/b`, `a/` + `b` too.
  static func join(_ base: String, _ component: String) -> String {
    guard !base.isEmpty else { return component }
    guard !component.isEmpty else { return String(trimmingTrailingSlashes(base)) }
    return (base.hasSuffix("/") ? base : base + "/") + component
  }

  /// The last component (`lastPathComponent`): `b` of `/a/b/`, `/` of `/`.
  static func lastComponent(_ path: String) -> String {
    let trimmed = trimmingTrailingSlashes(path)
    guard trimmed != "/", let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
    return String(trimmed[trimmed.index(after: slash)...])
  }

  /// The path without its last component (`deletingLastPathComponent`): `/a` of `/a/b`,
  /// `/` of `/a`, empty for `a`.
  static func parent(_ path: String) -> String {
    let trimmed = trimmingTrailingSlashes(path)
    guard trimmed != "/" else { return "/" }
    guard let slash = trimmed.lastIndex(of: "/") else { return "" }
    guard slash != trimmed.startIndex else { return "/" }
    return String(trimmingTrailingSlashes(trimmed[..<slash]))
  }

  /// The folder for temporary files, ending in `/` (`NSTemporaryDirectory`): `TMPDIR`, else `/tmp/`.
  static func temporaryFolder() -> String {
    guard let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty else { return "/tmp/" }
    return value.hasSuffix("/") ? value : value + "/"
  }

  private static func trimmingTrailingSlashes<Text: StringProtocol>(_ path: Text) -> Substring {
    var trimmed = Substring(path)
    while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    return trimmed
  }
}
