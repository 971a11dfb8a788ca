import MLPolicy

/// `mlgit score --format json`: the `mlgit.score/1` document (docs/score.md describes
/// every field). Keys are sorted, so two runs over the same history differ only in
/// `generated`.
public enum ScoreJSON {
  public static let schema = "mlgit.score/1"

  struct Document: Encodable {
    var schema: String
    var generated: String
    var repository: String
    var revision: String
    var commit: String
    var policy: [String]
    var models: [Model]
    var unreadable: [Unreadable]
  }
  struct Unreadable: Encodable {
    var path: String
    var reason: String
  }
  struct Model: Encodable {
    var name: String
    var path: String
    var version: String?
    var commit: String
    var score: Double
    var weakest: String?
    var sections: [Section]
  }
  struct Section: Encodable {
    var id: String
    var title: String
    var score: Double
    var tests: [Test]
  }
  struct Test: Encodable {
    var id: String
    var title: String
    var points: Double
    var maxPoints: Double
    var evidence: [ScoreEvidence]
    var hint: String?

    enum CodingKeys: String, CodingKey { case id, title, points, maxPoints, evidence, hint }
    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(title, forKey: .title)
      try container.encode(points, forKey: .points)
      try container.encode(maxPoints, forKey: .maxPoints)
      try container.encode(evidence, forKey: .evidence)
      try container.encode(hint, forKey: .hint)  // null at a full point, never absent
    }
  }

  static func document(_ report: ScoreReport) -> Document {
    Document(
      schema: schema, generated: report.generated, repository: report.repository, revision: report.revision,
      commit: report.commit, policy: report.policySources,
      models: report.models.map { model in
        Model(
          name: model.model, path: model.specPath, version: model.version, commit: model.commit, score: model.score,
          weakest: model.weakest?.rawValue,
          sections: model.sections.map { section in
            Section(
              id: section.section.rawValue, title: section.section.title, score: section.score,
              tests: section.tests.map { scored in
                Test(
                  id: scored.test.id, title: scored.test.title, points: scored.points.rawValue,
                  maxPoints: scored.test.unobservable == nil ? 1 : 0.5, evidence: scored.evidence, hint: scored.hint)
              })
          })
      },
      unreadable: report.unreadable.map { Unreadable(path: $0.path, reason: $0.reason) })
  }

  public static func render(_ report: ScoreReport) throws -> [UInt8] {
    try SortedJSON.encode(document(report))
  }
}
