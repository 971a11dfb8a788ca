import FoundationEssentials
import MLSpec

/// `data/schema`: a data file holds the columns (types, ranges, values) its spec's schema expects.
public struct DataSchemaRule: PolicyRule {
  public static let description = RuleDescription(
    id: "data/schema",
    summary:
      "A data file named by a spec's data.<name>.schema holds the expected columns, with their types, ranges and allowed values",
    rationale: """
      Feature expectations written down as a schema and checked by a machine (The ML Test Score: \
      feature expectations are captured in a schema). At commit and push mlgit reads only the first \
      64 KiB of the data file (its header, and the complete rows within them), whatever the file's \
      size: columns missing from the header are reported, and types, ranges and allowed values are \
      checked on those rows. `mlgit run` checks every row as it hashes the data, and refuses to train \
      at error. A data file not in the commit (DVC, Git LFS, ignored) is checked by `mlgit run` only.
      """,
    defaultSeverity: .off,
    examples: [
      RuleExample(DataSchemaRule.spec, files: ["data/train.csv": "income,age\n52000,41\n"], triggers: true),
      RuleExample(
        DataSchemaRule.spec, files: ["data/train.csv": "income,age,region\n52000,17,north\n"], triggers: true),
      RuleExample(DataSchemaRule.spec, files: ["data/train.csv": "income,age,region\n52000,41,west\n"], triggers: true),
      RuleExample(
        DataSchemaRule.spec,
        files: ["data/train.csv": "\u{FEFF}\"income\",age,region\r\n52000.5,41,north\r\n,38,south"],
        triggers: false),
      RuleExample(DataSchemaRule.spec, triggers: false),
    ])

  static let spec =
    Examples.validSpec + """
      data:
        train:
          path: data/train.csv
          schema:
            income: float
            age: {type: int, min: 18, max: 120}
            region: {values: [north, south]}

      """

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    var findings: [Finding] = []
    for sample in changeSet.dataSamples {
      guard let schema = sample.reference.schema else { continue }
      let reference = sample.reference
      switch sample.content {
      case .unreadable(let why):
        findings.append(
          finding(
            "data '\(reference.name)' (\(reference.path)) cannot be read: \(why)", path: sample.specPath,
            at: schema.location, in: context,
            hint: "commit the data file itself, or a symlink to a file inside the repository"))
      case .prefix(let data, let complete):
        var validator = DataSchemaValidator(
          schema: schema, separator: CSVRecordReader.separator(forPath: reference.path))
        validator.feed(data)
        findings += DataSchemaRule.findings(
          validator.finish(complete: complete), reference: reference,
          specPath: sample.specPath, severity: context.severity(of: id), complete: complete)
      }
    }
    return findings
  }

  /// The findings of one data file's check (at commit, or by `mlgit run`), at the schema's
  /// line for a file that cannot be checked, else at each column's line in the spec.
  public static func findings(
    _ report: DataSchemaValidator.Report, reference: DataReference, specPath: String,
    severity: Severity, complete: Bool
  ) -> [Finding] {
    guard let schema = reference.schema else { return [] }
    let file = "data '\(reference.name)' (\(reference.path))"
    if let problem = report.problem {
      return [
        Finding(
          rule: description.id, severity: severity, message: "\(file) \(problem)", path: specPath,
          location: schema.location,
          hint: "a schema is checked against a CSV file (a TSV file for .tsv) whose first row names the columns")
      ]
    }
    return report.violations.map { violation in
      Finding(
        rule: description.id, severity: severity, message: "\(file): \(violation.message)", path: specPath,
        location: violation.column.location, hint: hint(violation, path: reference.path, complete: complete))
    }
  }

  static func hint(_ violation: DataSchemaValidator.Violation, path: String, complete: Bool) -> String {
    switch violation.kind {
    case .missing:
      return "add the column to \(path)'s header, or drop it from the schema (a reviewed change)"
    case .duplicated:
      return "give each column of \(path) its own name"
    default:
      return "fix \(path) at line \(violation.line), or change the schema if the data is right"
        + (complete ? "" : "; at commit only the rows in the file's first 64 KiB are read, `mlgit run` reads them all")
    }
  }

  public func details(for policy: EffectivePolicy) -> String? {
    """
    Spec syntax, under a data entry:
      data:
        train:
          path: data/train.csv
          schema:                  # or a list of column names: [income, age, region]
            income: float          # int, float, string, bool or date (YYYY-MM-DD)
            age: {type: int, min: 18, max: 120}
            signup: {type: date, min: 2015-01-01}
            region: {values: [north, south], nullable: false}
    An empty cell is a missing value, allowed unless nullable: false. Columns the schema does
    not list are allowed; .tsv files are read with tabs, others with commas.
    """
  }
}

extension RuleExample {
  /// An example whose commit also holds these files (a spec's data files), by path.
  public init(
    path: String = "models/example.yaml", _ content: String?, config: String? = nil, files: [String: String],
    triggers: Bool
  ) {
    self.init(path: path, content, config: config, triggers: triggers)
    self.files = files
  }
}
