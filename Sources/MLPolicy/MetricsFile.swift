import FoundationEssentials
import MLSpec

/// A metrics file a training command wrote, as DVC and most ML tools write them: a JSON or
/// YAML mapping whose nested mappings are flattened to dotted names as `dvc metrics show`
/// prints them (`{"test": {"auc": 0.88}}` is `test.auc`).
///
/// Values that are not numbers (lists, strings, booleans, null) are skipped with a note
/// rather than refused: DVC files often carry a confusion matrix or a model name beside the
/// numbers. A file with values but no number at all is refused, as is NaN or an infinity
/// (a bound cannot be checked against them).
public enum MetricsFile {
  public enum Format: Sendable { case json, yaml }

  /// What one file gave: its metrics and a note for each value skipped.
  public struct Reading: Sendable, Equatable {
    public var metrics: [String: Double]
    /// `'history' is a list`, one per skipped value, in file order for YAML, name order for JSON.
    public var skipped: [String]
  }

  /// The format of `file`: `.json`, `.yaml` and `.yml` by extension; otherwise JSON when the
  /// first non-blank character opens an object or array, else YAML.
  public static func format(of file: String, data: Data) -> Format {
    let lower = file.lowercased()
    if lower.hasSuffix(".json") { return .json }
    if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return .yaml }
    let first = data.first { !(($0 == 0x20) || ($0 == 0x0A) || ($0 == 0x0D) || ($0 == 0x09)) }
    return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .yaml
  }

  /// Reads one metrics file; `file` names it in messages and picks the format.
  public static func read(_ data: Data, file: String, format: Format? = nil) throws -> Reading {
    var reading = Reading(metrics: [:], skipped: [])
    var seen = 0
    switch format ?? self.format(of: file, data: data) {
    case .json:
      let object = try jsonObject(data, file: file)
      func walk(_ value: [String: JSONValue], prefix: String) throws {
        for key in value.keys.sorted() {
          guard let entry = value[key] else { continue }
          let name = prefix + key
          switch entry {
          case .object(let nested):
            try walk(nested, prefix: name + ".")
          case .int, .bigInt, .double:
            seen += 1
            guard let number = entry.doubleValue, number.isFinite else {
              throw RunRecordError("\(file): metric '\(name)' is not finite; metrics must be finite numbers")
            }
            try add(name, number, file: file, into: &reading)
          default:
            seen += 1
            reading.skipped.append("'\(name)' is \(RunRecord.describe(entry))")
          }
        }
      }
      try walk(object, prefix: "")
    case .yaml:
      let root: Node
      do {
        root = try Document.parse(data)
      } catch let error as DocumentError {
        throw RunRecordError(
          "\(file): not a YAML document: \(error.message) (line \(error.location.line), column \(error.location.column))"
        )
      }
      guard let pairs = root.pairs else {
        throw RunRecordError(
          "\(file):\(root.location.line):\(root.location.column): metrics must be a mapping of name -> number, found \(root.typeDescription), e.g. `auc: 0.81`"
        )
      }
      func walk(_ pairs: [(key: Node, value: Node)], prefix: String) throws {
        for (key, value) in pairs {
          guard let text = key.scalarText else {
            throw RunRecordError(
              "\(file):\(key.location.line):\(key.location.column): a metric name must be text, found \(key.typeDescription)"
            )
          }
          let name = prefix + text
          let at = "\(value.location.line):\(value.location.column)"
          if let nested = value.pairs {
            try walk(nested, prefix: name + ".")
          } else if let number = value.number {
            seen += 1
            guard number.isFinite else {
              throw RunRecordError(
                "\(file):\(at): metric '\(name)' is \(number.isNaN ? "NaN" : "infinite"); metrics must be finite numbers"
              )
            }
            try add(name, number, file: file, into: &reading)
          } else {
            seen += 1
            let what = value.string.map { "the string \"\($0.prefix(20))\"" } ?? value.typeDescription
            reading.skipped.append("'\(name)' (line \(value.location.line)) is \(what)")
          }
        }
      }
      try walk(pairs, prefix: "")
    }
    if reading.metrics.isEmpty, let first = reading.skipped.first {
      throw RunRecordError(
        "\(file): no metric is a number (\(first)\(seen > 1 ? ", and \(seen - 1) more" : "")); metrics must be numbers, e.g. {\"auc\": 0.81} or {\"test\": {\"auc\": 0.81}}"
      )
    }
    return reading
  }

  /// The metrics of several files as one set; a name given by two files is refused, naming both.
  public static func merge(_ readings: [(file: String, metrics: [String: Double])]) throws -> [String: Double] {
    var merged: [String: Double] = [:]
    var from: [String: String] = [:]
    for (file, metrics) in readings {
      for name in metrics.keys.sorted() {
        if let earlier = from[name] {
          throw RunRecordError(
            "metric '\(name)' is in both \(earlier) and \(file); each metric must come from one file")
        }
        from[name] = file
        merged[name] = metrics[name]
      }
    }
    return merged
  }

  static func add(_ name: String, _ number: Double, file: String, into reading: inout Reading) throws {
    // `{"test.auc": 1, "test": {"auc": 2}}` names one metric twice once flattened.
    guard reading.metrics[name] == nil else {
      throw RunRecordError(
        "\(file): metric '\(name)' is given twice (a dotted name and a nested one flatten to the same name)")
    }
    reading.metrics[name] = number
  }

  /// The top-level JSON object, with errors at byte, line and column.
  static func jsonObject(_ data: Data, file: String) throws -> [String: JSONValue] {
    let text = String(decoding: data, as: UTF8.self)
    // Python's json.dump writes NaN and Infinity, which are not JSON: name the metric.
    if let range = text.firstRange(of: #/"([^"\\]*)"\s*:\s*-?(NaN|Infinity)/#) {
      let match = String(text[range])
      let name = match.split(separator: "\"").first.map(String.init) ?? "?"
      let kind = match.contains("NaN") ? "NaN" : "infinite"
      let before = Array(text.utf8[..<range.lowerBound])
      let line = before.filter { $0 == 0x0A }.count + 1
      throw RunRecordError("\(file): metric '\(name)' is \(kind); metrics must be finite numbers (line \(line))")
    }
    let value: JSONValue
    let expected = "metrics must be a JSON object of name -> number, e.g. {\"auc\": 0.81}"
    do {
      value = try JSONValue.parse(text)
    } catch let error as JSONSyntaxError {
      // Line and column too: metrics files are often pretty-printed over many lines.
      let before = Array(text.utf8.prefix(error.offset))
      let line = before.filter { $0 == 0x0A }.count + 1
      let column = before.count - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
      let opening = text.first { !$0.isWhitespace }
      throw RunRecordError(
        "\(file): not a JSON document: \(error) (line \(line), column \(column))"
          + (opening == "{" ? "" : "; \(expected)"))
    } catch {
      throw RunRecordError("\(file): not a JSON document: \(String(describing: error))")
    }
    guard let object = value.objectValue else {
      throw RunRecordError("\(file): \(expected)")
    }
    return object
  }
}
