import Foundation
import XCTest

/// `--format json` on the commands that list things, `runs compare --format json` with the
/// types of the recorded values, and `--color` on every command that styles its text.
final class ListingFormatsTests: XCTestCase {
  static let bob = ["GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com"]
  static let escape = "\u{1B}["

  func object(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.output,
      file: file, line: line)
  }

  /// The JSON type a parsed value had in the text: JSONSerialization keeps it in the NSNumber.
  func kind(_ value: Any?) -> String {
    switch value {
    case nil: return "absent"
    case is NSNull: return "null"
    case is String: return "string"
    case let number as NSNumber:
      switch String(cString: number.objCType) {
      case "c", "B": return "bool"
      case "d", "f": return "double"
      default: return "int"
      }
    case is [Any]: return "array"
    case is [String: Any]: return "object"
    default: return "other"
    }
  }

  /// Two runs on two commits, the second with other hyperparameters and metrics.
  func twoRuns() -> (TempRepository, first: String, second: String) {
    let repo = TempRepository()
    let hyperparameters = """
        learning_rate: 0.1
        max_depth: 6
        early_stop: true
        momentum: 1.0
        optimizer: {name: adam, beta: 0.9}

      """
    repo.commitFile("models/credit.yaml", Fixtures.spec(hyperparameters: hyperparameters), "first model")
    repo.write("m.json", #"{"auc": 0.8, "loss": 0.5}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", "train").status, 0)
    let changed = hyperparameters.replacingOccurrences(of: "0.1\n", with: "0.25\n").replacingOccurrences(
      of: "max_depth: 6", with: "max_depth: 8")
    repo.commitFile("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: changed), "deeper")
    repo.write("m.json", #"{"auc": 0.85}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--command", "train").status, 0)
    let ids = repo.mlgit("runs").stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
    XCTAssertEqual(ids.count, 2)
    return (repo, ids[1], ids[0])
  }

  func testRunsCompareJSONKeepsTheRecordedTypes() throws {
    let (repo, first, second) = twoRuns()
    let result = repo.mlgit("runs", "compare", first, second, "--format", "json")
    XCTAssertEqual(result.status, 0, result.output)
    let document = try object(result)
    XCTAssertEqual(document["schema"] as? String, "mlgit.runs-compare/1")
    let runs = try XCTUnwrap(document["runs"] as? [[String: Any]])
    XCTAssertEqual(runs.map { $0["id"] as? String }, [first, second])
    XCTAssertEqual(runs.map { ($0["commit"] as? String)?.count }, [40, 40])
    let recorded = try XCTUnwrap(runs[0]["params"] as? [String: Any])
    XCTAssertEqual(kind(recorded["optimizer"]), "object")

    let params = try XCTUnwrap(document["params"] as? [[String: Any]])
    XCTAssertEqual(
      params.map { $0["key"] as? String },
      ["early_stop", "learning_rate", "max_depth", "momentum", "optimizer.beta", "optimizer.name"])
    func param(_ key: String) throws -> [String: Any] { try XCTUnwrap(params.first { $0["key"] as? String == key }) }
    // 0.1 stays a float, 6 an integer, true a boolean, 1.0 a float (not the integer 1), adam a string.
    let rate = try param("learning_rate")
    XCTAssertEqual([kind(rate["first"]), kind(rate["second"])], ["double", "double"])
    XCTAssertEqual(rate["first"] as? Double, 0.1)
    XCTAssertEqual(rate["second"] as? Double, 0.25)
    XCTAssertEqual(rate["differs"] as? Bool, true)
    let depth = try param("max_depth")
    XCTAssertEqual([kind(depth["first"]), kind(depth["second"])], ["int", "int"])
    XCTAssertEqual([depth["first"] as? Int, depth["second"] as? Int], [6, 8])
    let stop = try param("early_stop")
    XCTAssertEqual(kind(stop["first"]), "bool")
    XCTAssertEqual(stop["first"] as? Bool, true)
    XCTAssertEqual(stop["differs"] as? Bool, false)
    XCTAssertEqual(kind(try param("momentum")["first"]), "double")
    XCTAssertEqual(kind(try param("optimizer.beta")["second"]), "double")
    XCTAssertEqual(try param("optimizer.name")["first"] as? String, "adam")
    XCTAssertTrue(result.stdout.contains(#""momentum":1.0"#), result.stdout)

    let metrics = try XCTUnwrap(document["metrics"] as? [[String: Any]])
    XCTAssertEqual(metrics.map { $0["name"] as? String }, ["auc", "loss"])
    XCTAssertEqual(metrics[0]["first"] as? Double, 0.8)
    XCTAssertEqual(metrics[0]["second"] as? Double, 0.85)
    XCTAssertEqual(metrics[0]["delta"] as? Double, 0.05)
    XCTAssertEqual(kind(metrics[1]["first"]), "double")
    XCTAssertEqual(kind(metrics[1]["second"]), "absent")
    XCTAssertEqual(kind(metrics[1]["delta"]), "absent")

    // The text is as it was.
    let text = repo.mlgit("runs", "compare", first, second)
    XCTAssertEqual(text.status, 0, text.output)
    XCTAssertTrue(
      text.stdout.contains(
        """
        params
          early_stop      true          true
          learning_rate   0.1           0.25          differs
          max_depth       6             8             differs
          momentum        1.0           1.0
          optimizer.beta  0.9           0.9
          optimizer.name  "adam"        "adam"
        metrics
          auc             0.8           0.85          +0.05
          loss            0.5           -

        """), text.stdout)
  }

  func testRunsCompareWithParamsNamedLikeNestedOnesDoesNotCrash() throws {
    let repo = TempRepository()
    repo.commitFile("notes.txt", "x\n", "first")
    repo.write("m.json", #"{"auc": 0.8}"#)
    // A literal `a.b` key beside a nested `a: {b: …}`: both flatten to `a.b`.
    repo.write("p.json", #"{"a.b": 1, "a": {"b": 2}}"#)
    XCTAssertEqual(repo.mlgit("run", "record", "--metrics", "m.json", "--params", "p.json", "--command", "x").status, 0)
    let id = String(repo.mlgit("runs").stdout.prefix(12))
    let text = repo.mlgit("runs", "compare", id, id)
    XCTAssertEqual(text.status, 0, text.output)
    XCTAssertTrue(text.stdout.contains("\nparams\n  a.b    2             2\nmetrics\n"), text.stdout)
    let json = repo.mlgit("runs", "compare", id, id, "--format", "json")
    XCTAssertEqual(json.status, 0, json.output)
    let params = try XCTUnwrap(try object(json)["params"] as? [[String: Any]])
    XCTAssertEqual(params.count, 1)
    XCTAssertEqual(params.first?["first"] as? Int, 2)
  }

  func testPolicyListAndShowJSON() throws {
    let repo = TempRepository()
    repo.write(
      ".mlgit/config.yml",
      """
      apiVersion: mlgit/v1
      extends: [default]
      reviewers: [bob@example.com]
      rules:
        features/proxy: error
        hyperparameters/review: {severity: error, approvals: 2}
        acme/license:
          message: every model names its license
          check: {field: license, required: true}

      """)
    repo.stage()
    repo.commitFixture("policy")
    let list = repo.mlgit("policy", "list", "--format", "json")
    XCTAssertEqual(list.status, 0, list.output)
    let document = try object(list)
    XCTAssertEqual(document["schema"] as? String, "mlgit.policy-list/1")
    XCTAssertEqual(document["sources"] as? [String], ["default", ".mlgit/config.yml"])
    let rules = try XCTUnwrap(document["rules"] as? [[String: Any]])
    func rule(_ id: String) throws -> [String: Any] { try XCTUnwrap(rules.first { $0["id"] as? String == id }, id) }
    let proxy = try rule("features/proxy")
    XCTAssertEqual(proxy["severity"] as? String, "error")
    XCTAssertEqual(proxy["defaultSeverity"] as? String, "warning")
    XCTAssertEqual(proxy["team"] as? Bool, false)
    XCTAssertEqual(kind(proxy["declaredIn"]), "null")
    let team = try rule("acme/license")
    XCTAssertEqual(team["team"] as? Bool, true)
    XCTAssertEqual(team["declaredIn"] as? String, ".mlgit/config.yml")
    XCTAssertEqual(team["line"] as? Int, 7)
    XCTAssertEqual(team["message"] as? String, "every model names its license")
    XCTAssertEqual(team["severity"] as? String, "error")
    XCTAssertEqual(rules.last?["id"] as? String, "acme/license")

    let show = repo.mlgit("policy", "show", "--format", "json")
    XCTAssertEqual(show.status, 0, show.output)
    let shown = try object(show)
    XCTAssertEqual(shown["schema"] as? String, "mlgit.policy-show/1")
    XCTAssertEqual(shown["reviewers"] as? [String], ["bob@example.com"])
    XCTAssertEqual(shown["protectedBranches"] as? [String], ["main"])
    XCTAssertEqual(kind(shown["requireSignedReviews"]), "bool")
    let settings = try XCTUnwrap(shown["rules"] as? [[String: Any]])
    let review = try XCTUnwrap(settings.first { $0["id"] as? String == "hyperparameters/review" })
    let options = try XCTUnwrap(review["options"] as? [String: Any])
    XCTAssertEqual(kind(options["approvals"]), "int")
    XCTAssertEqual(options["approvals"] as? Int, 2)
  }

  func testReviewStatusJSON() throws {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    let change = repo.commitFile(
      "models/credit.yaml",
      Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"),
      "deeper trees")
    let waiting = repo.mlgit("review", "status", "HEAD~1..HEAD", "--format", "json")
    XCTAssertEqual(waiting.status, 0, waiting.output)
    let document = try object(waiting)
    XCTAssertEqual(document["schema"] as? String, "mlgit.review-status/1")
    XCTAssertEqual(document["range"] as? String, "HEAD~1..HEAD")
    XCTAssertEqual(document["commitsChecked"] as? Int, 1)
    XCTAssertEqual(document["waiting"] as? Int, 1)
    XCTAssertEqual(document["approved"] as? Int, 0)
    let commits = try XCTUnwrap(document["commits"] as? [[String: Any]])
    XCTAssertEqual(commits.map { $0["commit"] as? String }, [change])
    XCTAssertEqual(commits.first?["author"] as? String, "alice@example.com")
    XCTAssertEqual(commits.first?["summary"] as? String, "deeper trees")
    let item = try XCTUnwrap((commits.first?["changes"] as? [[String: Any]])?.first)
    XCTAssertEqual(item["path"] as? String, "models/credit.yaml")
    XCTAssertEqual(item["kind"] as? String, "hyperparameters")
    XCTAssertEqual(item["rule"] as? String, "hyperparameters/review")
    XCTAssertEqual(item["summary"] as? String, "max_depth 6 -> 8")
    XCTAssertEqual(item["needed"] as? Bool, true)
    XCTAssertEqual(item["approved"] as? Bool, false)
    XCTAssertEqual(item["missing"] as? Int, 1)
    XCTAssertEqual(item["whoMayApprove"] as? String, "anyone but alice@example.com")

    XCTAssertEqual(repo.mlgit(["review", "approve", "HEAD"], environment: ListingFormatsTests.bob).status, 0)
    let approved = try object(repo.mlgit("review", "status", "HEAD~1..HEAD", "--format", "json"))
    XCTAssertEqual(approved["approved"] as? Int, 1)
    XCTAssertEqual(approved["waiting"] as? Int, 0)
    let done = try XCTUnwrap(((approved["commits"] as? [[String: Any]])?.first?["changes"] as? [[String: Any]])?.first)
    XCTAssertEqual(done["approvedBy"] as? [String], ["bob@example.com"])
    XCTAssertEqual(done["approved"] as? Bool, true)
    XCTAssertEqual(done["missing"] as? Int, 0)
  }

  func testReviewDiffJSONKeepsTheTypesThatMakeAChange() throws {
    let repo = TempRepository()
    repo.commitFile(
      "models/credit.yaml",
      Fixtures.spec(hyperparameters: "  learning_rate: 0.05\n  max_depth: 6.0\n  seed: 42\n  beta: 0.9\n"),
      "add credit model")
    let change = repo.commitFile(
      "models/credit.yaml",
      Fixtures.spec(
        version: "1.5.0",
        hyperparameters: "  learning_rate: 0.05\n  max_depth: 6\n  beta: .nan\n  early_stop: true\n"), "integer depth")
    let result = repo.mlgit("review", "diff", "HEAD", "--format", "json")
    XCTAssertEqual(result.status, 0, result.output)
    let document = try object(result)
    XCTAssertEqual(document["schema"] as? String, "mlgit.review-diff/1")
    XCTAssertEqual(document["commit"] as? String, change)
    let item = try XCTUnwrap((document["changes"] as? [[String: Any]])?.first)
    XCTAssertEqual(item["path"] as? String, "models/credit.yaml")
    XCTAssertEqual((item["blob"] as? String)?.count, 40)
    let keys = try XCTUnwrap(item["hyperparameters"] as? [[String: Any]])
    func key(_ name: String) throws -> [String: Any] {
      try XCTUnwrap(keys.first { $0["key"] as? String == name }, name)
    }
    // 6.0 -> 6 is a change of type: the float stays a float, the integer an integer.
    let depth = try key("max_depth")
    XCTAssertEqual([kind(depth["old"]), kind(depth["new"])], ["double", "int"])
    XCTAssertEqual(depth["change"] as? String, "changed")
    XCTAssertTrue(result.stdout.contains(#""new":6,"old":6.0"#), result.stdout)
    // JSON has no NaN: null, with the typed text beside it.
    let beta = try key("beta")
    XCTAssertEqual([kind(beta["old"]), kind(beta["new"])], ["double", "null"])
    XCTAssertEqual(beta["text"] as? String, "beta 0.9 -> .nan")
    let stop = try key("early_stop")
    XCTAssertEqual([kind(stop["old"]), kind(stop["new"])], ["null", "bool"])
    XCTAssertEqual(stop["change"] as? String, "added")
    XCTAssertEqual(try key("seed")["change"] as? String, "removed")
    XCTAssertEqual(kind(try key("seed")["old"]), "int")
  }

  func testImportDryRunJSON() throws {
    let repo = TempRepository()
    let first = repo.commitTrainableModel()
    let second = repo.commitFile("notes.txt", "more\n", "second commit")
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fixtures/mlflow/mlruns")
    let store = repo.root + "/mlruns"
    try FileManager.default.copyItem(atPath: fixtures.path, toPath: store)
    let files = FileManager.default.enumerator(atPath: store)
    while let relative = files?.nextObject() as? String {
      guard relative.hasSuffix("tags/mlflow.source.git.commit") else { continue }
      let path = store + "/" + relative
      try (try String(contentsOfFile: path, encoding: .utf8))
        .replacingOccurrences(of: String(repeating: "1", count: 40), with: first)
        .replacingOccurrences(of: String(repeating: "2", count: 40), with: second)
        .write(toFile: path, atomically: true, encoding: .utf8)
    }
    let dry = repo.mlgit("import", "mlflow", store, "--dry-run", "--format", "json")
    XCTAssertEqual(dry.status, 0, dry.output)
    let document = try object(dry)
    XCTAssertEqual(document["schema"] as? String, "mlgit.import/1")
    XCTAssertEqual(document["dryRun"] as? Bool, true)
    XCTAssertEqual(document["from"] as? String, "mlflow")
    XCTAssertEqual(document["alreadyImported"] as? Int, 0)
    let runs = try XCTUnwrap(document["runs"] as? [[String: Any]])
    XCTAssertEqual(runs.count, 3)
    let good = try XCTUnwrap(runs.first { ($0["metrics"] as? [String: Any])?["auc"] as? Double == 0.86 })
    XCTAssertEqual(good["commit"] as? String, first)
    XCTAssertEqual(good["model"] as? String, "credit-risk")
    XCTAssertEqual(good["exit"] as? Int, 0)
    XCTAssertEqual((good["id"] as? String)?.count, 12)
    XCTAssertEqual(runs.filter { $0["commit"] as? String == second }.map { $0["exit"] as? Int }, [1])
    let skipped = try XCTUnwrap(document["skipped"] as? [[String: Any]])
    XCTAssertEqual(skipped.map { $0["name"] as? String }, ["notebook"])
    XCTAssertEqual(skipped.first?["reason"] as? String, "no mlflow.source.git.commit tag")
    XCTAssertEqual(repo.runLines(first), [], "a dry run records nothing")
    XCTAssertTrue(dry.stderr.contains("mlgit: would import 3 runs"), dry.stderr)
  }

  func testDoctorJSON() throws {
    let repo = TempRepository()
    repo.commitFile("notes.txt", "x\n", "first")
    let missing = repo.mlgit("doctor", "--format", "json")
    XCTAssertEqual(missing.status, 1, missing.output)
    let before = try object(missing)
    XCTAssertEqual(before["schema"] as? String, "mlgit.doctor/1")
    let hooks = try XCTUnwrap(before["hooks"] as? [[String: Any]])
    XCTAssertEqual(hooks.map { $0["name"] as? String }, ["pre-commit", "pre-push"])
    XCTAssertEqual(hooks.map { $0["runs"] as? Bool }, [false, false])
    let problems = try XCTUnwrap(before["problems"] as? [String])
    XCTAssertTrue(problems.contains("mlgit's pre-commit check does not run: run `mlgit install`"), "\(problems)")

    XCTAssertEqual(repo.mlgit("install").status, 0)
    let healthy = repo.mlgit("doctor", "--format", "json")
    XCTAssertEqual(healthy.status, 0, healthy.output)
    let after = try object(healthy)
    XCTAssertEqual((after["hooks"] as? [[String: Any]])?.map { $0["runs"] as? Bool }, [true, true])
    XCTAssertEqual(after["problems"] as? [String], [])
    XCTAssertEqual(after["bare"] as? Bool, false)
    XCTAssertTrue((after["report"] as? [String])?.contains("policy in force: default") ?? false, healthy.stdout)
  }

  func testColourOnEveryStyledCommand() {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    repo.commitFile(
      "models/credit.yaml",
      Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"),
      "deeper trees")
    let commands: [[String]] = [["policy", "list"], ["review", "status", "HEAD~1..HEAD"], ["doctor"]]
    for command in commands {
      // The tests run with NO_COLOR=1: auto and never are plain, always wins over NO_COLOR.
      for plain in [command, command + ["--color", "never"], command + ["--color", "auto"]] {
        let result = repo.mlgit(plain)
        XCTAssertFalse(result.stdout.contains(ListingFormatsTests.escape), "\(plain): \(result.stdout)")
      }
      // Without NO_COLOR, auto is still plain when standard output is not a terminal.
      let piped = repo.mlgit(command, environment: ["NO_COLOR": ""])
      XCTAssertFalse(piped.stdout.contains(ListingFormatsTests.escape), "\(command): \(piped.stdout)")
      XCTAssertEqual(
        repo.mlgit(command + ["--color", "always"]).stdout.replacingOccurrences(
          of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression), piped.stdout, "\(command)")
    }
    XCTAssertTrue(
      repo.mlgit("policy", "list", "--color", "always").stdout.contains(
        "features/protected      \u{1B}[1;31merror\u{1B}[0m    No protected attribute"))
    XCTAssertTrue(
      repo.mlgit("policy", "list", "--color", "always").stdout.contains(
        "features/proxy          \u{1B}[1;33mwarning\u{1B}[0m  "))
    let status = repo.mlgit("review", "status", "HEAD~1..HEAD", "--color", "always").stdout
    XCTAssertTrue(
      status.contains("    \u{1B}[1;31mneeds 1 more approval from anyone but alice@example.com\u{1B}[0m\n"), status)
    XCTAssertTrue(
      repo.mlgit("doctor", "--color", "always").stdout.contains(
        "  pre-commit: \u{1B}[1;31mMLGIT'S CHECK DOES NOT RUN\u{1B}[0m\n"))

    // auto colours on a terminal (`script` gives mlgit one), unless NO_COLOR is set (or TERM=dumb).
    func onTerminal(_ environment: String) -> CommandResult {
      Shell.run(
        "/usr/bin/script", ["-qec", "env TERM=xterm \(environment) '\(Shell.mlgit)' policy list", "/dev/null"],
        in: repo.path)
    }
    XCTAssertTrue(onTerminal("NO_COLOR=").stdout.contains("\u{1B}[1;31merror\u{1B}[0m"), onTerminal("NO_COLOR=").stdout)
    XCTAssertFalse(onTerminal("NO_COLOR=1").stdout.contains(ListingFormatsTests.escape))
    XCTAssertFalse(onTerminal("NO_COLOR= TERM=dumb").stdout.contains(ListingFormatsTests.escape))
  }

  func testColourNeverLetsTextFromTheRepositoryThrough() {
    let repo = TempRepository()
    repo.commitFile("models/credit.yaml", Fixtures.spec(), "add credit model")
    repo.commitFile(
      "models/credit.yaml",
      Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"),
      "deeper\u{1B}[2K trees")
    let status = repo.mlgit("review", "status", "HEAD~1..HEAD", "--color", "always").stdout
    XCTAssertTrue(status.contains(" deeper\\u{1B}[2K trees (alice@example.com)\n"), status)
    // Every escape sequence left is one of mlgit's own colours.
    let raw = status.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    XCTAssertFalse(raw.contains("\u{1B}"), raw)
  }

  func testUnknownFormatOrColourIsAUsageError() {
    let repo = TempRepository()
    repo.commitFile("notes.txt", "x\n", "first")
    let commands: [[String]] = [
      ["policy", "list"], ["policy", "show"], ["review", "status"], ["review", "diff", "HEAD"], ["doctor"], ["runs"],
      ["runs", "show", "a"], ["runs", "compare", "a", "b"],
      ["import", "mlflow", "mlruns"],
    ]
    for command in commands {
      let result = repo.mlgit(command + ["--format", "yaml"])
      XCTAssertEqual(result.status, 2, "\(command): \(result.output)")
      XCTAssertTrue(
        result.stderr.contains(
          "The value 'yaml' is invalid for '--format <format>'. Please provide one of 'text' and 'json'."),
        "\(command): \(result.stderr)")
      XCTAssertEqual(result.stdout, "", "\(command)")
    }
    for command in [["policy", "list"], ["review", "status"], ["doctor"], ["check"]] {
      let result = repo.mlgit(command + ["--color", "sometimes"])
      XCTAssertEqual(result.status, 2, "\(command): \(result.output)")
      XCTAssertTrue(
        result.stderr.contains("The value 'sometimes' is invalid for '--color <color>'"), "\(command): \(result.stderr)"
      )
    }
  }
}
