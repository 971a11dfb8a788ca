import FoundationEssentials
import MLGitErrors
import MLSpec

/// `data/protected-columns`: staged CSV/TSV data whose header names a protected attribute.
public struct DataProtectedColumnsRule: PolicyRule {
  public static let description = RuleDescription(
    id: "data/protected-columns",
    summary: "CSV and TSV files under the data globs whose header row names a protected attribute are flagged",
    rationale: """
      Training data that carries a protected attribute makes it one refactoring away from being a feature. \
      Only the header row is read, whatever the file's size.
      """,
    defaultSeverity: .warning,
    examples: [
      RuleExample(path: "data/train.csv", "income,debt_ratio,gender,defaulted\n52000,0.3,f,0\n", triggers: true),
      RuleExample(path: "data/train.tsv", "income\tApplicant Race\n52000\tx\n", triggers: true),
      RuleExample(path: "data/train.csv", "income,debt_ratio,page_views,defaulted\n52000,0.3,12,0\n", triggers: false),
      RuleExample(path: "notes/people.csv", "name,gender\nann,f\n", triggers: false),
    ])

  public init() {}

  public func evaluate(changeSet: ChangeSet, in context: PolicyContext) -> [Finding] {
    let matcher = context.policy.attributeMatcher
    var findings: [Finding] = []
    for file in changeSet.files where file.newBlob != nil && context.policy.dataGlobs.matches(file.path) {
      if let problem = file.newProblem {
        // A header mlgit cannot read is not a header without protected columns.
        findings.append(
          finding(
            "cannot read the data file's header: \(problem)", path: file.path, at: .start, in: context,
            hint: "commit the data file itself, or a symlink to a file inside the repository"))
        continue
      }
      guard let prefix = file.newPrefix else { continue }
      let separator: Character = file.path.lowercased().hasSuffix(".tsv") ? "\t" : ","
      for column in HeaderRow.columns(prefix, separator: separator) {
        let matches = matcher.protectedMatches(column.name)
        guard !matches.isEmpty else { continue }
        findings.append(
          finding(
            "column '\(column.name)' is \(AttributeWording.describe(matches, kind: .protected))",
            path: file.path, at: SourceLocation(line: 1, column: column.column), in: context,
            hint:
              "keep protected attributes out of training data; store fairness slices apart, outside \(context.policy.dataGlobs.globs.map(\.pattern).joined(separator: ", "))"
          ))
      }
    }
    return findings
  }

  public func details(for policy: EffectivePolicy) -> String? {
    "Data files checked: \(policy.dataGlobs.globs.map(\.pattern).joined(separator: ", ")).\n"
      + "Columns are matched like features; `mlgit policy explain features/protected` lists the attributes in force."
  }
}

/// The header row of a CSV or TSV file, read from the file's first bytes with the one CSV
/// reader (`CSVRecordReader`).
enum HeaderRow {
  struct Column: Equatable {
    var name: String
    /// 1-based, in characters.
    var column: Int
  }

  /// Columns of the first record (quotes honoured). When `data` holds no line end it may be
  /// a cut-off prefix, so its last field is left out rather than judged on half a name.
  static func columns(_ data: Data, separator: Character) -> [Column] {
    guard let byte = separator.asciiValue else { return [] }
    // No cell or row limit below the prefix's own size: every name of the prefix is judged.
    var reader = CSVRecordReader(separator: byte, fieldLimit: data.count + 1, recordLimit: data.count + 1)
    var header: CSVRecordReader.Record?
    let first: CSVRecordReader.Handler = { record in
      if header == nil { header = record }
      return nil
    }
    reader.feed(data, first)
    reader.finish(first)
    // The rule reports at line 1: a file whose first line is blank has no header there.
    guard let header, header.line == 1 else { return [] }
    let bytes = [UInt8](data)
    let textStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var columns: [Column] = []
    for (index, field) in header.fields.enumerated() where index < header.offsets.count {
      let start = max(textStart, Int(header.offsets[index]))
      let before = String(decoding: bytes[textStart..<min(start, bytes.count)], as: UTF8.self).count
      columns.append(Column(name: String(decoding: field, as: UTF8.self), column: before + 1))
    }
    if !header.terminated && data.count >= 64 * 1024 { columns.removeLast() }
    return
      columns
      .map { Column(name: $0.name.trimmingWhitespace(), column: $0.column) }
      .filter { !$0.name.isEmpty }
  }
}
