import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

extension Repository {
  /// Reads files of `tree` for a policy: pack files it extends, command checks' scripts.
  /// A symlink is followed inside the tree (one that leads nowhere usable cannot be read);
  /// a folder is no file here; each is capped like a spec.
  func policyFiles(in tree: OID) -> PolicyFileReader {
    { path in
      guard let entry = try self.policyEntry(at: path, inTree: tree) else { return nil }
      let data = try self.blob(entry.id, limit: Document.sizeLimit)
      return PolicyFile(path: path, data: data, executable: entry.mode == 0o100755, blob: entry.id.hex)
    }
  }
}
