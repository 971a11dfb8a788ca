// The output formats, one set of choices for each kind of command; each command's
// `--format` takes exactly its set, so an unknown format is a usage error (exit 2) that
// names them.

/// `mlgit check` and the hooks: findings.
public enum OutputFormat: String, CaseIterable, Sendable {
  case text, json, sarif, github
}

/// `mlgit audit` and `mlgit score`: reports that are also pages.
public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json, html
}

/// The commands that list things (runs, policy, reviews, imports, doctor).
public enum ListingFormat: String, CaseIterable, Sendable {
  case text, json
}
