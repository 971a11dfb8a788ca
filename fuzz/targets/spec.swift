// Fuzz target: the spec reader (YAML or JSON document, then the mlgit/v1 schema), as the
// hooks run it on every staged spec. Any input must give a spec or problems, never a trap.
import Foundation
import MLSpec

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  guard let root = try? Document.parse(data) else { return 0 }
  let (spec, problems) = ModelSpec.read(root)
  // Whatever was read must print: reports interpolate every name.
  if let spec { _ = spec.features.map(\.name).joined() }
  _ = problems.map(\.message).joined()
  _ = JSONValue(root).canonical
  return 0
}
