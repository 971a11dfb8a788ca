import CSHA256
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// SHA-256 digests as 64 lowercase hex digits: of small values (review records bind
/// approvals to the exact hyperparameters approved, SARIF fingerprints, imported run ids)
/// and of files of any size (`mlgit run` hashes whole training datasets). The hashing is
/// OpenSSL's (CSHA256: libcrypto's SHA-256, with its SHA-NI and AVX2 code paths);
/// docs/performance.md has its figure against `sha256sum`.
public enum SHA256Digest {
  /// The digest of `data`.
  public static func hex(_ data: Data) -> String { data.withUnsafeBytes { hex($0) } }

  /// The digest of `bytes`.
  public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    var hasher = Hasher()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The digest of the UTF-8 bytes of `text`.
  public static func hex(_ text: String) -> String {
    var text = text
    return text.withUTF8 { hex(UnsafeRawBufferPointer($0)) }
  }

  /// One digest being computed.
  struct Hasher {
    private var context = mlgit_sha256_context()

    init() { mlgit_sha256_init(&context) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
      guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
      mlgit_sha256_update(&context, base, bytes.count)
    }

    /// The digest in hex; the hasher is spent.
    mutating func finalize() -> String {
      var digest = [UInt8](repeating: 0, count: 32)
      mlgit_sha256_final(&context, &digest)
      return digest.withUnsafeBytes(SHA256Digest.hexDigits)
    }
  }

  /// The digest of what is left to read from the open file `descriptor`, streamed in
  /// 1 MiB chunks through one reused buffer, so files of any size hash in constant memory.
  /// `observe` sees each chunk as it is hashed (`mlgit run` checks a data file's schema in
  /// the same pass). The descriptor stays open.
  public static func hex(ofDescriptor descriptor: Int32, observe: (UnsafeRawBufferPointer) -> Void = { _ in }) throws
    -> String
  {
    var hasher = Hasher()
    let chunk = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count = read(descriptor, buffer.baseAddress, chunk)
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
      let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
      hasher.update(bytes)
      observe(bytes)
    }
    return hasher.finalize()
  }

  /// The digest of the file at `path` (links followed).
  public static func hex(ofFile path: String) throws -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    return try hex(ofDescriptor: descriptor)
  }

  /// Lower-case hex of bytes, two digits each (what `String(format: "%02x")` per byte
  /// gives), without Foundation's formatter: history checks hash specs on every commit.
  static func hexDigits(_ bytes: UnsafeRawBufferPointer) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
      let digits: StaticString = "0123456789abcdef"
      let table = UnsafeRawBufferPointer(start: digits.utf8Start, count: 16)
      for (index, byte) in bytes.enumerated() {
        out[2 * index] = table[Int(byte >> 4)]
        out[2 * index + 1] = table[Int(byte & 0x0F)]
      }
      return bytes.count * 2
    }
  }
}

extension JSONValue {
  /// The sha256 (hex) of the canonical JSON text: equal values hash equally, whatever
  /// their formatting, key order or comments in the file they came from.
  public var sha256: String { SHA256Digest.hex(canonical) }

  /// The sha256 (hex) of `typedCanonical`: the same as `sha256` for every value JSON can
  /// write, and distinct for non-finite floats (which `canonical` writes as `null`).
  /// Approvals bind hyperparameters with it.
  public var typedSHA256: String { SHA256Digest.hex(typedCanonical) }
}
