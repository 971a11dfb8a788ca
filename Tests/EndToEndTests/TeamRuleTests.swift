import Foundation
import XCTest

/// A team's own rules, declared in `.mlgit/config.yml` or a pack file it extends:
/// each kind refuses a commit at the spec's line, then accepts the fixed spec.
final class TeamRuleTests: XCTestCase {
  /// A repository with hooks installed, `files` committed (hooks skipped) as the policy,
  /// and a first spec that every rule below accepts.
  func repository(config: String, files: [String: String] = [:]) -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\n" + config)
    for (path, content) in files { repo.write(path, content) }
    repo.stage()
    repo.commitFixture("policy")
    return repo
  }

  /// Stages `spec` at models/credit.yaml and commits it through the hook.
  func commit(_ repo: TempRepository, _ spec: String) -> CommandResult {
    repo.write("models/credit.yaml", spec)
    repo.stage("models/credit.yaml")
    return repo.git("commit", "-q", "-m", "credit model")
  }

  /// The fixture spec, lines: 1 apiVersion … 4 owner, 5 task, 6 features:, 7-8 items,
  /// 9 hyperparameters:, 10 learning_rate, 11 max_depth, 12 seed, then `extra`.
  func spec(
    owner: String = "team-risk", task: String = "binary-classification", depth: Int = 6,
    features: [String] = ["income", "debt_ratio"], extra: String = ""
  ) -> String {
    Fixtures.spec(
      features: features, hyperparameters: "  learning_rate: 0.05\n  max_depth: \(depth)\n  seed: 42\n", extra: extra
    )
    .replacingOccurrences(of: "owner: risk-team", with: "owner: \(owner)")
    .replacingOccurrences(of: "task: binary-classification", with: "task: \(task)")
  }

  func assertRefused(_ result: CommandResult, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(result.status, 0, result.output, file: file, line: line)
    XCTAssertTrue(
      result.stderr.contains(expected), "expected \(expected) in:\n\(result.stderr)", file: file, line: line)
  }

  /// A pattern that backtracks exponentially (`^(a+)+$`) on a value written for it: the
  /// value is reported as not matched within the step limit, an error whatever the rule's
  /// severity, and the commit ends at once instead of running for hours. An ordinary value
  /// still matches. (The timeout, which kills mlgit itself, only keeps a regression from
  /// hanging the suite.)
  func testAPatternThatBacktracksWithoutEndIsAnErrorNotAHang() {
    let repo = repository(
      config: """
        rules:
          acme/owner:
            severity: warning
            check: {field: owner, matches: "^(a+)+$"}

        """)
    repo.write("models/credit.yaml", spec(owner: String(repeating: "a", count: 40) + "!"))
    repo.stage("models/credit.yaml")
    let refused = Shell.run(Shell.mlgit, ["check", "--staged"], in: repo.path, timeout: 120)
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stdout.contains(
        "models/credit.yaml:4:8: error: 'owner' could not be matched against ^(a+)+$ within 1000000 steps [acme/owner]"),
      refused.stdout)
    XCTAssertTrue(
      refused.stdout.contains("hint: a pattern that nests quantifiers, such as (a+)+, can take exponential time"),
      refused.stdout)
    let accepted = commit(repo, spec(owner: "aaaa"))
    XCTAssertEqual(accepted.status, 0, accepted.output)
  }

  /// Twenty thousand values written against a pattern that backtracks: after a few of
  /// them ran out of steps the rest are reported without being matched, so the hook ends
  /// in seconds (matched one by one, 17 ms each, they took six minutes). Each value is
  /// still an error at its own line.
  func testManyValuesWrittenAgainstABacktrackingPatternDoNotStallAHook() {
    let repo = repository(
      config: """
        rules:
          acme/feature-names:
            check: {field: features, matches: "^(a+)+$"}

        """)
    let hostile = (0..<20_000).map { String(repeating: "a", count: 30 + $0 % 7) + "!" }
    repo.write("models/credit.yaml", spec(features: hostile))
    repo.stage("models/credit.yaml")
    let refused = Shell.run(Shell.mlgit, ["check", "--staged"], in: repo.path, timeout: 120)
    XCTAssertEqual(refused.status, 1, String(refused.output.suffix(2000)))
    let errors = refused.stdout.split(separator: "\n").filter {
      $0.hasSuffix("could not be matched against ^(a+)+$ within 1000000 steps [acme/feature-names]")
    }
    XCTAssertEqual(errors.count, 20_000, String(refused.stdout.suffix(2000)))
    XCTAssertTrue(errors.first?.hasPrefix("models/credit.yaml:7:5: error: 'features' could not be matched") == true)
    XCTAssertTrue(errors.last?.hasPrefix("models/credit.yaml:20006:5: error: ") == true, String(errors.last ?? ""))
  }

  func testFieldRulesRefuseThenAccept() {
    let repo = repository(
      config: """
        rules:
          acme/license:
            message: every model names its license
            check: {field: license, required: true}
          acme/owner-team:
            check: {field: owner, matches: "^team-[a-z]+$"}
          acme/tasks:
            check: {field: task, one_of: [binary-classification, regression]}
          acme/depth:
            check: {field: hyperparameters.max_depth, min: 2, max: 8}

        """)
    let license = "license: apache-2.0\n"
    assertRefused(
      commit(repo, spec()),
      "models/credit.yaml:1:1: error: every model names its license: 'license' is required [acme/license]")
    assertRefused(
      commit(repo, spec(owner: "risk-team", extra: license)),
      "models/credit.yaml:4:8: error: 'owner' is 'risk-team', which does not match ^team-[a-z]+$ [acme/owner-team]")
    assertRefused(
      commit(repo, spec(task: "ranking", extra: license)),
      "models/credit.yaml:5:7: error: 'task' is 'ranking', not one of binary-classification, regression [acme/tasks]")
    assertRefused(
      commit(repo, spec(depth: 12, extra: license)),
      "models/credit.yaml:11:14: error: 'hyperparameters.max_depth' is 12, above the maximum 8 [acme/depth]")
    assertRefused(
      commit(repo, spec(depth: 1, extra: license)),
      "models/credit.yaml:11:14: error: 'hyperparameters.max_depth' is 1, below the minimum 2 [acme/depth]")
    // `license` is a field of this team's specs: spec/schema does not call it unknown.
    let accepted = commit(repo, spec(extra: license))
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertFalse(accepted.stderr.contains("unknown field"), accepted.stderr)

    // The same findings in JSON and SARIF, and the rules in `policy list` and `explain`.
    repo.write("models/credit.yaml", spec(owner: "risk-team", extra: license))
    repo.stage("models/credit.yaml")
    let json = repo.mlgit("check", "--staged", "--format", "json")
    XCTAssertEqual(json.status, 1, json.output)
    XCTAssertTrue(
      json.stdout.contains("\"rule\" : \"acme\\/owner-team\"")
        || json.stdout.contains("\"rule\" : \"acme/owner-team\""), json.stdout)
    let sarif = repo.mlgit("check", "--staged", "--format", "sarif")
    XCTAssertTrue(
      sarif.stdout.contains("\"ruleId\" : \"acme\\/owner-team\"")
        || sarif.stdout.contains("\"ruleId\" : \"acme/owner-team\""), sarif.stdout)
    XCTAssertTrue(sarif.stdout.contains("team rule acme"), sarif.stdout)
    let list = repo.mlgit("policy", "list")
    XCTAssertTrue(list.stdout.contains("acme/license"), list.stdout)
    XCTAssertTrue(list.stdout.contains("'owner' matches ^team-[a-z]+$ (team rule, .mlgit/config.yml)"), list.stdout)
    let explain = repo.mlgit("policy", "explain", "acme/depth")
    XCTAssertEqual(explain.status, 0, explain.output)
    XCTAssertTrue(explain.stdout.contains("team rule declared in .mlgit/config.yml:10"), explain.stdout)
  }

  func testForbiddenFeaturesFromAPackFileTheConfigExtends() {
    let repo = repository(
      config: "extends: [default, ./packs/acme.yaml]\n",
      files: [
        ".mlgit/packs/acme.yaml": "rules:\n  acme/no-geo:\n    check: {features_forbidden: [zip, postcode, latitude]}\n"
      ])
    // Matched as protected attributes are: words of the name, any case.
    assertRefused(
      commit(repo, spec(features: ["income", "ZipCode"])),
      "models/credit.yaml:8:5: error: feature 'ZipCode' is forbidden (matches 'zip') [acme/no-geo]")
    let accepted = commit(repo, spec(features: ["income", "tenure"]))
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertTrue(repo.mlgit("policy", "list").stdout.contains("(team rule, .mlgit/packs/acme.yaml)"))
    // A pack file that is not in the commit is a config error at the `extends` entry.
    repo.commitFile(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [default, ./packs/gone.yaml]\n", "break")
    let check = repo.mlgit("check", "--staged")
    XCTAssertEqual(check.status, 2, check.output)
    XCTAssertTrue(
      check.stderr.contains(
        ".mlgit/config.yml:2:20: error: extends './packs/gone.yaml': no file .mlgit/packs/gone.yaml in the policy's commit"
      ),
      check.stderr)
  }

  static let depthScript = """
    import json, os, sys
    spec = json.load(sys.stdin)
    depth = spec.get("hyperparameters", {}).get("max_depth", 0)
    if depth > 8:
        print(json.dumps({"message": "max_depth %d is deeper than 8 in %s" % (depth, os.environ["MLGIT_SPEC_PATH"]), "line": 11}))
    if depth > 20:
        print(json.dumps({"message": "far too deep", "severity": "warning"}))

    """

  func testCommandCheckRunsTheScriptOfThePolicysCommit() throws {
    try XCTSkipIf(Shell.run("/usr/bin/env", ["python3", "-c", "1"], in: "/").status != 0, "python3 is needed")
    let repo = repository(
      config: "rules:\n  acme/depth:\n    check: {command: [python3, .mlgit/checks/no_deep.py]}\n",
      files: [".mlgit/checks/no_deep.py": TeamRuleTests.depthScript])
    assertRefused(
      commit(repo, spec(depth: 12)),
      "models/credit.yaml:11:1: error: max_depth 12 is deeper than 8 in models/credit.yaml [acme/depth]")
    // A line without `line` is at the spec's first line, at the severity it names.
    let deep = commit(repo, spec(depth: 30))
    XCTAssertTrue(deep.stderr.contains("models/credit.yaml:1:1: warning: far too deep [acme/depth]"), deep.stderr)
    // The change cannot judge itself: its own edit of the script is not what runs.
    repo.write(".mlgit/checks/no_deep.py", "print('')\n")
    repo.stage(".mlgit/checks/no_deep.py")
    assertRefused(
      commit(repo, spec(depth: 12)),
      "models/credit.yaml:11:1: error: max_depth 12 is deeper than 8 in models/credit.yaml [acme/depth]")
    repo.git("reset", "-q", "HEAD", "--", ".mlgit/checks/no_deep.py")
    repo.git("checkout", "--", ".mlgit/checks/no_deep.py")
    let accepted = commit(repo, spec(depth: 6))
    XCTAssertEqual(accepted.status, 0, accepted.output)
    // History checks run it too, from the commit that holds the policy.
    let range = repo.mlgit("check", "--range", "HEAD~1..HEAD")
    XCTAssertEqual(range.status, 0, range.output)
  }

  func testFailingTimingOutOrUnreadableCommandsAreErrors() throws {
    let cases: [(script: String, options: String, expected: String)] = [
      (
        "echo broken >&2; exit 3", "",
        "models/credit.yaml:1:1: error: command check failed (exit 3): sh .mlgit/checks/check.sh: broken [acme/script]"
      ),
      (
        "sleep 5", ", timeout: 1",
        "models/credit.yaml:1:1: error: command check did not finish within 1 s: sh .mlgit/checks/check.sh [acme/script]"
      ),
      (
        "echo 'all good'", "",
        "models/credit.yaml:1:1: error: command check wrote output line 1 that is not a finding: all good [acme/script]"
      ),
      (
        "echo '{\"message\": \"bad line\", \"line\": 0}'", "",
        "error: command check wrote output line 1 that is not a finding"
      ),
    ]
    for c in cases {
      let repo = repository(
        config:
          "rules:\n  acme/script:\n    check: {command: [sh, .mlgit/checks/check.sh]}\(c.options.isEmpty ? "" : "\n    timeout: 1")\n",
        files: [".mlgit/checks/check.sh": c.script + "\n"])
      // Even at `warning`, a check that cannot give an answer is an error, never a silent pass.
      assertRefused(commit(repo, spec()), c.expected)
    }
    // A program that is not there is an error too.
    let repo = repository(config: "rules:\n  acme/script:\n    check: {command: [no-such-program-mlgit]}\n")
    assertRefused(
      commit(repo, spec()),
      "models/credit.yaml:1:1: error: command check could not run: no-such-program-mlgit is not on PATH [acme/script]")
  }

  func testTyposInChecksAreConfigErrorsAtTheirLine() {
    let cases: [(rules: String, error: String, hint: String?)] = [
      (
        "  acme/license:\n    check: {field: license, requird: true}\n",
        ".mlgit/config.yml:4:29: error: rule 'acme/license': a check has no key 'requird'", "did you mean 'required'?"
      ),
      (
        "  acme/license:\n    chek: {field: license, required: true}\n",
        ".mlgit/config.yml:4:5: error: rule 'acme/license' has no option 'chek'", "did you mean 'check'?"
      ),
      (
        "  acme/license:\n    check: {field: license, required: yes please}\n",
        ".mlgit/config.yml:4:39: error: rule 'acme/license': 'required' must be true or false", nil
      ),
      (
        "  acme/depth:\n    check: {field: max_depth, max: high}\n",
        ".mlgit/config.yml:4:36: error: rule 'acme/depth': 'max' must be a number, found 'high'", nil
      ),
      (
        "  acme/owner:\n    check: {field: owner, matches: \"team-[\"}\n",
        ".mlgit/config.yml:4:36: error: rule 'acme/owner': 'matches' is not a valid regular expression: team-[", nil
      ),
      (
        "  acme/license: error\n",
        ".mlgit/config.yml:3:3: error: rule 'acme/license' is not a shipped rule and has no 'check'", nil
      ),
      // An unknown id without a team's prefix, or under a shipped one, is still an unknown rule.
      ("  licence: error\n", ".mlgit/config.yml:3:3: error: unknown rule 'licence'", nil),
      (
        "  spec/license:\n    check: {field: license, required: true}\n",
        ".mlgit/config.yml:3:3: error: unknown rule 'spec/license'", nil
      ),
    ]
    for c in cases {
      let repo = repository(config: "rules:\n" + c.rules)
      repo.write("models/credit.yaml", spec())
      repo.stage("models/credit.yaml")
      let check = repo.mlgit("check", "--staged")
      XCTAssertEqual(check.status, 2, "\(c.rules): \(check.output)")
      XCTAssertTrue(check.stderr.contains(c.error), "\(c.rules): \(check.stderr)")
      if let hint = c.hint { XCTAssertTrue(check.stderr.contains(hint), check.stderr) }
    }
  }

  /// The server hook runs team rules from the policy before each pushed commit; command
  /// checks there only where the administrator allows them, else an error, never a pass.
  func testTheServerHookRunsTeamRules() throws {
    try XCTSkipIf(Shell.run("/usr/bin/env", ["python3", "-c", "1"], in: "/").status != 0, "python3 is needed")
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    clone.write(
      ".mlgit/config.yml",
      """
      apiVersion: mlgit/v1
      rules:
        acme/owner-team:
          check: {field: owner, matches: "^team-[a-z]+$"}
        acme/depth:
          check: {command: [python3, .mlgit/checks/no_deep.py]}

      """)
    clone.write(".mlgit/checks/no_deep.py", TeamRuleTests.depthScript)
    clone.stage()
    clone.commitFixture("policy")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)
    // Committed with hooks skipped: only the server judges them.
    clone.commitFile("models/credit.yaml", spec(owner: "risk-team"), "bad owner")
    var push = clone.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains(
        "models/credit.yaml:4:8: error: 'owner' is 'risk-team', which does not match ^team-[a-z]+$ [acme/owner-team]"),
      push.stderr)
    XCTAssertTrue(
      push.stderr.contains("command checks do not run in this server's hook unless its administrator allows them"),
      push.stderr)
    clone.git("reset", "-q", "--hard", "origin/main")
    clone.commitFile("models/credit.yaml", spec(depth: 12), "deep trees")
    remote.git("config", "mlgit.commandChecks", "true")
    push = clone.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, push.output)
    XCTAssertTrue(
      push.stderr.contains(
        "models/credit.yaml:11:1: error: max_depth 12 is deeper than 8 in models/credit.yaml [acme/depth]"), push.stderr
    )
    clone.commitFile("models/credit.yaml", spec(depth: 6), "shallow trees")
    push = clone.git("push", "origin", "main")
    XCTAssertNotEqual(push.status, 0, "the deep commit is still in the push: \(push.output)")
    clone.git("reset", "-q", "--hard", "origin/main")
    clone.commitFile("models/credit.yaml", spec(depth: 6), "shallow trees")
    push = clone.git("push", "origin", "main")
    XCTAssertEqual(push.status, 0, push.output)
  }
}
