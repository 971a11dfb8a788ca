import Foundation
import MLSpec
import XCTest

@testable import MLPolicy

/// The rubric's structure (28 tests, four sections of seven) and its arithmetic.
final class MLTestScoreTests: XCTestCase {
  static let commit = String(repeating: "a", count: 40)

  func facts(config: String? = nil) throws -> ScoreFacts {
    ScoreFacts(
      model: "m", specPath: "models/m.yaml", commit: Self.commit,
      policy: try EffectivePolicy.load(config: config.map { Data($0.utf8) }))
  }

  func run(_ id: String, params: [String: JSONValue] = [:], metrics: [String: Double] = [:]) -> RunRecord {
    RunRecord(
      id: id, commit: Self.commit, model: "m", started: "s", finished: "f", user: "u", host: "h", command: "c",
      exit: 0, params: .object(params), metrics: metrics)
  }

  /// `validation.metrics: {auc: {min: 0.8}}`, as a spec declares it.
  func aucBound() throws -> [MetricBound] {
    let node = try Document.parse(Data("name: m\nvalidation: {metrics: {auc: {min: 0.8}}}\n".utf8))
    return ModelSpec.read(node).spec?.metrics ?? []
  }

  func points(_ score: ModelScore, _ id: String) -> MLTestScore.Points? {
    score.sections.flatMap(\.tests).first { $0.test.id == id }?.points
  }

  func testTheRubricHasFourSectionsOfSevenWithTheirIDs() {
    XCTAssertEqual(MLTestScore.tests.count, 28)
    XCTAssertEqual(Set(MLTestScore.tests.map(\.id)).count, 28)
    XCTAssertEqual(MLTestScore.Section.allCases.map(\.rawValue), ["data", "model", "infrastructure", "monitoring"])
    for section in MLTestScore.Section.allCases {
      let tests = MLTestScore.tests(in: section)
      XCTAssertEqual(tests.map(\.number), Array(1...7), section.rawValue)
      for test in tests {
        XCTAssertTrue(ReadinessReference.isTestID(test.id), test.id)
        XCTAssertFalse(test.title.isEmpty)
      }
    }
    XCTAssertEqual(MLTestScore.tests.first?.title, "Feature expectations are captured in a schema")
    XCTAssertEqual(MLTestScore.tests.first { $0.id == "monitor-1" }?.title, "Dependency changes result in notification")
    // What a repository cannot observe has no rule and no automatic evidence: half a point at most.
    for test in MLTestScore.tests where test.unobservable != nil { XCTAssertEqual(test.sources, [], test.id) }
    XCTAssertEqual(
      Set(MLTestScore.tests.filter { $0.unobservable != nil }.map(\.id)),
      ["model-2", "infra-6", "infra-7", "monitor-2", "monitor-3"])
  }

  func testSectionsSumAndTheModelTakesTheMinimum() {
    XCTAssertEqual(MLTestScore.sectionScore([.full, .half, .none, .full, .half, .none, .none]), 3)
    XCTAssertEqual(MLTestScore.sectionScore([]), 0)
    XCTAssertEqual(MLTestScore.modelScore([3, 1.5, 4, 2]), 1.5)
    XCTAssertEqual(MLTestScore.modelScore([]), 0)
    XCTAssertEqual(MLTestScore.Points.allCasesValues, [0, 0.5, 1])
  }

  func testEveryGradeIsZeroHalfOrOneAndAddsUp() throws {
    for config in [nil, "apiVersion: mlgit/v1\nextends: [strict]\n", "apiVersion: mlgit/v1\nextends: [regulated]\n"] {
      var facts = try facts(config: config)
      facts.runs = [
        run("r1", params: ["lr": .double(0.1)], metrics: ["auc": 0.9]), run("r2", params: ["lr": .double(0.2)]),
      ]
      facts.bounds = try aucBound()
      let score = ScoreGrader.grade(facts)
      XCTAssertEqual(score.sections.map(\.section), MLTestScore.Section.allCases)
      for section in score.sections {
        XCTAssertEqual(section.tests.count, 7)
        XCTAssertEqual(section.score, section.tests.reduce(0) { $0 + $1.points.rawValue })
        for test in section.tests {
          XCTAssertEqual(test.hint == nil, test.points == .full, "\(test.test.id): \(test.hint ?? "")")
          if test.test.unobservable != nil { XCTAssertLessThanOrEqual(test.points, .half) }
        }
      }
      XCTAssertEqual(score.score, score.sections.map(\.score).min())
      XCTAssertEqual(score.sections.first { $0.section == score.weakest }?.score, score.score)
    }
  }

