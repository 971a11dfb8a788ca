import CLibGit2

/// A git object id (SHA-1).
public struct OID: Hashable, Comparable, CustomStringConvertible, Sendable {
  /// The 20 raw bytes, split for cheap hashing and comparison.
  let a: UInt64, b: UInt64, c: UInt32

  init(_ oid: git_oid) {
    var copy = oid
    (a, b, c) = withUnsafeBytes(of: &copy.id) { raw in
      (
        raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
      )
    }
  }

  init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

  /// Parses a full 40-character hex id; nil when it is not one.
  public init?(hex: String) {
    guard hex.utf8.count == 40 else { return nil }
    var oid = git_oid()
    guard git_oid_fromstr(&oid, hex) == 0 else {
      git_error_clear()
      return nil
    }
    self.init(oid)
  }

  /// The id whose 20 raw bytes start `bytes` (which holds at least 20).
  public init(rawBytes bytes: UnsafeRawBufferPointer) {
    precondition(bytes.count >= 20, "an object id has 20 bytes")
    a = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
    b = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    c = bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
  }

  /// Appends the id's 20 raw bytes (what `init(rawBytes:)` reads back).
  public func appendRawBytes(to bytes: inout [UInt8]) {
    withUnsafeBytes(of: a) { bytes.append(contentsOf: $0) }
    withUnsafeBytes(of: b) { bytes.append(contentsOf: $0) }
    withUnsafeBytes(of: c) { bytes.append(contentsOf: $0) }
  }

  var raw: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { raw in
      raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
      raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
      raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
    }
    return oid
  }

  /// The 40-character lowercase hex form.
  public var hex: String {
    var oid = raw
    // git_oid_fmt writes the 40 digits and no terminator.
    return String(unsafeUninitializedCapacity: 40) { buffer in
      buffer.withMemoryRebound(to: CChar.self) { _ = git_oid_fmt($0.baseAddress, &oid) }
      return 40
    }
  }

  public var short: String { String(hex.prefix(8)) }
  public var description: String { hex }
  public var isZero: Bool { a == 0 && b == 0 && c == 0 }

  public static func < (lhs: OID, rhs: OID) -> Bool { lhs.hex < rhs.hex }

  /// The id of the empty tree.
  public static let emptyTree = OID(hex: "4b825dc642cb6eb9a060e54bf8d69288fbee4904")!
  /// The all-zero id git uses for "no object" in hook input.
  public static let zero = OID(hex: String(repeating: "0", count: 40))!
}
