import MLSpec

/// A number as mlgit's messages, listings and reports show it: a whole number without a
/// fraction (`3`, not `3.0`), any other as Swift writes it (`0.85`, `1e-05`). The one
/// formatter of recorded values (metrics, bounds, limits, tolerances).
public enum NumberText {
  public static func string(_ value: Double) -> String {
    isWhole(value) ? String(Int(value)) : String(value)
  }

  /// Rounded to `places` decimals unless whole (`45.123`; a value that rounds to a whole
  /// number keeps its `.0`: `2.0`).
  public static func string(_ value: Double, places: Int) -> String {
    if isWhole(value) { return String(Int(value)) }
    let scale = pow10(places)
    return String((value * scale).rounded() / scale)
  }

  /// `string(value)` appended as bytes; whole numbers without making a String (`mlgit runs`
  /// writes ten thousands of them).
  public static func append(_ value: Double, to out: inout [UInt8]) {
    if isWhole(value) {
      out.appendDecimal(Int(value))
    } else {
      out.append(contentsOf: value.description.utf8)
    }
  }

  /// Whole, and under 1e15 (larger whole numbers keep Swift's own text: `1e+16`).
  private static func isWhole(_ value: Double) -> Bool { value == value.rounded() && abs(value) < 1e15 }

  private static func pow10(_ places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<max(0, places) { scale *= 10 }
    return scale
  }
}
