/// Output written as bytes: listings and reports of ten thousands of lines are built
/// this way rather than through String appends.
extension Array where Element == UInt8 {
  /// `String(value)`'s digits, appended without making the String.
  package mutating func appendDecimal(_ value: Int) {
    if value < 0 {
      append(contentsOf: Array(String(value).utf8))  // rare; Int.min has no positive twin
      return
    }
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var rest = value
    Swift.withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[19 - count] = UInt8(48 + rest % 10)
        rest /= 10
        count += 1
      } while rest > 0
      append(contentsOf: buffer[(20 - count)...])
    }
  }
}
