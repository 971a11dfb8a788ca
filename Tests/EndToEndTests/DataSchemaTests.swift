import Foundation
import XCTest

/// Rule `data/schema`: a spec's `data.<name>.schema` checked against the data file's first
/// bytes at commit and push, and against every row by `mlgit run`.
final class DataSchemaTests: XCTestCase {
  static let policy = "apiVersion: mlgit/v1\nextends: [default]\nrules:\n  data/schema: error\n"

  /// The schema's lines: `schema:` at 16:5, income at 17:7, debt_ratio at 18:7, region at 19:7.
  static func spec(path: String = "data/train.csv", sha256: String? = nil) -> String {
    Fixtures.spec(
      extra: """
        data:
          train:
            path: \(path)
            schema:
              income: float
              debt_ratio: {type: float, min: 0, max: 1}
              region: {values: [north, south]}
        \(sha256.map { "    sha256: \($0)\n" } ?? "")
        """)
  }

  static let goodData = "income,debt_ratio,region\n52000,0.3,north\n61000,0.1,south\n"

  /// A repository with the hooks installed and `data/schema` at error committed at HEAD.
  func repository(config: String = DataSchemaTests.policy) -> TempRepository {
    let repo = TempRepository()
    XCTAssertEqual(repo.mlgit("install").status, 0)
    repo.write(".mlgit/config.yml", config)
    repo.stage()
    repo.commitFixture("policy")
    return repo
  }

