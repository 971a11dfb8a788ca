import Foundation
import MLSpec
import XCTest

final class GlobTests: XCTestCase {
  func testDoubleStarSpansZeroOrMoreFolders() {
    let glob = Glob("models/**/*.yaml")
    XCTAssertTrue(glob.matches("models/a.yaml"))
    XCTAssertTrue(glob.matches("models/x/y/a.yaml"))
    XCTAssertTrue(glob.matches("models/with space/é.yaml"))
    XCTAssertFalse(glob.matches("models/a.yml"))
    XCTAssertFalse(glob.matches("other/models/a.yaml"))
    XCTAssertFalse(glob.matches("modelsx/a.yaml"))
    XCTAssertFalse(glob.matches("models"))
  }

  func testSingleStarStaysInOneSegment() {
    let glob = Glob("models/*.yaml")
    XCTAssertTrue(glob.matches("models/a.yaml"))
    XCTAssertFalse(glob.matches("models/x/a.yaml"))
    XCTAssertTrue(Glob("*.yaml").matches("a.yaml"))
    XCTAssertFalse(Glob("*.yaml").matches("dir/a.yaml"))
  }

  func testLeadingDoubleStarMatchesAnywhere() {
    let glob = Glob("**/spec.json")
    XCTAssertTrue(glob.matches("spec.json"))
    XCTAssertTrue(glob.matches("a/b/spec.json"))
    XCTAssertFalse(glob.matches("a/b/spec.jsonx"))
  }

  func testTrailingDoubleStarMatchesEverythingInside() {
    let glob = Glob("data/**")
    XCTAssertTrue(glob.matches("data/a.csv"))
    XCTAssertTrue(glob.matches("data/x/y.csv"))
  }

  func testQuestionMarkAndClasses() {
    XCTAssertTrue(Glob("m?.yaml").matches("m1.yaml"))
    XCTAssertFalse(Glob("m?.yaml").matches("m12.yaml"))
    XCTAssertTrue(Glob("v[0-9].yaml").matches("v7.yaml"))
    XCTAssertFalse(Glob("v[0-9].yaml").matches("vx.yaml"))
    XCTAssertTrue(Glob("v[!0-9].yaml").matches("vx.yaml"))
    XCTAssertFalse(Glob("v[!0-9].yaml").matches("v1.yaml"))
    XCTAssertFalse(Glob("v[0-9.yaml").matches("v1.yaml"), "an unclosed class matches nothing")
  }

  func testStarBacktracks() {
    XCTAssertTrue(Glob("*a*b*.yaml").matches("xxaxxbxx.yaml"))
    XCTAssertFalse(Glob("*a*b*.yaml").matches("xxbxxaxx.yaml"))
  }

  func testLiteralPrefix() {
    XCTAssertEqual(Glob("models/**/*.yaml").literalPrefix, "models")
    XCTAssertEqual(Glob("ml/models/*.json").literalPrefix, "ml/models")
    XCTAssertEqual(Glob("models/credit.yaml").literalPrefix, "models/credit.yaml")
    XCTAssertEqual(Glob("**/*.yaml").literalPrefix, "")
    XCTAssertEqual(Glob("*.yaml").literalPrefix, "")
    XCTAssertEqual(Glob("models/v[12]/a.yaml").literalPrefix, "models")
    XCTAssertEqual(Glob("/models/*.yaml").literalPrefix, "models")
  }

  func testGlobSet() {
    let set = GlobSet(["models/**/*.yaml", "specs/*.json"])
    XCTAssertTrue(set.matches("specs/a.json"))
    XCTAssertTrue(set.matches("models/b.yaml"))
    XCTAssertFalse(set.matches("README.md"))
    XCTAssertEqual(set.prefixes, ["models", "specs"])
  }
}

final class JSONValueTests: XCTestCase {
  func value(_ yaml: String) throws -> JSONValue { JSONValue(try Document.parse(Data(yaml.utf8))) }

