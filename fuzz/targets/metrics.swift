// Fuzz target: the metrics-file reader of `mlgit run` (a JSON object of finite numbers).
import Foundation
import MLPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetrics(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  if let metrics = try? RunRecord.metrics(fromJSON: data, file: "metrics.json") {
    // The reader promises finite numbers only.
    if metrics.values.contains(where: { !$0.isFinite }) { fatalError("non-finite metric accepted") }
  }
  return 0
}
