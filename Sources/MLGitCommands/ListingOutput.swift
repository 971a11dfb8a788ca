import MLGitEngine
import MLGitReport

/// The JSON documents of the listings: each a `schema` named `mlgit.<command>/<version>`
/// (the docs page of each command lists its fields), written with keys sorted and
/// indented, as `score` and `audit` write theirs. Fields may be added to a version;
/// none is renamed or removed without a new one.
enum ListingJSON {
  static func write<Document: Encodable>(_ document: Document) throws {
    StandardOutput.write(bytes: try SortedJSON.encode(document))
  }
}
