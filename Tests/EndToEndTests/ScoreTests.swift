import Foundation
import XCTest

/// `mlgit score`: the ML Test Score of each model from the evidence in git, honestly:
/// half a point from evidence, a full point only from a rule enforcing the test.
final class ScoreTests: XCTestCase {
  /// The score document, parsed; fails the test when it is not JSON.
  func scoreJSON(_ repo: TempRepository, _ arguments: String..., file: StaticString = #filePath, line: UInt = #line)
    -> [String: Any]
  {
    let result = repo.mlgit(["score", "--format", "json"] + arguments)
    XCTAssertEqual(result.status, 0, result.output, file: file, line: line)
    let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    guard let document = object as? [String: Any] else {
      XCTFail("not a JSON object: \(result.stdout)", file: file, line: line)
      return [:]
    }
    return document
  }

  func model(_ document: [String: Any], _ name: String = "credit-risk") -> [String: Any] {
    ((document["models"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name } ?? [:]
  }

  func test(_ model: [String: Any], _ id: String) -> [String: Any] {
    let sections = (model["sections"] as? [[String: Any]]) ?? []
    return sections.flatMap { ($0["tests"] as? [[String: Any]]) ?? [] }.first { $0["id"] as? String == id } ?? [:]
  }

  func evidence(_ test: [String: Any]) -> [[String: Any]] { (test["evidence"] as? [[String: Any]]) ?? [] }

  func bareRepository() -> TempRepository {
    let repo = TempRepository()
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("a bare model")
    return repo
  }

  func testABareModelScoresZeroWithTheWholeRubricAndHints() {
    let repo = bareRepository()
    let document = scoreJSON(repo)
    XCTAssertEqual(document["schema"] as? String, "mlgit.score/1")
    XCTAssertEqual(document["commit"] as? String, repo.head)
    let credit = model(document)
    XCTAssertEqual(credit["path"] as? String, "models/credit.yaml")
    let sections = (credit["sections"] as? [[String: Any]]) ?? []
    XCTAssertEqual(sections.map { $0["id"] as? String ?? "" }, ["data", "model", "infrastructure", "monitoring"])
    var sums: [Double] = []
    for section in sections {
      let tests = (section["tests"] as? [[String: Any]]) ?? []
      XCTAssertEqual(tests.count, 7)
      let points = tests.map { $0["points"] as? Double ?? -1 }
      XCTAssertTrue(points.allSatisfy { [0, 0.5, 1].contains($0) }, "\(points)")
      XCTAssertEqual(section["score"] as? Double, points.reduce(0, +))
      sums.append(points.reduce(0, +))
      for test in tests {
        XCTAssertNotNil(test["title"] as? String)
        if test["points"] as? Double == 1 {
          XCTAssertTrue(test["hint"] is NSNull, "\(test)")
        } else {
          XCTAssertFalse((test["hint"] as? String ?? "").isEmpty, "\(test)")
        }
      }
    }
    XCTAssertEqual(credit["score"] as? Double, sums.min())
    // Nothing is recorded and no rule gates a release: the infrastructure section is empty.
    XCTAssertEqual(credit["score"] as? Double, 0)
    XCTAssertEqual(credit["weakest"] as? String, "infrastructure")
    // The default pack refuses protected attributes at error on every branch: a full point.
    let metaLevel = test(credit, "data-4")
    XCTAssertEqual(metaLevel["points"] as? Double, 1)
    XCTAssertEqual(evidence(metaLevel).first?["rule"] as? String, "features/protected")
    XCTAssertEqual(evidence(metaLevel).first?["severity"] as? String, "error")
    XCTAssertEqual(evidence(metaLevel).first?["branches"] as? [String], ["*"])
    // At warning the privacy rule runs but refuses nothing: half a point, and the config line for more.
    let privacy = test(credit, "data-5")
    XCTAssertEqual(privacy["points"] as? Double, 0.5)
    XCTAssertTrue((privacy["hint"] as? String ?? "").contains("`data/protected-columns: error`"), "\(privacy)")
    // The default pack reviews changes, not new specs: half a point, strict for the rest.
    let review = test(credit, "model-1")
    XCTAssertEqual(review["points"] as? Double, 0.5)
    XCTAssertTrue((review["hint"] as? String ?? "").contains("new_specs: true"), "\(review)")
    XCTAssertTrue((review["hint"] as? String ?? "").contains("extends: [strict]"), "\(review)")
    // Unobservable tests say so.
    XCTAssertTrue((test(credit, "model-2")["hint"] as? String ?? "").contains("cannot observe"))
    XCTAssertEqual(test(credit, "infra-6")["maxPoints"] as? Double, 0.5)
    XCTAssertEqual(test(credit, "infra-3")["points"] as? Double, 0)
    XCTAssertTrue((test(credit, "infra-3")["hint"] as? String ?? "").contains("mlgit run --metrics metrics.json"))

    let text = repo.mlgit("score")
    XCTAssertEqual(text.status, 0, text.output)
    XCTAssertTrue(
      text.stdout.contains("credit-risk 1.4.0 (models/credit.yaml): score 0, weakest section: infrastructure"),
      text.stdout)
    XCTAssertTrue(text.stdout.contains("1   data-4 Features adhere to meta-level requirements"), text.stdout)
  }

  func testARunRaisesTestsToHalfAndTheStrictPackRaisesThemToOne() {
    let repo = TempRepository()
    let trained = repo.commitTrainableModel()
    let before = model(scoreJSON(repo))
    XCTAssertEqual(test(before, "infra-3")["points"] as? Double, 0)
    XCTAssertEqual(test(before, "infra-4")["points"] as? Double, 0)

    let run = repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(run.status, 0, run.output)
    let runID =
      ((try? JSONSerialization.jsonObject(with: Data((repo.runLines().first ?? "").utf8))) as? [String: Any])?["id"]
      as? String
    XCTAssertNotNil(runID)
    let withRun = model(scoreJSON(repo))
    let integration = test(withRun, "infra-3")
    XCTAssertEqual(integration["points"] as? Double, 0.5)
    XCTAssertEqual(evidence(integration).first?["kind"] as? String, "runs")
    XCTAssertEqual(evidence(integration).first?["runs"] as? [String], runID.map { [$0] })
    XCTAssertEqual(evidence(integration).first?["commits"] as? [String], [trained])
    XCTAssertTrue(
      (integration["hint"] as? String ?? "").contains("`runs/required: {severity: error, branches: protected}`"))
    let validated = test(withRun, "infra-4")
    XCTAssertEqual(validated["points"] as? Double, 0.5)
    XCTAssertEqual(evidence(validated).first?["kind"] as? String, "validated-run")

    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [strict]\n")
    repo.stage()
    let strict = repo.commitFixture("strict pack")
    let enforced = model(scoreJSON(repo))
    let gated = test(enforced, "infra-3")
    XCTAssertEqual(gated["points"] as? Double, 1)
    XCTAssertTrue(gated["hint"] is NSNull)
    let rule = evidence(gated).first { $0["kind"] as? String == "rule" } ?? [:]
    XCTAssertEqual(rule["rule"] as? String, "runs/required")
    XCTAssertEqual(rule["severity"] as? String, "error")
    XCTAssertEqual(rule["branches"] as? [String], ["main"])
    XCTAssertEqual(test(enforced, "infra-4")["points"] as? Double, 1)
    XCTAssertEqual(test(enforced, "model-1")["points"] as? Double, 1)
    XCTAssertEqual(enforced["commit"] as? String, strict)
    // REV: the policy and the evidence as they were at the trained commit.
    let earlier = model(scoreJSON(repo, trained))
    XCTAssertEqual(test(earlier, "infra-3")["points"] as? Double, 0.5)
  }

  func testARuleScopedAwayFromTheProtectedBranchEarnsHalf() {
    let repo = TempRepository()
    repo.commitTrainableModel(
      config: "apiVersion: mlgit/v1\nrules:\n  runs/required: {severity: error, branches: [release/*]}\n")
    let scoped = test(model(scoreJSON(repo)), "infra-3")
    XCTAssertEqual(scoped["points"] as? Double, 0.5)
    XCTAssertTrue(
      (evidence(scoped).first?["text"] as? String ?? "").contains("do not cover every protected branch (main)"),
      "\(scoped)")
  }

  func testAReadinessDocumentCountsOnlyWhenTheCommitHasIt() {
    let repo = TempRepository()
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(extra: "readiness:\n  model-2: docs/online-offline.md\n  data-2: docs/ablation.md\n"))
    repo.write("docs/online-offline.md", "# Offline AUC against online approval rate\n")
    repo.stage()
    let commit = repo.commitFixture("readiness")
    let credit = model(scoreJSON(repo))
    let declared = test(credit, "model-2")
    XCTAssertEqual(declared["points"] as? Double, 0.5)
    XCTAssertEqual(evidence(declared).first?["path"] as? String, "docs/online-offline.md")
    XCTAssertEqual(evidence(declared).first?["blob"] as? String, repo.revParse("HEAD:docs/online-offline.md"))
    XCTAssertEqual(evidence(declared).first?["commits"] as? [String], [commit])
    let missing = test(credit, "data-2")
    XCTAssertEqual(missing["points"] as? Double, 0)
    XCTAssertEqual(evidence(missing).first?["points"] as? Double, 0)
    XCTAssertTrue(
      (evidence(missing).first?["text"] as? String ?? "").contains("docs/ablation.md is not a file in"), "\(missing)")
    XCTAssertTrue(
      (missing["hint"] as? String ?? "").contains("commit docs/ablation.md, which models/credit.yaml:"), "\(missing)")
    // Another test is not raised by it.
    XCTAssertEqual(test(credit, "data-3")["points"] as? Double, 0)
  }

  func testTheSpecSchemaRefusesAnUnknownReadinessTest() {
    let repo = bareRepository()
    repo.write("models/credit.yaml", Fixtures.spec(extra: "readiness:\n  model-9: docs/x.md\n"))
    let result = repo.mlgit("check", "--files", "models/credit.yaml")
    XCTAssertEqual(result.status, 1, result.output)
    XCTAssertTrue(
      result.output.contains("models/credit.yaml:14:3: error: readiness: unknown test 'model-9' [spec/schema]"),
      result.output)
  }

  func testMinScoreExitStatus() {
    let repo = bareRepository()
    XCTAssertEqual(repo.mlgit("score", "--min-score", "0").status, 0)
    let below = repo.mlgit("score", "--min-score", "1")
    XCTAssertEqual(below.status, 1, below.output)
    XCTAssertTrue(below.stderr.contains("below --min-score 1: credit-risk 0 (weakest: infrastructure)"), below.stderr)
    XCTAssertTrue(below.stdout.contains("score 0"), below.stdout)
    XCTAssertEqual(repo.mlgit("score", "--min-score", "x").status, 2)
    XCTAssertEqual(repo.mlgit("score", "--min-score", "8").status, 2)
    let unknown = repo.mlgit("score", "--model", "nope")
    XCTAssertEqual(unknown.status, 2, unknown.output)
    XCTAssertTrue(unknown.stderr.contains("no spec at HEAD has name 'nope'"), unknown.stderr)
    XCTAssertEqual(repo.mlgit("score", "no-such-revision").status, 2)
  }

  func testHTMLIsOnePageWithEachModelsScoreAndWeakestSection() {
    let repo = bareRepository()
    let result = repo.mlgit("score", "--format", "html")
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.stdout.hasPrefix("<!DOCTYPE html>"))
    XCTAssertTrue(result.stdout.contains("<b>0</b><span>credit-risk · weakest: infrastructure</span>"), result.stdout)
    for external in ["http://", "https://", "src=", "<script", "@import", "url("] {
      XCTAssertFalse(result.stdout.contains(external), external)
    }
  }

  func testAnApprovalRaisesTheReviewTestToHalf() {
    let repo = TempRepository()
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nrules:\n  hyperparameters/review: off\n")
    repo.write("models/credit.yaml", Fixtures.spec())
    repo.stage()
    repo.commitFixture("a model whose reviews nothing enforces")
    repo.write(
      "models/credit.yaml", Fixtures.spec(hyperparameters: "  learning_rate: 0.05\n  max_depth: 8\n  seed: 42\n"))
    repo.stage()
    repo.commitFixture("deeper trees")
    XCTAssertEqual(test(model(scoreJSON(repo)), "model-1")["points"] as? Double, 0)
    let bob = [
      "GIT_AUTHOR_NAME": "Bob Reviewer", "GIT_AUTHOR_EMAIL": "bob@example.com",
      "GIT_COMMITTER_NAME": "Bob Reviewer", "GIT_COMMITTER_EMAIL": "bob@example.com",
    ]
    let approve = repo.mlgit(["review", "approve", "HEAD"], environment: bob)
    XCTAssertEqual(approve.status, 0, approve.output)
    let reviewed = test(model(scoreJSON(repo)), "model-1")
    XCTAssertEqual(reviewed["points"] as? Double, 0.5)
    let approval = evidence(reviewed).first { $0["kind"] as? String == "approval" } ?? [:]
    XCTAssertEqual(approval["reviewers"] as? [String], ["bob@example.com"])
    XCTAssertEqual(approval["blob"] as? String, repo.revParse("HEAD:models/credit.yaml"))
    XCTAssertEqual(approval["path"] as? String, "models/credit.yaml")
  }

  func testTheAuditPageShowsEachModelsScoreAndWeakestSection() {
    let repo = bareRepository()
    let audit = repo.mlgit("audit", "--format", "html")
    XCTAssertEqual(audit.status, 0, audit.output)
    XCTAssertTrue(
      audit.stdout.contains("ML Test Score at HEAD <b class=\"score\">0</b> (weakest: infrastructure;"), audit.stdout)
  }
}