  func testCanonicalFormSortsKeysWithoutSpaces() throws {
    let v = try value("b: 1\na: [true, null, \"x\"]\nc: {z: 0.5, y: 2.0}\n")
    XCTAssertEqual(v.canonical, #"{"a":[true,null,"x"],"b":1,"c":{"y":2.0,"z":0.5}}"#)
  }

  func testNumbersCompareByValue() throws {
    XCTAssertEqual(try value("lr: 0.05"), try value("lr: 0.050"))
    XCTAssertEqual(try value("lr: 0.05").canonical, try value("lr: 5.0e-2").canonical)
    XCTAssertEqual(try value("n: 0x10"), try value("n: 16"))
  }

  func testTypesStayDistinct() throws {
    XCTAssertNotEqual(try value("depth: 1"), try value("depth: \"1\""))
    XCTAssertNotEqual(try value("flag: true"), try value("flag: \"true\""))
    XCTAssertNotEqual(try value("x: null"), try value("x: \"\""))
  }

  func testFormattingAndCommentsDoNotChangeTheValue() throws {
    let a = try value("hyperparameters:\n  depth: 4   # deep enough\n  rate: 0.1\n")
    let b = try value("hyperparameters: {rate: 0.10, depth: 4}\n")
    XCTAssertEqual(a, b)
    XCTAssertEqual(a.canonical, b.canonical)
  }

  func testStringsAreEscaped() throws {
    XCTAssertEqual(JSONValue.string("a\"b\\c\nd\u{1}é").canonical, #""a\"b\\c\nd\u0001é""#)
  }

  func testNonFiniteNumbersPrintAsNull() {
    XCTAssertEqual(JSONValue.double(.infinity).canonical, "null")
    XCTAssertEqual(JSONValue.double(.nan).canonical, "null")
  }

  func testExactTypedValues() throws {
    // PyYAML's YAML 1.1: a leading 0 is octal; integers of any size are exact.
    XCTAssertEqual(try value("d: 010"), .object(["d": .int(8)]))
    XCTAssertEqual(try value("d: -010"), .object(["d": .int(-8)]))
    XCTAssertEqual(try value("d: -0"), .object(["d": .int(0)]))
    XCTAssertNotEqual(try value("d: 010"), try value("d: 10"))
    XCTAssertEqual(try value("s: 12345678901234567890"), .object(["s": .bigInt("12345678901234567890")]))
    XCTAssertNotEqual(try value("s: 12345678901234567890"), try value("s: 12345678901234567891"))
    XCTAssertEqual(try value("s: -0x_8000_0000_0000_0000_1"), .object(["s": .bigInt("-147573952589676412929")]))
    XCTAssertEqual(try value("t: 1:30"), .object(["t": .int(90)]))
    XCTAssertEqual(try value("t: 1:30.5"), .object(["t": .double(90.5)]))
    XCTAssertEqual(try value("n: !!int \"010\""), .object(["n": .int(8)]))
    XCTAssertEqual(try value("n: !!float 1"), .object(["n": .double(1)]))
    XCTAssertEqual(try value("n: 0o17"), .object(["n": .string("0o17")]))
    XCTAssertNotEqual(try value("n: 1"), try value("n: 1.0"))
    // A NaN left as it was is no change, and it is not null.
    XCTAssertEqual(try value("lr: .nan"), try value("lr: .NaN"))
    XCTAssertNotEqual(try value("lr: .nan").typedSHA256, try value("lr: ~").typedSHA256)
    XCTAssertEqual(try value("a: [.inf, -.inf, .nan]").typedCanonical, #"{"a":[.inf,-.inf,.nan]}"#)
  }

  func testTaggedTextThatIsNotItsTypeIsAnError() {
    for text in [
      "n: !!int abc", "n: !!float abc", "n: !!bool maybe", "n: !!binary aGk=", "n: !custom 1", "n: !!set {a: 1}",
    ] {
      XCTAssertThrowsError(try value(text), text)
    }
  }

  /// Approvals made before typed hashing bind the sha256 of the canonical JSON: for every
  /// value JSON can write the typed hash is that same hash, so they still count.
  func testTypedHashIsTheCanonicalHashForJSONValues() throws {
    let v = try value("learning_rate: 0.05\nmax_depth: 6\nseed: 42\n")
    XCTAssertEqual(v.typedSHA256, "4393edf7c1a2cda06235bc9fb126d6a2f8bfac665d6bc8e7a9d547f7358fb123")
    XCTAssertEqual(v.typedSHA256, v.sha256)
  }

  func testParseRoundTripKeepsIntegersAndBooleans() throws {
    let parsed = try JSONValue.parse(#"{"exit":0,"ok":true,"auc":0.81,"n":3.0,"s":"1"}"#)
    XCTAssertEqual(parsed["exit"], .int(0))
    XCTAssertEqual(parsed["ok"], .bool(true))
    XCTAssertEqual(parsed["auc"], .double(0.81))
    XCTAssertEqual(parsed["s"], .string("1"))
    XCTAssertEqual(parsed.canonical, #"{"auc":0.81,"exit":0,"n":3.0,"ok":true,"s":"1"}"#)
  }
}

final class PolicyDocumentTests: XCTestCase {
  func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DocumentError? {
    do {
      _ = try PolicyDocument.parse(Data(text.utf8))
      XCTFail("expected an error", file: file, line: line)
    } catch let error as DocumentError {
      return error
    } catch {
      XCTFail("unexpected \(error)", file: file, line: line)
    }
    return nil
  }

  func testFullDocumentParses() throws {
    let doc = try PolicyDocument.parse(
      Data(
        """
        apiVersion: mlgit/v1
        extends: [default]
        specs: ["ml/**/*.yaml"]
        protected_branches: [main, "release/*"]
        reviewers: [alice@example.com]
        rules:
          spec/schema: error
          spec/version-bump: {severity: off, note: x}
        protected_attributes:
          religion: [faith, church]
        exceptions:
          - {model: credit-risk, feature: age, justification: required by law}
        require_signed_reviews: yes

        """.utf8))
    XCTAssertEqual(doc.extends, ["default"])
    XCTAssertEqual(doc.specs, ["ml/**/*.yaml"])
    XCTAssertEqual(doc.protectedBranches, ["main", "release/*"])
    XCTAssertEqual(doc.rules["spec/schema"]?.severity, .error)
    XCTAssertEqual(doc.rules["spec/version-bump"]?.severity, .off)
    XCTAssertEqual(doc.rules["spec/version-bump"]?.options["note"]?.string, "x")
    XCTAssertEqual(doc.rules["spec/version-bump"]?.location, SourceLocation(line: 8, column: 3))
    XCTAssertEqual(doc.protectedAttributes["religion"], ["faith", "church"])
    XCTAssertEqual(doc.allowances.first?.justification, "required by law")
    XCTAssertEqual(doc.requireSignedReviews, true)
  }

  func testExtendsAcceptsASingleName() throws {
    XCTAssertEqual(try PolicyDocument.parse(Data("extends: strict\n".utf8)).extends, ["strict"])
  }

  func testUnknownSettingSuggests() {
    let e = error("apiVersion: mlgit/v1\nreviewer: [a]\n")
    XCTAssertEqual(e?.message, "unknown setting 'reviewer'")
    XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 1))
    XCTAssertEqual(e?.hint, "did you mean 'reviewers'?")
  }

  func testWrongTypesNameTheValue() {
    XCTAssertEqual(error("specs: models/*.yaml\n")?.message, "'specs' must be a list of strings, found a string")
    let item = error("reviewers:\n  - alice\n  - {name: bob}\n")
    XCTAssertEqual(item?.message, "an entry of 'reviewers' must be a string, found a mapping")
    XCTAssertEqual(item?.location, SourceLocation(line: 3, column: 5))
    XCTAssertEqual(
      error("require_signed_reviews: maybe\n")?.message,
      "'require_signed_reviews' must be true or false, found a string")
    XCTAssertEqual(error("- a\n")?.message, "a policy must be a mapping, found a list")
  }

  func testBadSeverity() {
    let e = error("rules:\n  spec/schema: fatal\n")
    XCTAssertEqual(e?.message, "rule 'spec/schema': severity must be error, warning, note or off, found 'fatal'")
    XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 16))
  }

  func testWrongAPIVersion() {
    let e = error("apiVersion: v1\n")
    XCTAssertEqual(e?.message, "apiVersion must be 'mlgit/v1'")
    XCTAssertEqual(e?.location, SourceLocation(line: 1, column: 13))
  }

  func testExceptionNeedsAJustification() {
    let e = error("exceptions:\n  - {model: m, feature: age, justification: \" \"}\n")
    XCTAssertEqual(e?.message, "an exception needs a non-empty 'justification'")
    XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 45))
  }

  func testDuplicateRuleIsADuplicateKey() {
    let e = error("rules:\n  spec/schema: error\n  spec/schema: off\n")
    XCTAssertEqual(e?.message, "duplicate key 'spec/schema' (first defined at line 2)")
    XCTAssertEqual(e?.location, SourceLocation(line: 3, column: 3))
  }
}
