import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

struct ServerUnavailable: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

/// A real server program (lighttpd, sshd) run in the foreground on a loopback port for one
/// test, stopped by the test's teardown whatever way the test ends.
final class LoopbackServer {
  let name: String
  let port: UInt16
  let logPath: String
  private let pid: pid_t
  private var reaped = false

  private init(name: String, port: UInt16, logPath: String, pid: pid_t) {
    self.name = name
    self.port = port
    self.logPath = logPath
    self.pid = pid
  }

  /// Started with posix_spawn, not Foundation's Process: while a Process child runs for the
  /// whole test, Foundation's wait for it held up noticing that the test's short git
  /// commands had exited (they stayed zombies and the test hung).
  static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], logPath: String) throws
    -> pid_t
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard status == 0 else {
      throw ServerUnavailable(message: "cannot start \(executable): \(String(cString: strerror(status)))")
    }
    return pid
  }

  var isRunning: Bool {
    if reaped { return false }
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == pid || result < 0 { reaped = true }
    return !reaped
  }

  /// The first executable of `candidates`, or nil. Outside CI a missing program skips the
  /// test; in CI (`CI` set) `./install.sh --test` installs it, so its absence fails the test.
  static func program(_ candidates: [String], package: String) throws -> String {
    if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
    let message = "\(candidates[0]) is missing: install Debian's \(package) (./install.sh --test does)"
    if ProcessInfo.processInfo.environment["CI"] != nil {
      XCTFail(message)
      throw ServerUnavailable(message: message)
    }
    throw XCTSkip(message)
  }

  /// A port on 127.0.0.1 that was free a moment ago (the kernel's choice for port 0).
  static func freePort() -> UInt16? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return nil }
    return UInt16(bigEndian: address.sin_port)
  }

  static func accepts(port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    } == 0
  }

  /// Starts `arguments(port)` and waits until the port accepts connections. Another process
  /// may take the port between the choice and the bind: then a new port is tried (3 tries).
  /// A server that does not come up fails the test with its log, never passes it.
  static func start(
    _ name: String, test: XCTestCase, logPath: String, environment: [String: String],
    executable: String, arguments: (UInt16) throws -> [String]
  ) throws -> LoopbackServer {
    var lastLog = ""
    for _ in 0..<3 {
      guard let port = freePort() else { break }
      let pid = try spawn(executable, try arguments(port), environment: environment, logPath: logPath)
      let server = LoopbackServer(name: name, port: port, logPath: logPath, pid: pid)
      // Stopped on every exit path: teardown blocks run after failures and thrown errors too.
      test.addTeardownBlock { server.stop() }
      let deadline = Date(timeIntervalSinceNow: 15)
      while server.isRunning && Date() < deadline {
        if accepts(port: port) { return server }
        usleep(50_000)
      }
      server.stop()
      lastLog = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }
    let message = "\(name) did not start on a loopback port; its log:\n\(lastLog)"
    XCTFail(message)
    throw ServerUnavailable(message: message)
  }

  func stop() {
    guard isRunning else { return }
    kill(pid, SIGTERM)
    var status: Int32 = 0
    let deadline = Date(timeIntervalSinceNow: 10)
    while Date() < deadline {
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid || result < 0 {
        reaped = true
        return
      }
      usleep(20_000)
    }
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
    reaped = true
  }

  var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}
