import FoundationEssentials
import MLSpec

/// A data file that a spec's `data.<name>.schema` names, as the change's new side holds
/// it: what rule `data/schema` judges at commit and push.
public struct DataSchemaSample: Sendable {
  /// What mlgit read of the data file.
  public enum Content: Sendable {
    /// Its first bytes (`complete`: the whole file).
    case prefix(Data, complete: Bool)
    /// Why it cannot be read (a symlink leaving the repository, a folder).
    case unreadable(String)
  }

  /// The spec that declares the schema.
  public var specPath: String
  /// The data entry (its `schema` is set).
  public var reference: DataReference
  public var content: Content

  public init(specPath: String, reference: DataReference, content: Content) {
    self.specPath = specPath
    self.reference = reference
    self.content = content
  }

  /// The pairs a change puts up for checking: every schema of an added or changed spec;
  /// and for a changed data file, every schema naming it in the specs the change leaves
  /// alone (`unchanged`, asked for only when a data file changed). `read` gives a data
  /// file's content on the new side, nil when it is not there (data kept outside git,
  /// an LFS pointer): such a file is checked by `mlgit run` only.
  public static func collect(
    specs: [ModelChange], files: [FileChange], unchanged: () throws -> [SpecSnapshot],
    read: (String) throws -> Content?
  ) rethrows -> [DataSchemaSample] {
    var samples: [DataSchemaSample] = []
    var changedSpecs = Set<String>()
    func add(_ path: String, _ spec: ModelSpec, only: Set<String>?) throws {
      for reference in spec.data where reference.schema != nil {
        if let only, !only.contains(reference.path) { continue }
        guard let content = try read(reference.path) else { continue }
        samples.append(DataSchemaSample(specPath: path, reference: reference, content: content))
      }
    }
    for change in specs {
      changedSpecs.insert(change.path)
      guard let spec = change.new?.spec else { continue }
      try add(change.path, spec, only: nil)
    }
    let changedData = Set(files.filter { $0.newBlob != nil && !$0.isPolicyChange }.map(\.path))
    if !changedData.isEmpty {
      for snapshot in try unchanged() where !changedSpecs.contains(snapshot.path) {
        guard let spec = snapshot.spec else { continue }
        try add(snapshot.path, spec, only: changedData)
      }
    }
    return samples
  }

  /// True for a Git LFS pointer file: the data itself is elsewhere.
  public static func isLFSPointer(_ prefix: Data) -> Bool {
    prefix.count < 1024 && prefix.starts(with: Data("version https://git-lfs.github.com/spec/".utf8))
  }
}
