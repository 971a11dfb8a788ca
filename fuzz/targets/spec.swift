// Fuzz target: the spec reader (YAML or JSON document, then the mlgit/v1 schema), as the
// hooks run it on every staged spec. Any input must give a spec or problems, never a trap.
// And whatever the reader that skips libyaml accepts, libyaml must read the same way:
// the same values, types and locations (a difference traps).
import Foundation
@testable import MLSpec

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  comparePlainReader(UnsafeBufferPointer(start: start, count: count))
  guard let root = try? Document.parse(data) else { return 0 }
  let (spec, problems) = ModelSpec.read(root)
  // Whatever was read must print: reports interpolate every name.
  if let spec { _ = spec.features.map(\.name).joined() }
  _ = problems.map(\.message).joined()
  _ = JSONValue(root).canonical
  return 0
}

/// Traps when `PlainYAMLReader` accepts a text that libyaml refuses or reads otherwise.
func comparePlainReader(_ bytes: UnsafeBufferPointer<UInt8>) {
  guard let plain = PlainYAMLReader.read(bytes) else { return }
  // The plain reader accepts printable ASCII only: the text is the bytes.
  let text = String(decoding: bytes, as: UTF8.self)
  guard let reference = YAMLEventReader.read(bytes) ?? (try? YAMLComposer.parse(text)) else {
    fatalError("PlainYAMLReader accepted what libyaml refuses: \(text.debugDescription)")
  }
  let (ours, theirs) = (plain.outline, reference.outline)
  precondition(ours == theirs, "PlainYAMLReader read \(text.debugDescription) as \(ours), libyaml as \(theirs)")
}
