import CLibGit2

/// A git configuration (one file or the repository's layered view).
public final class Config {
  let pointer: OpaquePointer
  let repository: Repository?

  init(pointer: OpaquePointer, repository: Repository?) {
    self.pointer = pointer
    self.repository = repository
  }
  deinit { git_config_free(pointer) }

  /// Opens one config file (created on first write), e.g. `.git/config`.
  public static func file(_ path: String) throws -> Config {
    LibGit2.ensure()
    var cfg: OpaquePointer?
    try check(git_config_open_ondisk(&cfg, path), "cannot open config \(path)")
    guard let cfg else { throw GitError(message: "cannot open config \(path)") }
    return Config(pointer: cfg, repository: nil)
  }

  /// The value of `key`, or nil when unset.
  public func string(_ key: String) throws -> String? {
    let value = GitBuffer()
    let code = git_config_get_string_buf(&value.buffer, pointer, key)
    if code == GIT_ENOTFOUND.rawValue {
      git_error_clear()
      return nil
    }
    try check(code, "cannot read \(key)")
    return value.string
  }

  /// A boolean value, or nil when unset.
  public func bool(_ key: String) throws -> Bool? {
    var value: Int32 = 0
    let code = git_config_get_bool(&value, pointer, key)
    if code == GIT_ENOTFOUND.rawValue {
      git_error_clear()
      return nil
    }
    try check(code, "cannot read \(key)")
    return value != 0
  }

  /// Every value of a multi-valued key, in file order.
  public func strings(_ key: String) throws -> [String] {
    var opened: OpaquePointer?
    let code = git_config_multivar_iterator_new(&opened, pointer, key, nil)
    if code == GIT_ENOTFOUND.rawValue {
      git_error_clear()
      return []
    }
    try check(code, "cannot read \(key)")
    guard let opened else { return [] }
    let iterator = ConfigIterator(opened, in: self)
    defer { withExtendedLifetime(iterator) {} }
    var values: [String] = []
    var entry: UnsafeMutablePointer<git_config_entry>?
    while git_config_next(&entry, iterator.pointer) == 0 {
      if let entry, let value = entry.pointee.value { values.append(String(cString: value)) }
    }
    git_error_clear()
    return values
  }

  /// The names of the configured remotes (`remote.<name>.url`).
  public func remoteNames() throws -> [String] {
    var opened: OpaquePointer?
    try check(git_config_iterator_glob_new(&opened, pointer, "^remote\\..*\\.url$"), "cannot list remotes")
    guard let opened else { return [] }
    let iterator = ConfigIterator(opened, in: self)
    defer { withExtendedLifetime(iterator) {} }
    var names: [String] = []
    var entry: UnsafeMutablePointer<git_config_entry>?
    while git_config_next(&entry, iterator.pointer) == 0 {
      guard let entry, let name = entry.pointee.name else { continue }
      let key = String(cString: name)
      let middle = key.dropFirst("remote.".count).dropLast(".url".count)
      if !middle.isEmpty, !names.contains(String(middle)) { names.append(String(middle)) }
    }
    git_error_clear()
    return names
  }

  public func set(_ key: String, _ value: String) throws {
    try check(git_config_set_string(pointer, key, value), "cannot set \(key)")
  }

  /// Adds a value to a multi-valued key unless it is already there.
  public func add(_ key: String, _ value: String) throws {
    if try strings(key).contains(value) { return }
    // The regexp matches nothing, so git_config_set_multivar appends.
    try check(git_config_set_multivar(pointer, key, "^$a", value), "cannot add \(key)")
  }

  /// Removes the values of a multi-valued key equal to `value`.
  public func remove(_ key: String, value: String) throws {
    guard try strings(key).contains(value) else { return }
    let pattern = "^" + NSRegularExpressionEscape(value) + "$"
    try check(git_config_delete_multivar(pointer, key, pattern), "cannot remove \(key)")
  }

  public func unset(_ key: String) throws {
    let code = git_config_delete_entry(pointer, key)
    if code == GIT_ENOTFOUND.rawValue {
      git_error_clear()
      return
    }
    try check(code, "cannot unset \(key)")
  }
}

/// Escapes a literal for a POSIX extended regular expression.
func NSRegularExpressionEscape(_ text: String) -> String {
  var out = ""
  for ch in text {
    if "\\^$.|?*+()[]{}".contains(ch) { out.append("\\") }
    out.append(ch)
  }
  return out
}
