import FoundationEssentials
import MLGitErrors
import GitKit
import MLPolicy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `git` command that ran the hook. git does not tell a pre-commit hook that it is
/// amending, yet an amended commit sits on HEAD's parent, so the hook script passes
/// git's process id (`MLGIT_GIT_PID`) and mlgit reads its arguments.
struct GitInvocation {
  let arguments: [String]

  static func parent(environment: [String: String]) -> GitInvocation? {
    // `git commit` names the index it commits (GIT_INDEX_FILE) to its pre-commit hook, and
    // mlgit's hook script names git's process. With neither, mlgit was started by hand or
    // by another program: no git command line applies, and no /proc file is read.
    guard environment["MLGIT_GIT_PID"] != nil || environment["GIT_INDEX_FILE"] != nil else { return nil }
    // The hook script passes its parent; a hook manager (pre-commit, lefthook, husky)
    // puts processes of its own between git and mlgit, so walk up to the git process.
    let start = environment["MLGIT_GIT_PID"].flatMap { Int32($0) } ?? getppid()
    let pid = gitAncestor(of: start) ?? start
    guard pid > 1 else { return nil }
    if let data = procFile("/proc/\(pid)/cmdline"), !data.isEmpty {
      let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
      return GitInvocation(arguments: arguments)
    }
    // No /proc (macOS): ps gives the command line joined by spaces, enough to spot a flag.
    guard let output = try? GitCommandLine.runProgram("/bin/ps", ["-o", "args=", "-p", String(pid)]),
      output.status == 0
    else { return nil }
    return GitInvocation(arguments: output.text.split(separator: " ").map(String.init))
  }

  /// `git commit -S` / `--gpg-sign[=KEY]` (true) or `--no-gpg-sign` (false), the last one
  /// winning; nil when the command line says neither (git's config decides).
  var signFlag: Bool? {
    let start = arguments.firstIndex(of: "commit").map { $0 + 1 } ?? 1
    guard start <= arguments.count else { return nil }
    var sign: Bool?
    var index = start
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--" { break }
      if argument == "--gpg-sign" || argument.hasPrefix("--gpg-sign=") {
        sign = true
        continue
      }
      if argument == "--no-gpg-sign" {
        sign = false
        continue
      }
      if argument.hasPrefix("--") || !argument.hasPrefix("-") || argument == "-" { continue }
      // A cluster of short options: the ones that take a value end it (`-mS` is a message).
      for letter in argument.dropFirst() {
        if letter == "S" {
          sign = true
          break
        }
        if "mFcCt".contains(letter) {
          if argument.last == letter { index += 1 }  // the value is the next argument
          break
        }
      }
    }
    return sign
  }

  /// The `git -c key=value` settings git hands its hooks in `GIT_CONFIG_PARAMETERS`:
  /// `'key'='value'` pairs (git 2.31 and later) or `'key=value'`, single-quoted with
  /// `'\''` for a quote. Keys are lower-cased as git compares them.
  static func configParameters(_ text: String) -> [String: String] {
    var words: [String] = []
    var current: String?
    var joined = false  // the word continues after a closing quote (`'key'='value'`)
    var scalars = Array(text.unicodeScalars)[...]
    while let scalar = scalars.popFirst() {
      if scalar == "'" {
        var word = ""
        while let next = scalars.popFirst(), next != "'" { word.unicodeScalars.append(next) }
        current = (joined ? (current ?? "") : "") + word
        joined = true
      } else if scalar == "\\", current != nil, let next = scalars.popFirst() {
        current = (current ?? "") + String(next)
      } else if scalar == " " {
        if let word = current { words.append(word) }
        current = nil
        joined = false
      } else {
        current = (current ?? "") + String(scalar)
        joined = true
      }
    }
    if let word = current { words.append(word) }
    var settings: [String: String] = [:]
    for word in words {
      guard let equals = word.firstIndex(of: "=") else {
        settings[word.lowercased()] = ""
        continue
      }
      settings[String(word[..<equals]).lowercased()] = String(word[word.index(after: equals)...])
    }
    return settings
  }

  /// The nearest process named `git` among `pid` and its ancestors (Linux's /proc).
  static func gitAncestor(of pid: Int32) -> Int32? {
    var current = pid
    for _ in 0..<12 where current > 1 {
      if let comm = procFile("/proc/\(current)/comm"), isGit(comm) { return current }
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
      guard let stat = procFile("/proc/\(current)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")) else {
        return nil
      }
      let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
      guard fields.count > 1, let parent = Int32(String(decoding: fields[1], as: UTF8.self)) else { return nil }
      current = parent
    }
    return nil
  }

  /// True when a /proc/PID/comm names `git` (the kernel ends it with a newline).
  static func isGit(_ comm: [UInt8]) -> Bool {
    let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
    if let first = comm.firstIndex(where: { !isSpace($0) }), let last = comm.lastIndex(where: { !isSpace($0) }),
      comm[first...last].elementsEqual("git".utf8)
    {
      return true
    }
    // Other Unicode white space around the name: as Foundation trims it.
    guard comm.contains(where: { $0 >= 0x80 }) else { return false }
    return String(decoding: comm, as: UTF8.self).trimmingWhitespaceAndNewlines() == "git"
  }

  /// A /proc file's bytes; nil when it cannot be read. Read with open(2) and read(2): at
  /// every commit this walks up to a dozen processes, and FileManager's reads with
  /// Foundation's string searches cost more than the rest of a hook with nothing staged.
  static func procFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if count == 0 { return result }
      result += chunk[..<count]
    }
  }

  /// True for `git commit --amend` (or an unambiguous abbreviation, `--am`, as git accepts);
  /// the last of `--amend` / `--no-amend` wins, and nothing after `--` counts.
  var isAmend: Bool {
    // After `commit` when it is there; an alias (`git ci --amend`) has no `commit` word.
    let start = arguments.firstIndex(of: "commit").map { $0 + 1 } ?? 1
    guard start <= arguments.count else { return false }
    var amend = false
    for argument in arguments[start...] {
      if argument == "--" { break }
      if argument.count >= 4, "--amend".hasPrefix(argument) { amend = true }
      if argument.count >= 7, "--no-amend".hasPrefix(argument) { amend = false }
    }
    return amend
  }
}
