import Foundation

/// SHA-256 of small values (review records bind approvals to the exact hyperparameters
/// approved). One implementation serves both this and file hashing: `StreamingSHA256`.
public enum SHA256 {
  /// The digest of `data` as 64 lowercase hex digits.
  public static func hex(_ data: Data) -> String {
    StreamingSHA256.hex(of: data)
  }

  /// Lower-case hex of bytes, two digits each (what `String(format: "%02x")` per byte
  /// gives). Without Foundation's formatter: history checks hash specs on every commit
  /// and the formatting was a third of `check --range`.
  static func hexDigits<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension JSONValue {
  /// The sha256 (hex) of the canonical JSON text: equal values hash equally, whatever
  /// their formatting, key order or comments in the file they came from.
  public var sha256: String { SHA256.hex(Data(canonical.utf8)) }

  /// The sha256 (hex) of `typedCanonical`: the same as `sha256` for every value JSON can
  /// write, and distinct for non-finite floats (which `canonical` writes as `null`).
  /// Approvals bind hyperparameters with it.
  public var typedSHA256: String { SHA256.hex(Data(typedCanonical.utf8)) }
}
