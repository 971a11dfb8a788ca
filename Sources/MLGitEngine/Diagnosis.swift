/// What `mlgit doctor` found: the lines of its report and what to fix, gathered into the
/// `mlgit.doctor/1` document (`--format json`; docs/hooks.md lists its fields).
public struct Diagnosis: Encodable, Sendable, Equatable {
  var schema = "mlgit.doctor/1"
  var version = MLGitVersion.current
  var executable = ""
  var libgit2 = ""
  var repository = ""
  var bare = false
  /// Each hook mlgit installs (client: pre-commit, pre-push; bare: pre-receive), whether
  /// mlgit's check runs from it, and the steps followed to find out (as the text shows them).
  var hooks: [Hook] = []
  /// What to fix, one sentence each with the command that fixes it; empty when all is well.
  public var problems: [String] = []
  /// The text report's lines, as `mlgit doctor` prints them (without colour).
  var report: [String] = []

  struct Hook: Encodable, Sendable, Equatable {
    var name: String
    var runs: Bool
    var steps: [String]
  }

  /// A line of the report: its text, and at its end an alarm the text shows in the error
  /// style (a check that does not run), so colour stays the renderer's business.
  public struct Line: Sendable, Equatable {
    public var text: String
    public var alarm: String

    init(_ text: String, alarm: String = "") {
      self.text = text
      self.alarm = alarm
    }

    /// The line without colour, as the JSON document's `report` holds it.
    var plain: String { text + alarm }
  }
}
