import ArgumentParser
import MLGitEngine
import MLGitReport

/// `--format text|json` of the commands that list things (runs, policy, reviews,
/// imports, doctor). An unknown format is a usage error (exit 2) naming both.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// The JSON documents of the listings: each a `schema` named `mlgit.<command>/<version>`
/// (the docs page of each command lists its fields), written with keys sorted and
/// indented, as `score` and `audit` write theirs. Fields may be added to a version;
/// none is renamed or removed without a new one.
enum ListingJSON {
  static func write<Document: Encodable>(_ document: Document) throws {
    StandardOutput.write(bytes: try SortedJSON.encode(document))
  }
}