  func testCommitIsRefusedAtTheSchemaLineNamingTheColumnThenAccepted() {
    let repo = repository()
    repo.write("models/credit.yaml", DataSchemaTests.spec())
    repo.write("data/train.csv", "income,debt_ratio\n52000,0.3\n")
    repo.stage()
    let refused = repo.git("commit", "-m", "credit model")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:19:7: error: data 'train' (data/train.csv): column 'region' is not in the header [data/schema]"
      ),
      refused.stderr)
    XCTAssertTrue(refused.stderr.contains("hint: add the column to data/train.csv's header"), refused.stderr)
    XCTAssertEqual(repo.git("rev-parse", "--verify", "-q", "HEAD~1").status, 1, "no commit may be made")

    repo.write("data/train.csv", DataSchemaTests.goodData)
    repo.stage()
    let accepted = repo.git("commit", "-m", "credit model")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertFalse(accepted.stderr.contains("[data/schema]"), accepted.stderr)
  }

  func testADataFileChangedAloneIsCheckedAgainstTheUnchangedSpec() {
    let repo = repository()
    repo.write("models/credit.yaml", DataSchemaTests.spec())
    repo.write("data/train.csv", DataSchemaTests.goodData)
    repo.stage()
    repo.commitFixture("credit model")

    repo.write("data/train.csv", DataSchemaTests.goodData + "70000,1.7,north\n48000,oops,west\n")
    repo.stage()
    let refused = repo.git("commit", "-m", "more rows")
    XCTAssertEqual(refused.status, 1, refused.output)
    for expected in [
      "models/credit.yaml:18:7: error: data 'train' (data/train.csv): column 'debt_ratio' holds 1.7, above max 1 (line 4) [data/schema]",
      "models/credit.yaml:18:7: error: data 'train' (data/train.csv): column 'debt_ratio' holds 'oops', not a float (line 5) [data/schema]",
      "models/credit.yaml:19:7: error: data 'train' (data/train.csv): column 'region' holds 'west', not one of values [north, south] (line 5) [data/schema]",
    ] {
      XCTAssertTrue(refused.stderr.contains(expected), "missing \(expected) in\n\(refused.stderr)")
    }
    // The same findings in CI's JSON.
    let check = repo.mlgit(["check", "--staged", "--format", "json"])
    XCTAssertEqual(check.status, 1, check.output)
    XCTAssertTrue(check.stdout.contains("\"rule\" : \"data/schema\""), check.stdout)
  }

  func testThePushIsRefusedByTheServerThenAccepted() {
    let remote = TempRepository(bare: true, name: "remote.git")
    XCTAssertEqual(remote.mlgit("install", "--server").status, 0)
    let clone = TempRepository.clone(remote.path)
    clone.write(".mlgit/config.yml", DataSchemaTests.policy)
    clone.write("models/credit.yaml", DataSchemaTests.spec())
    clone.write("data/train.csv", DataSchemaTests.goodData)
    clone.stage()
    clone.commitFixture("policy and credit model")
    XCTAssertEqual(clone.git("push", "-q", "origin", "main").status, 0)

    // Committed without the hooks (none installed here): the server judges it.
    clone.write("data/train.csv", "income,debt_ratio,region\n52000,-0.2,north\n")
    clone.stage()
    let bad = clone.commitFixture("negative ratio")
    let refused = clone.git("push", "origin", "main")
    XCTAssertNotEqual(refused.status, 0, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "remote: \(bad.prefix(8)): models/credit.yaml:18:7: error: data 'train' (data/train.csv): column 'debt_ratio' holds -0.2, below min 0 (line 2) [data/schema]"
      ),
      refused.stderr)
    XCTAssertNotEqual(remote.revParse("refs/heads/main"), bad)

    clone.write("data/train.csv", "income,debt_ratio,region\n52000,0.2,north\n")
    clone.stage()
    clone.git("commit", "-q", "--amend", "-m", "ratio within range")
    let accepted = clone.git("push", "origin", "main")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertEqual(remote.revParse("refs/heads/main"), clone.revParse("HEAD"))
  }

  func testHostileHeadersAreReadAsCSVIsWritten() {
    let repo = repository()
    // A byte order mark, a quoted comma in a name, CRLF line ends, no newline at the end.
    repo.write(
      "models/credit.yaml",
      Fixtures.spec(
        extra: """
          data:
            train:
              path: data/train.csv
              schema:
                "income, gross": {type: int, min: 0}
                region: {values: [north, south]}

          """))
    repo.write(
      "data/train.csv",
      data: Data([0xEF, 0xBB, 0xBF]) + Data("\"income, gross\",region\r\n52000,north\r\n61000,\"south\"".utf8))
    repo.stage()
    let accepted = repo.git("commit", "-m", "quoted header")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertFalse(accepted.stderr.contains("[data/schema]"), accepted.stderr)

    // The last row has no line end and is judged all the same: the file is whole.
    repo.write("data/train.csv", data: Data("\"income, gross\",region\r\n52000,north\r\n-1,south".utf8))
    repo.stage()
    let refused = repo.git("commit", "-m", "negative income")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:17:7: error: data 'train' (data/train.csv): column 'income, gross' holds -1, below min 0 (line 3) [data/schema]"
      ),
      refused.stderr)
  }

  func testABinaryDataFileIsAClearFindingAtTheSchemaLine() {
    let repo = repository()
    repo.write("models/credit.yaml", DataSchemaTests.spec())
    var gzip = Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00])
    gzip.append(Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
    repo.write("data/train.csv", data: gzip)
    repo.stage()
    let refused = repo.git("commit", "-m", "compressed data")
    XCTAssertEqual(refused.status, 1, refused.output)
    XCTAssertTrue(
      refused.stderr.contains(
        "models/credit.yaml:16:5: error: data 'train' (data/train.csv) is not a text file (a NUL byte at byte 3) [data/schema]"
      ),
      refused.stderr)
  }

  func testDataOutsideTheCommitIsLeftToRun() {
    let repo = repository()
    repo.write("models/credit.yaml", DataSchemaTests.spec(path: "data/big.csv"))
    repo.write(".gitignore", "data/big.csv\n")
    repo.write("data/big.csv", "income\n1\n")
    // A Git LFS pointer stands for data kept elsewhere.
    repo.write(
      "models/other.yaml",
      Fixtures.spec(
        name: "other",
        extra: """
          data:
            train:
              path: data/lfs.csv
              schema: [income, region]

          """))
    repo.write(
      "data/lfs.csv",
      "version https://git-lfs.github.com/spec/v1\noid sha256:\(String(repeating: "a", count: 64))\nsize 12345\n")
    repo.stage()
    let accepted = repo.git("commit", "-m", "models whose data is elsewhere")
    XCTAssertEqual(accepted.status, 0, accepted.output)
    XCTAssertFalse(accepted.stderr.contains("[data/schema]"), accepted.stderr)
  }

  /// At commit only the first 64 KiB are read: a bad row past them is found by `mlgit run`,
  /// which reads every row as it hashes the file, and refuses to train at error.
  func testRunChecksEveryRowAndRefusesToTrainOnDataOutOfRange() throws {
    let repo = repository()
    var csv = "income,debt_ratio,region\n"
    csv.reserveCapacity(300_000)
    for i in 0..<10_000 { csv += "\(50_000 + i),0.\(i % 10),\(i % 2 == 0 ? "north" : "south")\n" }
    csv += "51000,3.5,north\n"  // line 10002, past the first 64 KiB
    repo.write("data/train.csv", csv)
    let sha = Shell.run("/usr/bin/sha256sum", ["data/train.csv"], in: repo.path).stdout.prefix(64)
    repo.write("models/credit.yaml", DataSchemaTests.spec(sha256: String(sha)))
    repo.write("train.sh", "#!/bin/sh\ntouch trained\nprintf '{\"auc\": 0.8}\\n' > metrics.json\n")
    _ = Shell.run("/bin/chmod", ["+x", "train.sh"], in: repo.path)
    repo.write(".gitignore", "metrics.json\ntrained\n")
    repo.stage()
    let committed = repo.git("commit", "-m", "model and large data")
    XCTAssertEqual(committed.status, 0, committed.output)
    XCTAssertFalse(
      committed.stderr.contains("[data/schema]"), "the bad row lies past the first 64 KiB: \(committed.stderr)")

    let run = repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(run.status, 1, run.output)
    XCTAssertTrue(
      run.stderr.contains(
        "models/credit.yaml:18:7: error: data 'train' (data/train.csv): column 'debt_ratio' holds 3.5, above max 1 (line 10002) [data/schema]"
      ),
      run.stderr)
    XCTAssertTrue(run.stderr.contains("training not started, nothing recorded [data/schema]"), run.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/trained"), "the command must not run")
    XCTAssertEqual(repo.runLines(), [], "nothing recorded")

    // At warning the run trains and is recorded, the finding printed.
    repo.write(".mlgit/config.yml", "apiVersion: mlgit/v1\nextends: [default]\nrules:\n  data/schema: warning\n")
    repo.stage()
    XCTAssertEqual(repo.git("commit", "-q", "--no-verify", "-m", "schema at warning").status, 0)
    let warned = repo.mlgit("run", "--metrics", "metrics.json", "--", "./train.sh")
    XCTAssertEqual(warned.status, 0, warned.output)
    XCTAssertTrue(
      warned.stderr.contains(
        "models/credit.yaml:18:7: warning: data 'train' (data/train.csv): column 'debt_ratio' holds 3.5, above max 1 (line 10002) [data/schema]"
      ),
      warned.stderr)
    XCTAssertEqual(repo.runLines().count, 1)
    XCTAssertTrue(FileManager.default.fileExists(atPath: repo.path + "/trained"))
  }

  func testPolicyExplainShowsTheSyntaxAndExamples() {
    let repo = TempRepository()
    let explain = repo.mlgit("policy", "explain", "data/schema")
    XCTAssertEqual(explain.status, 0, explain.output)
    for expected in [
      "data/schema: A data file named by a spec's data.<name>.schema",
      "default severity: off", "age: {type: int, min: 18, max: 120}",
      "example 1: reported", "  with data/train.csv:", "    income,age",
    ] {
      XCTAssertTrue(explain.stdout.contains(expected), "missing \(expected) in\n\(explain.stdout)")
    }
  }
}
