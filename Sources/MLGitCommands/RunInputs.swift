import ArgumentParser

/// What `mlgit run` and `mlgit run record` both take. ArgumentParser parses a parent
/// command's options before its subcommand's, wherever they stand on the line, and hands
/// an option group the parent decoded to a subcommand that declares the same group: so
/// `run` declares these once and `run record` reads the same values.
struct RunInputs: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "A metrics file the run wrote (JSON or YAML, nested names flattened to dotted ones; repeatable; default: the spec's validation.metrics_files, else dvc.yaml's metrics).",
      valueName: "file"), completion: .file(extensions: ["json", "yaml", "yml"]))
  var metrics: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The model's spec (default: the only spec in the repository, at the commit the run is recorded on).",
      valueName: "file"), completion: .file(extensions: ["yaml", "yml", "json"]))
  var spec: String?
}
