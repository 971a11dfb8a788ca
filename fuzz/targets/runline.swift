// Fuzz target: the ledger line readers. `mlgit runs` lists with one reader (RunListings),
// `runs show` and the gates read with another (RunRecord), and a third reads through a
// full JSON value; one line must get one verdict from all of them.
import Foundation
@testable import MLPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunLine(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: start, count: count)
  let record = try? RunRecord.parse(utf8: bytes)
  var table = RunListings()
  let listed = table.append(line: bytes, keepingLine: true)
  if listed != (record != nil) {
    fatalError(
      "listing \(listed ? "accepts" : "refuses") a line the record reader \(record != nil ? "accepts" : "refuses")")
  }
  if let record, listed {
    let listing = table.listing(0)
    if listing.id != record.id || listing.model != record.model || listing.exit != record.exit {
      fatalError("listing and record disagree: \(listing.id) \(record.id)")
    }
  }
  if let line = String(validating: UnsafeBufferPointer(start: start, count: count), as: UTF8.self) {
    let reference = try? RunRecord.parseViaValue(line)
    if (reference != nil) != (record != nil) {
      fatalError(
        "value reader \(reference != nil ? "accepts" : "refuses") a line the record reader \(record != nil ? "accepts" : "refuses")"
      )
    }
  }
  return 0
}
