import ArgumentParser
import MLGitEngine
import MLGitErrors
import MLGitReport

/// `mlgit score`: each model's ML Test Score at a revision, from the evidence in git.
struct ScoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Each model's ML Test Score (Breck et al., 2017) from the evidence in git.",
    discussion: """
      For every model spec at REV (default HEAD): the rubric's 28 tests in four sections \
      (data, model, infrastructure, monitoring), each worth 1 point when an mlgit rule enforces \
      it at error on every protected branch (or mlgit always does), 0.5 when evidence exists \
      that nothing enforces (recorded runs, an approval, a document named in the spec's \
      `readiness:` block), 0 otherwise; with the evidence and what would raise each test. \
      A section scores the sum of its tests; the model scores its lowest section. \
      docs/score.md maps every test to its evidence.

      Exit status: 0 the report was written; 1 with --min-score, a model scored below it; \
      2 bad usage or an unknown model; 3 git failure.
      """)

  @Argument(help: "The revision to score.")
  var revision: String = "HEAD"

  @Option(name: .long, help: "Only this model (its spec's name).")
  var model: String?

  @Option(name: .long, help: "Exit 1 when a model scores below X (0 to 7).")
  var minScore: Double?

  @Option(name: .long, help: "Output format: text, json or html.")
  var format: ReportFormat = .text

  func validate() throws {
    if let minScore, !(minScore.isFinite && minScore >= 0 && minScore <= 7) {
      throw ValidationError("--min-score takes a number from 0 to 7, got \(minScore)")
    }
  }

  func run() throws {
    let request = ScoreRequest(revision: revision, model: model, minScore: minScore)
    let report = try request.report()
    switch format {
    case .text: StandardOutput.write(bytes: Array(ScoreText.render(report).utf8))
    case .json: StandardOutput.write(bytes: try ScoreJSON.render(report))
    case .html: StandardOutput.write(bytes: Array(ScoreHTML.render(report).utf8))
    }
    if let shortfall = request.shortfall(report) {
      printError(shortfall)
      StandardOutput.flush()
      throw ExitCode(ExitStatus.findings.rawValue)
    }
  }
}
