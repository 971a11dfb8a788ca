// Fuzz target: the CSV/TSV header reader of data/protected-columns (the first bytes of
// a staged data file, quotes honoured, maybe cut off mid-line).
import Foundation
@testable import MLPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVHeader(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  for separator: Character in [",", "\t"] {
    for column in HeaderRow.columns(data, separator: separator) where column.column < 1 {
      fatalError("column \(column.column) for '\(column.name)'")
    }
  }
  return 0
}