  func testEvidenceGivesHalfAndAnEnforcingRuleGivesOne() throws {
    var facts = try facts()
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-3"), MLTestScore.Points.none)
    XCTAssertEqual(points(ScoreGrader.grade(facts), "model-3"), MLTestScore.Points.none)
    facts.runs = [run("r1", params: ["lr": .double(0.1)])]
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-3"), .half)
    XCTAssertEqual(points(ScoreGrader.grade(facts), "model-3"), MLTestScore.Points.none)  // one setting is no sweep
    facts.runs.append(run("r2", params: ["lr": .double(0.2)]))
    XCTAssertEqual(points(ScoreGrader.grade(facts), "model-3"), .half)
    // A run that misses the bar validates nothing.
    facts.bounds = try aucBound()
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-4"), MLTestScore.Points.none)
    facts.runs.append(run("r3", metrics: ["auc": 0.85]))
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-4"), .half)

    facts.policy = try EffectivePolicy.load(
      config: Data("apiVersion: mlgit/v1\nrules:\n  runs/required: {severity: error, branches: protected}\n".utf8))
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-3"), .full)
    facts.policy = try EffectivePolicy.load(
      config: Data("apiVersion: mlgit/v1\nrules:\n  runs/required: warning\n".utf8))
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-3"), .half)
    // No protected branch: nothing guards a release, whatever the severity.
    facts.policy = try EffectivePolicy.load(
      config: Data("apiVersion: mlgit/v1\nprotected_branches: []\nrules:\n  runs/required: error\n".utf8))
    XCTAssertEqual(points(ScoreGrader.grade(facts), "infra-3"), .half)
  }

  func testReadinessCountsOnlyForAnExistingDocument() throws {
    var facts = try facts()
    facts.readiness = [ReadinessReference(test: "model-2", path: "docs/oo.md", location: .start)]
    let missing = ScoreGrader.grade(facts).sections.flatMap(\.tests).first { $0.test.id == "model-2" }
    XCTAssertEqual(missing?.points, MLTestScore.Points.none)
    XCTAssertTrue(missing?.hint?.contains("commit docs/oo.md") ?? false, missing?.hint ?? "")
    facts.documents = ["docs/oo.md": String(repeating: "b", count: 40)]
    let present = ScoreGrader.grade(facts).sections.flatMap(\.tests).first { $0.test.id == "model-2" }
    XCTAssertEqual(present?.points, .half)
    XCTAssertTrue(present?.hint?.contains("cannot observe") ?? false)
  }

  /// docs/score.md prints the table: every test's row names its title, its rules' config
  /// lines, and whether it is unobservable, as the code has them.
  func testTheDocumentedTableIsTheCodesTable() throws {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/score.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("-") }
    for test in MLTestScore.tests {
      guard let row = rows.first(where: { $0.hasPrefix("| \(test.id) | ") }) else {
        XCTFail("docs/score.md has no row for \(test.id)")
        continue
      }
      XCTAssertTrue(row.hasPrefix("| \(test.id) | \(test.title) | "), String(row))
      XCTAssertEqual(row.contains("unobservable"), test.unobservable != nil, String(row))
      for case .rule(let id, let line, _) in test.sources {
        let registered = RuleRegistry.rule(id: id) != nil
        XCTAssertTrue(row.contains(registered ? "`\(line)`" : "*`\(line)`*"), "\(row) should name \(line)")
      }
    }
  }

  func testReadinessIDsAreTheRubricsOnly() {
    for id in ["data-1", "model-7", "infra-4", "monitor-7"] { XCTAssertTrue(ReadinessReference.isTestID(id), id) }
    for id in ["data-0", "data-8", "model-07", "monitoring-1", "infra", "-1", "data-1x"] {
      XCTAssertFalse(ReadinessReference.isTestID(id), id)
    }
  }
}

extension MLTestScore.Points {
  static var allCasesValues: [Double] { [MLTestScore.Points.none, .half, .full].map(\.rawValue) }
}
