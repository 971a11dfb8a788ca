import Foundation
import XCTest

/// Index formats, special entries, bad input, policy from HEAD, output formats, read-only hooks.
final class StagedInputTests: XCTestCase {
  func installed() -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    return repo
  }

  func testSplitIndexIsReadThroughGit() {
    let repo = installed()
    repo.write("README.md", "hi\n")
    repo.stage()
    repo.commitFixture()
    XCTAssertEqual(repo.git("update-index", "--split-index").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let before = repo.untouchableState()
    let check = repo.mlgit("check")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(
      check.stdout.contains("models/credit.yaml:3:10: error: version must be a semantic version string"), check.stdout)
    XCTAssertEqual(repo.untouchableState(), before, "the check must not write the index")
    let refused = repo.git("commit", "-m", "x")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(refused.stderr.contains("[spec/schema]"), refused.stderr)
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-m", "x").status, 0)
    XCTAssertTrue(
      repo.mlgit("doctor").stdout.contains(
        "split index; the hooks read it through git (git diff-index --cached), which can"))
  }

  func testCoreSplitIndexWithCommitAllAndCommitPaths() {
    let repo = installed()
    repo.git("config", "core.splitIndex", "true")
    repo.git("config", "splitIndex.maxPercentChange", "100")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.write("models/other.yaml", Fixtures.spec(name: "other"))
    repo.stage()
    repo.commitFixture()
    XCTAssertTrue(
      repo.mlgit("doctor").stdout.contains(
        "split index; the hooks read it through git (git diff-index --cached), which can"), "the index should be split")
    // `git commit -a`: the temporary index git hands the hook is split too.
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    let all = repo.git("commit", "-a", "-m", "x")
    XCTAssertEqual(all.status, 1, all.output)
    XCTAssertTrue(all.stderr.contains("models/credit.yaml:3:10: error:"), all.stderr)
    // `git commit <path>` leaves the bad staged file out.
    repo.stage("models/credit.yaml")
    repo.write("models/other.yaml", Fixtures.spec(name: "other", version: "1.5.0", hyperparameters: "  seed: 1\n"))
    let only = repo.git("commit", "-m", "x", "models/other.yaml")
    XCTAssertEqual(only.status, 0, only.output)
  }

  func testSparseIndexIsReadThroughGit() {
    let repo = installed()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.write("other/big/file.txt", "x\n")
    repo.stage()
    repo.commitFixture()
    XCTAssertEqual(repo.git("sparse-checkout", "init", "--cone", "--sparse-index").status, 0)
    XCTAssertEqual(repo.git("sparse-checkout", "set", "models").status, 0)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage("models/credit.yaml")
    let check = repo.mlgit("check")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(check.stdout.contains("models/credit.yaml:3:10: error:"), check.stdout)
    XCTAssertEqual(repo.git("commit", "-m", "x").status, 1)
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.5.0", hyperparameters: "  learning_rate: 0.1\n"))
    repo.stage("models/credit.yaml")
    let good = repo.git("commit", "-m", "x")
    XCTAssertEqual(good.status, 0, good.output)
  }

  func testSymlinksUnderModelsAreJudgedByTheirTargetsAndSubmodulesAreNotSpecs() throws {
    let repo = installed()
    repo.write("README.md", "not a spec\n")
    repo.stage()
    let first = repo.commitFixture()
    try FileManager.default.createDirectory(atPath: repo.path + "/models", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/models/link.yaml", withDestinationPath: "../README.md")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/models/dangling.yaml", withDestinationPath: "nowhere")
    repo.stage()
    XCTAssertEqual(repo.git("update-index", "--add", "--cacheinfo", "160000,\(first),models/sub.yaml").status, 0)
    let check = repo.mlgit("check")
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertEqual(
      check.stdout.split(separator: "\n").filter { !$0.hasPrefix("  hint:") },
      [
        "models/dangling.yaml:1:1: error: spec cannot be read: symlink 'models/dangling.yaml' leads to 'models/nowhere', which does not exist here [spec/schema]",
        "models/link.yaml:1:1: error: a spec must be a mapping, found a string [spec/schema]",
        "mlgit: staged change: 2 errors, 0 warnings",
      ])
    // The submodule alone is no spec.
    XCTAssertEqual(repo.git("rm", "-q", "--cached", "models/link.yaml", "models/dangling.yaml").status, 0)
    let result = repo.git("commit", "-m", "a submodule")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(repo.files(), ["README.md", "models/sub.yaml"])
  }

  func testPathsWithSpacesAndNonASCII() {
    let repo = installed()
    repo.write("models/crédit risk/modèle v1.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let result = repo.git("commit", "-m", "x")
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("models/crédit risk/modèle v1.yaml:3:10: error:"), result.stderr)
    repo.write("models/crédit risk/modèle v1.yaml", Fixtures.spec())
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-m", "x").status, 0)
  }

  func testBadInputIsReportedWithRulePathAndLine() {
    let repo = installed()
    var binary = Data("apiVersion: mlgit/v1\nname: x".utf8)
    binary.append(contentsOf: [0, 1, 2])
    repo.write("models/binary.yaml", data: binary)
    var latin1 = Data("apiVersion: mlgit/v1\nowner: caf".utf8)
    latin1.append(0xE9)
    repo.write("models/latin1.yaml", data: latin1)
    repo.write("models/huge.yaml", String(repeating: "# padding\n", count: 110_000))
    repo.write("models/dup.yaml", Fixtures.spec() + "version: 2.0.0\n")
    repo.write("models/broken.json", "{\"apiVersion\": \"mlgit/v1\",\n \"name\": [\n")
    repo.write("models/empty.yaml", "")
    repo.stage()
    let check = repo.mlgit("check")
    XCTAssertEqual(check.status, 1, check.output)
    let out = check.stdout
    XCTAssertTrue(
      out.contains(
        "models/binary.yaml:2:8: error: binary content (a NUL byte) where a text document was expected [spec/schema]"),
      out)
    XCTAssertTrue(out.contains("models/latin1.yaml:2:11: error: content is not valid UTF-8 [spec/schema]"), out)
    XCTAssertTrue(
      out.contains(
        "models/huge.yaml:1:1: error: file is 1100000 bytes, over mlgit's 1048576-byte limit for specs [spec/schema]"),
      out)
    XCTAssertTrue(
      out.contains("models/dup.yaml:13:1: error: duplicate key 'version' (first defined at line 3) [spec/schema]"), out)
    XCTAssertNotNil(
      out.range(of: #"models/broken\.json:3:\d+: error: malformed YAML"#, options: .regularExpression), out)
    XCTAssertTrue(out.contains("models/empty.yaml:1:1: error: the document is empty [spec/schema]"), out)
    XCTAssertTrue(out.contains("mlgit: staged change: 6 errors, 0 warnings"), out)
  }

  func testNotARepository() throws {
    let dir = NSTemporaryDirectory() + "mlgit-norepo-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for command in [["check"], ["install"], ["hook", "pre-commit"], ["doctor"]] {
      let result = Shell.run(
        Shell.mlgit, command, in: dir, environment: ["GIT_CEILING_DIRECTORIES": NSTemporaryDirectory()])
      XCTAssertEqual(result.status, 2, "\(command): \(result.output)")
      XCTAssertTrue(result.stderr.contains("mlgit: not a git repository"), result.stderr)
    }
  }

  func testUnknownHookAndBadUsageExitTwo() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("hook", "post-nothing").status, 2)
    XCTAssertEqual(repo.mlgit("check", "--format", "xml").status, 2)
  }

  func testMalformedConfigInHEADStopsTheCheck() {
    let repo = installed()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  spec/schema: fatal\n")
    repo.stage()
    repo.commitFixture()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    let check = repo.mlgit("check")
    XCTAssertEqual(check.status, 2, check.output)
    XCTAssertTrue(
      check.stderr.contains(
        ".mlgit/config.yml:3:16: error: rule 'spec/schema': severity must be error, warning, note or off, found 'fatal'"
      ), check.stderr)
    let commit = repo.git("commit", "-m", "x")
    XCTAssertEqual(commit.status, 1, "git reports any hook failure as 1")
    XCTAssertTrue(commit.stderr.contains(".mlgit/config.yml:3:16"), commit.stderr)
    let unknown = TempRepository()
    unknown.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  spec/shema: off\n")
    unknown.stage()
    unknown.commitFixture()
    let result = unknown.mlgit("check")
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(
      result.stderr.contains(
        ".mlgit/config.yml:3:3: error: unknown rule 'spec/shema'\n  hint: did you mean 'spec/schema'?"), result.stderr)
  }

  func testConfigIsReadFromHEADNotFromTheStagedChange() {
    let repo = installed()
    repo.write("README.md", "x\n")
    repo.stage()
    repo.commitFixture()
    // A commit cannot switch off the rules that judge it.
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  spec/schema: off\n")
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let refused = repo.git("commit", "-m", "weaken and break")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(refused.stderr.contains("models/credit.yaml:3:10: error:"), refused.stderr)
    // Once the config is in HEAD, it applies to the next commit.
    repo.git("reset", "-q", "models/credit.yaml")
    XCTAssertEqual(repo.git("commit", "-m", "policy").status, 0)
    repo.stage()
    let allowed = repo.git("commit", "-m", "now allowed")
    XCTAssertEqual(allowed.status, 0, allowed.output)
  }

  func testChecksLeaveIndexWorkTreeAndRefsUntouched() {
    let repo = installed()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture()
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.write("models/new.yaml", Fixtures.spec(name: "new"))
    repo.stage("models/credit.yaml")
    repo.write("notes.txt", "untracked\n")
    let before = repo.untouchableState()
    XCTAssertEqual(repo.mlgit("hook", "pre-commit").status, 1)
    XCTAssertEqual(repo.mlgit("check", "--format", "json").status, 1)
    XCTAssertEqual(repo.mlgit("doctor").status, 0)
    XCTAssertEqual(repo.untouchableState(), before)
    // Through git too: a refused commit leaves everything as it was (git's own refresh aside).
    _ = repo.git("commit", "-m", "x")
    XCTAssertEqual(
      repo.git(["status", "--porcelain"], environment: ["GIT_OPTIONAL_LOCKS": "0"]).stdout,
      "M  models/credit.yaml\n?? models/new.yaml\n?? notes.txt\n")
  }

  func testJSONAndSARIFOutput() throws {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let json = repo.mlgit("check", "--format", "json")
    XCTAssertEqual(json.status, 1)
    let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(document["errors"] as? Int, 1)
    let finding = try XCTUnwrap((document["findings"] as? [[String: Any]])?.first)
    XCTAssertEqual(finding["rule"] as? String, "spec/schema")
    XCTAssertEqual(finding["severity"] as? String, "error")
    XCTAssertEqual(finding["path"] as? String, "models/credit.yaml")
    XCTAssertEqual(finding["line"] as? Int, 3)
    XCTAssertEqual(finding["column"] as? Int, 10)
    XCTAssertTrue((finding["message"] as? String)?.hasPrefix("version must be a semantic version string") ?? false)
    XCTAssertTrue(finding["commit"] is NSNull)

    let sarif = repo.mlgit("check", "--format", "sarif")
    XCTAssertEqual(sarif.status, 1)
    let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(log["version"] as? String, "2.1.0")
    let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
    let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    XCTAssertEqual(driver["name"] as? String, "mlgit")
    let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
    let result = try XCTUnwrap((run["results"] as? [[String: Any]])?.first)
    XCTAssertEqual(result["ruleId"] as? String, "spec/schema")
    XCTAssertEqual(result["level"] as? String, "error")
    let ruleIndex = try XCTUnwrap(result["ruleIndex"] as? Int)
    XCTAssertEqual(rules[ruleIndex]["id"] as? String, "spec/schema")
    let location = try XCTUnwrap(
      (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
    XCTAssertEqual((location["artifactLocation"] as? [String: Any])?["uri"] as? String, "models/credit.yaml")
    XCTAssertEqual((location["region"] as? [String: Any])?["startLine"] as? Int, 3)
    XCTAssertEqual((location["region"] as? [String: Any])?["startColumn"] as? Int, 10)
  }

  func testColourOnlyOnATerminalAndNeverWithNoColor() {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec(version: "1.4"))
    repo.stage()
    let plain = repo.mlgit("check")
    XCTAssertFalse(plain.output.contains("\u{1B}["), "no escape codes when not on a terminal")
    // `script` gives mlgit a terminal.
    let command = "'\(Shell.mlgit)' check"
    let tty = Shell.run(
      "/usr/bin/script", ["-qec", command, "/dev/null"], in: repo.path, environment: ["NO_COLOR": "", "TERM": "xterm"])
    XCTAssertTrue(tty.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"), tty.stdout)
    let noColor = Shell.run(
      "/usr/bin/script", ["-qec", command, "/dev/null"], in: repo.path, environment: ["NO_COLOR": "1", "TERM": "xterm"])
    XCTAssertTrue(noColor.stdout.contains("error: version must be"), noColor.stdout)
    XCTAssertFalse(noColor.stdout.contains("\u{1B}["), noColor.stdout)
  }
}

/// Entries git leaves out of a commit must not be judged.
final class IntentToAddTests: XCTestCase {
  func testIntentToAddEntriesAreNotJudged() {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write("README.md", "x\n")
    repo.stage()
    repo.commitFixture()
    repo.write("models/draft.yaml", "name: [unclosed\n")
    XCTAssertEqual(repo.git("add", "-N", "models/draft.yaml").status, 0)
    repo.write("README.md", "y\n")
    repo.stage("README.md")
    let result = repo.git("commit", "-m", "readme only")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertEqual(repo.files(), ["README.md"])
    // Once really staged, it is judged.
    repo.stage("models/draft.yaml")
    XCTAssertEqual(repo.git("commit", "-m", "draft").status, 1)
  }
}
