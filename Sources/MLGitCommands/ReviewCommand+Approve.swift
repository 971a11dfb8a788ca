import ArgumentParser
import Foundation
import GitKit
import MLGitEngine
import MLPolicy
import MLSpec

extension ReviewCommand {
  struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Approve every hyperparameter and .mlgit/ change the commits make.",
      discussion: """
        The reviewer is the email git records for you (GIT_COMMITTER_EMAIL, else user.email). \
        You cannot approve your own commit. --sign signs each record with `ssh-keygen -Y sign \
        -n mlgit-review` and your key (--key, else git's user.signingKey); a policy with \
        require_signed_reviews signs always. Verification uses .mlgit/allowed_signers.
        """)

    @Argument(help: "The commits to approve.")
    var revisions: [String]

    @Flag(name: .long, help: "Sign the approvals with your SSH key.")
    var sign = false

    @Option(name: .long, help: "The SSH key to sign with (default: git config user.signingKey).")
    var key: String?

    @Option(name: .shortAndLong, help: "A comment kept with the approval.")
    var message: String?

    func validate() throws {
      if revisions.isEmpty { throw ValidationError("name the commits to approve, e.g. mlgit review approve HEAD") }
    }

    func run() throws {
      let planner = try ReviewPlanner()
      let repo = planner.workspace.repository
      guard
        let reviewer = ReviewSources.identity(
          of: repo, environment: planner.workspace.environment,
          variable: "GIT_COMMITTER_EMAIL")
      else {
        throw CommandFailure.usage("mlgit: who is approving? set your email: git config user.email you@example.com")
      }
      var plans: [ReviewPlanner.Plan] = []
      for revision in revisions {
        let plan = try planner.plan(try planner.resolve(revision))
        if plan.commit.author.email.lowercased() == reviewer.lowercased() {
          let who = plan.items.first?.whoMayApprove ?? "anyone but \(reviewer)"
          throw CommandFailure(
            status: .findings,
            message: """
              mlgit: you (\(reviewer)) authored \(plan.commit.id.short) "\(plan.commit.summary)"; an approval must come from someone else
                hint: ask \(who) to run `mlgit review approve \(plan.commit.id.short)`
              """)
        }
        if let signer = plan.lookup.commitSigner,
          signer.principals.contains(where: { $0.lowercased() == reviewer.lowercased() })
        {
          let who = plan.items.first?.whoMayApprove ?? "someone else"
          throw CommandFailure(
            status: .findings,
            message: """
              mlgit: you (\(reviewer)) signed \(plan.commit.id.short) "\(plan.commit.summary)" with your key (\(signer.key ?? "")); \
              the signer made the change, whatever its author email says, and an approval must come from someone else
                hint: ask \(who) to run `mlgit review approve \(plan.commit.id.short) --sign`
              """)
        }
        plans.append(plan)
      }
      let signing = sign || plans.contains { $0.policy.requireSignedReviews }
      let signingFile = signing ? try signingKey(repo) : nil
      defer { if let temporary = signingFile?.temporary { try? FileManager.default.removeItem(atPath: temporary) } }
      let keyPath = signingFile?.path
      let at = UTCTimestamp.now()
      var batch: [OID: [String]] = [:]
      var done: [String] = []
      var notListed = Set<String>()
      for plan in plans {
        if plan.items.isEmpty {
          print("mlgit: nothing to approve in \(plan.commit.id.short): no hyperparameter or policy file changes")
        }
        for item in plan.items {
          guard let objectHex = item.object, let object = OID(hex: objectHex), let approvedBlob = item.approvedBlob
          else { continue }
          if !item.reviewers.isEmpty && !item.reviewers.contains(where: { $0.lowercased() == reviewer.lowercased() }) {
            notListed.insert(item.reviewers.joined(separator: ", "))
          }
          // Already there: an approval of yours that counts, or (unsigned) the same record.
          let existing =
            item.approvals.contains { $0.lowercased() == reviewer.lowercased() }
            || (!signing
              && plan.lookup.records(on: objectHex).contains {
                $0.isApproval && $0.path == item.path && $0.blob == approvedBlob && $0.hyperparameters == item.hash
                  && $0.reviewer.lowercased() == reviewer.lowercased()
              })
          let what = "\(item.path) (\(item.summary)) in \(plan.commit.id.short)"
          if existing {
            print(TerminalText.escape("mlgit: already approved by you: \(what)"))
            continue
          }
          var record = ReviewRecord(
            path: item.path, blob: approvedBlob, hyperparameters: item.hash, reviewer: reviewer,
            at: at, message: message)
          if let keyPath { record.signature = try ReviewSignatures.sign(record.payload, keyPath: keyPath) }
          batch[object, default: []].append(record.line)
          done.append("mlgit: approved \(what) as \(reviewer)\(keyPath == nil ? "" : " (signed)")")
        }
      }
      for list in notListed.sorted() {
        printError(
          "mlgit: warning: you (\(reviewer)) are not in reviewers (\(list)); this approval will not count until you are"
        )
      }
      guard !batch.isEmpty else { return }
      let ledger = NotesLedger(repository: repo, ref: NotesLedger.reviewsRef)
      let summary = plans.map(\.commit.id.short).joined(separator: ", ")
      try ledger.append(batch, message: "mlgit review approve \(summary) by \(reviewer)")
      done.forEach { print(TerminalText.escape($0)) }
      print(
        "mlgit: recorded in \(NotesLedger.reviewsRef); share it: git push origin \(NotesLedger.reviewsRef) (or mlgit sync)"
      )
    }

    /// The key to sign with: --key, else git's `user.signingKey` (a path, or `key::` and a
    /// public key for ssh-agent). A `key::` key is written to a temporary file for
    /// ssh-keygen, which the caller removes (`temporary`) once signing is done.
    func signingKey(_ repo: Repository) throws -> (path: String, temporary: String?) {
      var value = key
      if value == nil { value = try? repo.config().string("user.signingkey") }
      guard var path = value, !path.isEmpty else {
        throw CommandFailure.usage(
          """
          mlgit: signing needs an SSH key: pass --key ~/.ssh/id_ed25519, or set git config user.signingKey ~/.ssh/id_ed25519
            hint: your public key goes in .mlgit/allowed_signers as `you@example.com namespaces="mlgit-review" ssh-ed25519 AAAA…`
          """)
      }
      if path.hasPrefix("key::") {
        let file = NSTemporaryDirectory() + "mlgit-signing-key-\(UUID().uuidString.prefix(8)).pub"
        try Data((String(path.dropFirst(5)) + "\n").utf8).write(to: URL(fileURLWithPath: file))
        return (file, file)
      }
      if path.hasPrefix("~/") { path = NSHomeDirectory() + String(path.dropFirst(1)) }
      return (path, nil)
    }
  }
}
