import Foundation
import MLPolicy
import MLSpec
import XCTest

/// Every option of every rule is checked when a config is loaded: its name, its type
/// and its range, with the error at the option's line and column.
final class RuleOptionTests: XCTestCase {
  /// A config setting one option of one rule; the option's value starts at line 4, column 5 + key.
  func config(_ rule: String, _ key: String, _ value: String) -> String {
    "apiVersion: mlgit/v1\nrules:\n  \(rule):\n    \(key): \(value)\n"
  }

  func loadError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> PolicyLoadError? {
    do {
      _ = try EffectivePolicy.load(config: Data(text.utf8))
      XCTFail("loaded: \(text)", file: file, line: line)
      return nil
    } catch let error as PolicyLoadError {
      return error
    } catch {
      XCTFail("\(error)", file: file, line: line)
      return nil
    }
  }

  /// A valid value, and values each option must refuse, by kind.
  func samples(_ kind: RuleOption.Kind) -> (valid: [String], invalid: [String]) {
    switch kind {
    case .integer(let range):
      return (
        ["\(range.lowerBound)", "\(range.upperBound)"],
        [
          "\(range.lowerBound - 1)", "\(range.upperBound + 1)", "1e300", ".inf", "-.inf", ".nan", "2.5", "2.0",
          "99999999999999999999999", "two", "'2'", "[1]", "{a: 1}", "true", "~",
        ]
      )
    case .choice(let words):
      return (words, ["sometimes", words[0].uppercased(), "1", "[\(words[0])]", "true", "~"])
    case .boolean:
      return (["true", "false"], ["sometimes", "'true'", "1", "[true]", "~"])
    case .branches:
      return (
        ["main", "protected", "[main, \"release/*\"]", "[protected, \"release/*\"]"],
        ["[]", "1", "{main: 1}", "[main, 2]", "[[main]]", "~", "true"]
      )
    case .check:
      return (
        ["{field: license, required: true}", "{features_forbidden: [zip]}", "{command: [true]}"],
        ["{field: license, requird: true}", "{field: license}", "[license]", "{command: []}", "~"]
      )
    case .text:
      return (["hello"], ["[a]", "{a: 1}", "~"])
    case .seconds:
      return (["1", "2.5", "600"], ["0", "-1", "601", ".inf", ".nan", "ten", "~"])
    case .fraction:
      return (["0", "0.01", "1"], ["-0.01", "1.5", ".inf", ".nan", "'0.1'", "5%", "~"])
    }
  }

  func testEveryOptionOfEveryRuleIsValidated() throws {
    var checked = 0
    for rule in RuleRegistry.builtInRules {
      let id = rule.id
      for option in type(of: rule).description.allOptions {
        let (valid, invalid) = samples(option.kind)
        for value in valid {
          XCTAssertNoThrow(
            try EffectivePolicy.load(config: Data(config(id, option.name, value).utf8)),
            "\(id) \(option.name): \(value)")
        }
        for value in invalid {
          guard let error = loadError(config(id, option.name, value)) else { continue }
          XCTAssertEqual(error.path, ".mlgit/config.yml")
          XCTAssertEqual(error.error.location.line, 4, "\(id) \(option.name): \(value)")
          XCTAssertEqual(error.error.location.column, 7 + option.name.count, "\(id) \(option.name): \(value)")
          XCTAssertTrue(
            error.error.message.hasPrefix("rule '\(id)': '\(option.name)' must be \(option.expected), found "),
            error.error.message)
          checked += 1
        }
      }
    }
    XCTAssertGreaterThan(checked, 60)
  }

  func testNumbersOutOfRangeNameTheirValue() throws {
    for value in ["1e300", ".inf", ".nan", "-1", "101"] {
      let error = try XCTUnwrap(loadError(config("hyperparameters/review", "approvals", value)))
      XCTAssertEqual(
        error.description,
        """
        .mlgit/config.yml:4:16: error: rule 'hyperparameters/review': 'approvals' must be a whole number from 0 to 100, found \(value)
        """)
    }
    let word = try XCTUnwrap(loadError(config("policy/review", "approvals", "two")))
    XCTAssertEqual(
      word.error.message, "rule 'policy/review': 'approvals' must be a whole number from 0 to 100, found 'two'")
  }

  func testMisspeltOptionsAreRefusedAtTheirNameWithTheClosestOne() throws {
    let cases: [(rule: String, key: String, value: String, hint: String)] = [
      ("hyperparameters/review", "aprovals", "2", "did you mean 'approvals'?"),
      ("hyperparameters/review", "new_spec", "true", "did you mean 'new_specs'?"),
      ("policy/review", "enforced", "commit", "did you mean 'enforce'?"),
      ("runs/required", "branch", "[main]", "did you mean 'branches'?"),
      ("spec/schema", "severty", "error", "did you mean 'severity'?"),
      ("policy/review", "new_specs", "true", "options of policy/review: severity, approvals, enforce, branches"),
    ]
    for c in cases {
      let error = try XCTUnwrap(loadError(config(c.rule, c.key, c.value)))
      XCTAssertEqual(error.error.message, "rule '\(c.rule)' has no option '\(c.key)'")
      XCTAssertEqual(error.error.location.line, 4)
      XCTAssertEqual(error.error.location.column, 5, c.key)
      XCTAssertEqual(error.error.hint, c.hint)
    }
  }

  func testChoicesSuggestTheClosestWord() throws {
    let error = try XCTUnwrap(loadError(config("hyperparameters/review", "enforce", "pushh")))
    XCTAssertEqual(
      error.error.message, "rule 'hyperparameters/review': 'enforce' must be 'commit' or 'push', found 'pushh'")
    XCTAssertEqual(error.error.hint, "did you mean 'push'?")
    let flow = try XCTUnwrap(
      loadError("apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: {severity: error, enforce: sometimes}\n"))
    XCTAssertEqual(flow.error.location.line, 3)
    XCTAssertEqual(flow.error.location.column, 54)
  }

  func testTheFirstProblemInTheFileIsReported() throws {
    let error = try XCTUnwrap(
      loadError(
        """
        apiVersion: mlgit/v1
        rules:
          spec/schema: {severity: error}
          policy/review: {approvals: 1, enforce: sometimes, aprovals: 2}
          hyperparameters/review: {approvals: -1}

        """))
    XCTAssertEqual(error.error.location.line, 4)
    XCTAssertEqual(error.error.location.column, 42)
  }

  func testValidatedValuesAreWhatTheRulesRead() throws {
    let policy = try EffectivePolicy.load(
      config: Data(
        """
        apiVersion: mlgit/v1
        rules:
          hyperparameters/review: {approvals: 3, enforce: commit, new_specs: true}
          policy/review: {approvals: 0}

        """.utf8))
    XCTAssertEqual(policy.approvals("hyperparameters/review"), 3)
    XCTAssertEqual(policy.enforcement("hyperparameters/review"), "commit")
    XCTAssertEqual(policy.approvals("policy/review"), 0)
    XCTAssertEqual(policy.enforcement("policy/review"), "push")
    XCTAssertEqual(try EffectivePolicy.builtIn().approvals("policy/review"), 1)
  }

  func testShippedPacksDeclareOnlyKnownOptions() throws {
    for name in ShippedPacks.files.keys.sorted() {
      XCTAssertNoThrow(try EffectivePolicy.load(config: Data("apiVersion: mlgit/v1\nextends: [\(name)]\n".utf8)), name)
    }
  }
}
