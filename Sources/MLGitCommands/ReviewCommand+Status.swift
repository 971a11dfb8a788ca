import ArgumentParser
import MLGitEngine
import MLGitReport

extension ReviewCommand {
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "Which changes need approval, which have it, and from whom.",
      discussion: """
        RANGE is A..B, or one commit. The default is the commits not yet on the first protected \
        branch: origin/main..HEAD when there is a remote-tracking origin/main (the remote \
        main tracks, else the checked-out branch's remote, else origin), else main..HEAD, else \
        all of HEAD. The last line says which range was used.
        """)

    @Argument(
      help: "A..B, or one commit (default: the commits not yet on the first protected branch, e.g. origin/main..HEAD).")
    var range: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: ListingFormat = .text

    @OptionGroup var colour: ColourOption

    func run() throws {
      let style = colour.style()
      var listed: [ReviewStatusJSON.Commit] = []
      let summary = try ReviewStatusScan.open().scan(range) { commit in
        if format == .text {
          print(ReviewStatusText.commit(commit, style: style), terminator: "")
        } else {
          listed.append(ReviewStatusJSON.commit(commit.plan, items: commit.changes.map(\.item)))
        }
      }
      if format == .text {
        print(ReviewStatusText.summary(summary))
      } else {
        try ListingJSON.write(ReviewStatusJSON.document(summary, commits: listed))
      }
    }
  }
}
