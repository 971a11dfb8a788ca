// Fuzz target: the streaming CSV reader and schema check of data/schema (a data file's
// bytes, whole or cut, fed in chunks): the same report however the bytes are split.
import Foundation
import MLSpec
@testable import MLPolicy

let fuzzSchema: DataSchema = {
  let spec = """
    name: m
    data:
      train:
        path: data/train.csv
        schema: {a: int, b: {type: float, min: 0, max: 1}, c: bool, d: {type: date, max: 2030-01-01}, e: {values: [x, y]}, f: {nullable: false}}
    """
  // The schema is fixed: a failure to read it is a failure of the target itself.
  guard let root = try? Document.parse(Data(spec.utf8)), let schema = ModelSpec.read(root).spec?.data.first?.schema
  else {
    fatalError("the fuzz schema does not read")
  }
  return schema
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVSchema(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  for separator in [UInt8(ascii: ","), UInt8(ascii: "\t")] {
    for complete in [true, false] {
      var whole = DataSchemaValidator(schema: fuzzSchema, separator: separator)
      whole.feed(data)
      let expected = whole.finish(complete: complete)
      // Split where the first byte says, and again byte by byte for short inputs.
      let cut = count == 0 ? 0 : Int(data[data.startIndex]) % (count + 1)
      var split = DataSchemaValidator(schema: fuzzSchema, separator: separator)
      split.feed(data.prefix(cut))
      split.feed(data.dropFirst(cut))
      if split.finish(complete: complete) != expected { fatalError("a split at \(cut) changes the report") }
      if count <= 64 {
        var bytes = DataSchemaValidator(schema: fuzzSchema, separator: separator)
        for byte in data { bytes.feed(Data([byte])) }
        if bytes.finish(complete: complete) != expected { fatalError("byte-by-byte feeding changes the report") }
      }
    }
  }
  return 0
}
