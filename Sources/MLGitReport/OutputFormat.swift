/// The output formats of `mlgit check` and the hooks.
public enum OutputFormat: String, CaseIterable, Sendable {
  case text, json, sarif, github
}
