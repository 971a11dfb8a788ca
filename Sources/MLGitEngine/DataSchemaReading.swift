import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

extension ChangeReader {
  /// The data files a change puts up for rule `data/schema` (see `DataSchemaSample.collect`):
  /// each read on the new side as a prefix of `headerBytes`, with memory bounded by that,
  /// whatever the file's size.
  func dataSchemaSamples(_ change: ChangeSet, oldSide: any PathLookup, newSide: any PathLookup) throws
    -> [DataSchemaSample]
  {
    try DataSchemaSample.collect(
      specs: change.specs, files: change.files,
      unchanged: {
        try unchangedSchemaSpecs(oldSide, changed: Set(change.specs.map(\.path)))
      },
      read: { path in
        switch try PathResolver.resolve(path, in: newSide) {
        case .success(let file):
          let prefix = try repository.blobPrefix(file.entry.id, count: ChangeReader.headerBytes)
          if DataSchemaSample.isLFSPointer(prefix) { return nil }
          return .prefix(prefix, complete: prefix.count < ChangeReader.headerBytes)
        case .failure(let why):
          // Data kept outside git (DVC, an ignored file) is checked by `mlgit run` only.
          if case .missing = why.reason, why.links.isEmpty { return nil }
          return .unreadable(why.description)
        }
      })
  }

  /// The specs of the old side's tree that the change leaves alone and that may declare a
  /// schema: the new side holds them unchanged. Only regular files are read, and a spec
  /// whose bytes hold neither `schema` nor a backslash (an escape could spell it) is not parsed.
  func unchangedSchemaSpecs(_ oldSide: any PathLookup, changed: Set<String>) throws -> [SpecSnapshot] {
    guard let tree = (oldSide as? TreeLookup)?.tree else { return [] }
    var found: [SpecSnapshot] = []
    for delta in try repository.diff(from: nil, to: tree, prefixes: policy.specGlobs.prefixes) {
      guard let id = delta.newID, delta.newIsRegularFile, policy.specGlobs.matches(delta.path),
        !changed.contains(delta.path)
      else { continue }
      if snapshots == nil {
        guard let data = try? repository.blob(id, limit: Document.sizeLimit),
          data.containsBytes("schema") || data.contains(UInt8(ascii: "\\"))
        else { continue }
        found.append(SpecSnapshot(path: delta.path, blob: id.hex, data: data))
      } else {
        found.append(try cachedSnapshot(path: delta.path, blob: id))
      }
    }
    return found
  }
}
