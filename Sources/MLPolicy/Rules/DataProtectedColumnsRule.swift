import Foundation
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
        findings.append(finding("cannot read the data file's header: \(problem)", path: file.path, at: .start, in: context,
          hint: "commit the data file itself, or a symlink to a file inside the repository"))
        continue
      }
      guard let prefix = file.newPrefix else { continue }
      let separator: Character = file.path.lowercased().hasSuffix(".tsv") ? "\t" : ","
      for column in HeaderRow.columns(prefix, separator: separator) {
        let matches = matcher.protectedMatches(column.name)
        guard !matches.isEmpty else { continue }
        findings.append(finding(
          "column '\(column.name)' is \(AttributeWording.describe(matches, kind: .protected))",
          path: file.path, at: SourceLocation(line: 1, column: column.column), in: context,
          hint: "keep protected attributes out of training data; store fairness slices apart, outside \(context.policy.dataGlobs.globs.map(\.pattern).joined(separator: ", "))"))
      }
    }
    return findings
  }

  public func details(for policy: EffectivePolicy) -> String? {
    "Data files checked: \(policy.dataGlobs.globs.map(\.pattern).joined(separator: ", ")).\n"
      + "Columns are matched like features; `mlgit policy explain features/protected` lists the attributes in force."
  }
}

/// The header row of a CSV or TSV file, read from the file's first bytes.
enum HeaderRow {
  struct Column: Equatable {
    var name: String
    /// 1-based, in characters.
    var column: Int
  }

  /// Columns of the first record (quotes honoured). When `data` holds no line end it may be
  /// a cut-off prefix, so its last field is left out rather than judged on half a name.
  static func columns(_ data: Data, separator: Character) -> [Column] {
    var text = String(decoding: data, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    var columns: [Column] = []
    var field = ""
    var fieldStart = 1
    var position = 0
    var quoted = false
    var ended = false
    var iterator = text.makeIterator()
    var next = iterator.next()
    while let c = next {
      next = iterator.next()
      position += 1
      if quoted {
        if c == "\"" {
          // RFC 4180: a doubled quote inside quotes is one quote character.
          if next == "\"" {
            field.append(c)
            next = iterator.next()
            position += 1
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
        continue
      }
      if c == "\"" {
        quoted = true
      } else if c == separator {
        columns.append(Column(name: field, column: fieldStart))
        field = ""
        fieldStart = position + 1
      } else if c == "\n" || c == "\r" || c == "\r\n" {
        ended = true
        break
      } else {
        field.append(c)
      }
    }
    if ended || data.count < 64 * 1024 { columns.append(Column(name: field, column: fieldStart)) }
    return columns
      .map { Column(name: $0.name.trimmingCharacters(in: .whitespaces), column: $0.column) }
      .filter { !$0.name.isEmpty }
  }
}
