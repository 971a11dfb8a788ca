import Foundation
import XCTest

/// What `mlgit run` reads: regular files inside the work tree only, links resolved.
final class RunReadsTests: XCTestCase {
  /// `mlgit ARGS…` under `timeout`, so a read that blocks fails the test instead of hanging it.
  func mlgitWithin(_ seconds: Int, _ repo: TempRepository, _ arguments: String...) -> CommandResult {
    Shell.run("/usr/bin/timeout", [String(seconds), Shell.mlgit] + arguments, in: repo.path)
  }

  func testParametersFileLinkedOutsideTheWorkTreeIsNeitherReadNorRecorded() throws {
    let repo = TempRepository()
    let secret = repo.root + "/secret.yaml"
    try "train:\n  api_token: hunter2\n".write(toFile: secret, atomically: true, encoding: .utf8)
    repo.write("models/credit.yaml", Fixtures.spec(hyperparameters: "  from: conf/params.yaml\n  key: train\n"))
    for target in [secret, "../../secret.yaml"] {
      try? FileManager.default.removeItem(atPath: repo.path + "/conf/params.yaml")
      try FileManager.default.createDirectory(atPath: repo.path + "/conf", withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: repo.path + "/conf/params.yaml", withDestinationPath: target)
      repo.stage()
      repo.commitFixture("params behind a link to \(target)")
      let run = mlgitWithin(60, repo, "run", "--", "true")
      XCTAssertEqual(run.status, 2, run.output)
      XCTAssertTrue(
        run.stderr.contains(
          "models/credit.yaml:10:9: error: parameters file conf/params.yaml resolves to \(secret), outside the work tree"
        ), run.stderr)
      XCTAssertTrue(run.stderr.contains("hint: mlgit run reads only regular files inside the work tree"), run.stderr)
      XCTAssertFalse(run.output.contains("hunter2"))
      XCTAssertEqual(repo.runLines(), [])

      // Recorded on a commit: the link is refused there too, never followed.
      repo.write("m.json", #"{"auc": 0.8}"#)
      let record = repo.mlgit("run", "record", "--metrics", "m.json")
      XCTAssertEqual(record.status, 2, record.output)
      XCTAssertTrue(
        record.stderr.contains(
          "models/credit.yaml:10:9: error: parameters file conf/params.yaml is a symbolic link in commit "),
        record.stderr)
      XCTAssertEqual(repo.runLines(), [])
      XCTAssertFalse(repo.git("log", "--all", "-p", "--notes=mlgit/runs").stdout.contains("hunter2"))
    }
  }

  func testDataPathsOutsideTheWorkTreeOrNotRegularFilesAreRefusedWithoutBlocking() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    try "income\n1\n".write(toFile: repo.root + "/outside.csv", atomically: true, encoding: .utf8)
    XCTAssertEqual(Shell.run("/usr/bin/mkfifo", ["data/fifo.csv"], in: repo.path).status, 0)
    try FileManager.default.createSymbolicLink(atPath: repo.path + "/data/zero.csv", withDestinationPath: "/dev/zero")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/data/out.csv", withDestinationPath: "../../outside.csv")
    let cases: [(String, String)] = [
      ("../outside.csv", "../outside.csv is outside the work tree \(repo.path)"),
      ("data/../../outside.csv", "data/../../outside.csv is outside the work tree \(repo.path)"),
      (
        "../../../../../../../../etc/shadow", "../../../../../../../../etc/shadow is outside the work tree \(repo.path)"
      ),
      ("/etc/passwd", "/etc/passwd is outside the work tree \(repo.path)"),
      ("/dev/zero", "/dev/zero is outside the work tree \(repo.path)"),
      ("data/zero.csv", "data/zero.csv resolves to /dev/zero, outside the work tree \(repo.path)"),
      ("data/out.csv", "data/out.csv resolves to \(repo.root)/outside.csv, outside the work tree \(repo.path)"),
      ("data/fifo.csv", "data/fifo.csv is a FIFO, not a regular file"),
      ("data", "data is a folder, not a regular file"),
      (".git/config", ".git/config resolves to \(repo.path)/.git/config, inside the repository's git folder"),
    ]
    for (path, message) in cases {
      repo.write("models/credit.yaml", Fixtures.spec(extra: "data:\n  train: {path: \(path)}\n"))
      let run = mlgitWithin(60, repo, "run", "--", "sh", "-c", "echo ran > ran.txt")
      XCTAssertEqual(run.status, 2, "\(path): \(run.output)")
      XCTAssertTrue(
        run.stderr.contains("models/credit.yaml:14:10: error: data 'train' \(message)"), "\(path): \(run.stderr)")
      XCTAssertNil(repo.read("ran.txt"), "\(path): the command must not run")
      XCTAssertEqual(repo.runLines(), [])
    }

    // A link that stays inside the work tree is followed, and recorded under its own name.
    repo.write("raw/train.csv", "income\n2\n")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/data/linked.csv", withDestinationPath: "../raw/train.csv")
    repo.write("models/credit.yaml", Fixtures.spec(extra: "data:\n  train: {path: data/linked.csv}\n"))
    let run = mlgitWithin(60, repo, "run", "--", "true")
    XCTAssertEqual(run.status, 0, run.output)
    let sha = String(Shell.run("/usr/bin/sha256sum", ["raw/train.csv"], in: repo.path).stdout.prefix(64))
    XCTAssertTrue(
      repo.runLines().first?.contains(#""data":{"data/linked.csv":"\#(sha)"}"#) ?? false, repo.runLines().joined())
  }

  func testSpecNamedOnTheCommandLineMustBeInsideTheWorkTree() throws {
    let repo = TempRepository()
    repo.commitTrainableModel()
    try Fixtures.spec().write(toFile: repo.root + "/elsewhere.yaml", atomically: true, encoding: .utf8)
    let outside = repo.mlgit("run", "--spec", "../elsewhere.yaml", "--", "true")
    XCTAssertEqual(outside.status, 2, outside.output)
    XCTAssertTrue(outside.stderr.contains("mlgit: spec ../elsewhere.yaml is outside the work tree"), outside.stderr)
    let missing = repo.mlgit("run", "--spec", "models/nope/credit.yaml", "--", "true")
    XCTAssertEqual(missing.status, 2, missing.output)
    XCTAssertTrue(missing.stderr.contains("mlgit: spec models/nope/credit.yaml does not exist"), missing.stderr)
    let inside = repo.mlgit(["run", "--spec", "../models/credit.yaml", "--", "true"], in: "data")
    XCTAssertEqual(inside.status, 0, inside.output)
    XCTAssertEqual(repo.runLines().count, 1)
  }

  func testMetricsFileThatIsAFIFOIsRefusedWithoutBlocking() {
    let repo = TempRepository()
    repo.commitTrainableModel()
    XCTAssertEqual(Shell.run("/usr/bin/mkfifo", ["m.fifo"], in: repo.path).status, 0)
    let record = mlgitWithin(60, repo, "run", "record", "--metrics", "m.fifo")
    XCTAssertEqual(record.status, 2, record.output)
    XCTAssertTrue(record.stderr.contains("mlgit: cannot read m.fifo: it is a FIFO, not a regular file"), record.stderr)
    XCTAssertEqual(repo.runLines(), [])
  }
}
