import MLPolicy
import MLSpec

/// `mlgit audit --format json`: the `mlgit.audit/1` document (every field is described
/// in the README). Keys are sorted and the layout is fixed, so two audits of the same
/// history differ only in `generated`.
public enum AuditJSON {
  public static let schema = "mlgit.audit/1"

  public static func render(_ report: AuditReport) -> [UInt8] {
    var out = JSONWriter()
    document(report, into: &out)
    out.endLine()
    return out.bytes
  }

  /// The same document, handed to `sink` in blocks as it is written (standard output:
  /// a large history's audit is megabytes, never held whole). `secondThread: false` where
  /// the process has one CPU.
  public static func write(
    _ report: AuditReport, secondThread: Bool, to sink: @escaping (UnsafeRawBufferPointer) -> Void
  ) {
    var out = JSONWriter(secondThread: secondThread, sink: sink)
    document(report, into: &out)
    out.endLine()
    out.finish()
  }

  // Each object's keys are written in sorted order (as Swift sorts Strings), by hand:
  // the document is streamed from the report, never built as a JSON value.

  static func document(_ report: AuditReport, into out: inout JSONWriter) {
    let changes = report.changes
    out.object { out in
      out.key("boundary")
      out.array(report.boundary) { $0.string($1) }
      out.key("bypasses")
      out.array(report.bypasses) { bypass($1, into: &$0) }
      out.field("commitsScanned", report.commitsScanned)
      out.key("filters")
      out.object { out in
        out.field("branch", report.branch)
        out.field("model", report.modelFilter)
        out.field("since", report.since)
      }
      out.key("findings")
      out.array(report.otherFindings) { finding($1, commit: true, into: &$0) }
      out.field("generated", report.generated)
      out.key("models")
      out.array(halvesOf: report.models) { model($1, into: &$0) }
      out.field("repository", report.repository)
      out.field("schema", schema)
      out.key("summary")
      out.object { out in
        let findings = changes.flatMap(\.findings) + report.otherFindings
        out.field("approvals", changes.reduce(0) { $0 + $1.approvals.count })
        out.field("approvalsCounted", changes.reduce(0) { $0 + $1.approvals.filter(\.counted).count })
        out.field("bypasses", report.bypasses.count)
        out.field("changes", changes.count)
        out.field("errors", findings.filter { $0.severity == .error }.count)
        out.field("models", report.models.count)
        out.field("runs", changes.reduce(0) { $0 + $1.runs.count })
        out.field("unapproved", changes.filter(\.unapproved).count)
        out.field("warnings", findings.filter { $0.severity == .warning }.count)
      }
      out.key("unattributedRuns")
      out.array(report.unattributedRuns) { run($1, model: true, into: &$0) }
    }
  }

  static func model(_ model: AuditModel, into out: inout JSONWriter) {
    out.object { out in
      out.key("changes")
      out.array(model.changes) { change($1, into: &$0) }
      out.field("deleted", model.deleted)
      out.field("latestVersion", model.latestVersion)
      out.field("name", model.name)
      out.field("owner", model.owner)
      out.key("paths")
      out.array(model.paths) { $0.string($1) }
    }
  }

  static func change(_ change: AuditChange, into out: inout JSONWriter) {
    out.object { out in
      out.key("approvals")
      out.array(change.approvals) { approval($1, into: &$0) }
      out.field("author", change.author)
      out.field("blob", change.blob)
      out.field("bypass", change.bypass)
      out.key("bypassRules")
      out.array(change.bypassRules) { $0.string($1) }
      out.field("commit", change.commit)
      out.key("data")
      out.array(change.data) { out, item in
        out.object { out in
          out.field("name", item.name)
          out.field("new", item.new)
          out.field("old", item.old)
          out.field("path", item.path)
        }
      }
      out.field("date", UTCTimestamp.string(change.time))
      out.field("email", change.email)
      out.key("features")
      out.object { out in
        out.key("added")
        out.array(change.featuresAdded) { $0.string($1) }
        out.key("removed")
        out.array(change.featuresRemoved) { $0.string($1) }
      }
      out.key("findings")
      out.array(change.findings) { finding($1, commit: false, into: &$0) }
      out.key("hyperparameters")
      out.array(change.hyperparameters) { out, item in
        out.object { out in
          out.field("key", item.key)
          out.key("new")
          out.value(item.new ?? .null)
          out.key("old")
          out.value(item.old ?? .null)
        }
      }
      out.field("hyperparametersError", change.hyperparametersError)
      out.field("path", change.path)
      out.field("renamedFrom", change.renamedFrom)
      out.key("review")
      out.object { out in
        out.field("approved", change.reviewApproved)
        out.key("approvedBy")
        out.array(change.approvedBy) { $0.string($1) }
        out.field("needed", change.reviewNeeded)
        out.field("required", change.reviewRequired)
      }
      out.key("runs")
      out.array(change.runs) { run($1, model: false, into: &$0) }
      out.field("status", change.status.rawValue)
      out.field("summary", change.summary)
      out.key("version")
      out.object { out in
        out.field("new", change.version.new)
        out.field("old", change.version.old)
      }
    }
  }

  static func approval(_ approval: AuditApproval, into out: inout JSONWriter) {
    let record = approval.record
    out.object { out in
      out.field("at", record.at)
      out.field("blob", record.blob)
      out.field("counted", approval.counted)
      out.field("decision", record.decision)
      out.field("hyperparameters", record.hyperparameters)
      out.field("message", record.message)
      out.field("path", record.path)
      out.field("reason", approval.rejection?.rawValue)
      out.field("reasonText", approval.rejection?.description)
      out.field("reviewer", record.reviewer)
      out.field("signed", approval.signed)
      out.key("valid")
      if let valid = approval.valid { out.bool(valid) } else { out.null() }
    }
  }

  static func run(_ run: RunRecord, model: Bool, into out: inout JSONWriter) {
    out.object { out in
      out.field("commit", run.commit)
      out.field("dirty", run.dirty)
      out.field("exit", run.exit)
      out.field("finished", run.finished)
      out.field("id", run.id)
      out.key("metrics")
      out.object { out in
        for name in run.metrics.keys.sorted() {
          out.key(text: name)
          out.double(run.metrics[name] ?? 0)
        }
      }
      if model { out.field("model", run.model) }
      out.field("started", run.started)
      out.field("user", run.user)
    }
  }

  static func finding(_ finding: Finding, commit: Bool, into out: inout JSONWriter) {
    out.object { out in
      out.field("column", finding.column)
      if commit { out.field("commit", finding.commit) }
      out.field("hint", finding.hint)
      out.field("line", finding.line)
      out.field("message", finding.message)
      out.field("path", finding.path)
      out.field("rule", finding.rule)
      out.field("severity", finding.severity.rawValue)
    }
  }

  static func bypass(_ bypass: AuditBypass, into out: inout JSONWriter) {
    out.object { out in
      out.field("author", bypass.author)
      out.field("commit", bypass.commit)
      out.field("date", UTCTimestamp.string(bypass.time))
      out.field("email", bypass.email)
      out.key("models")
      out.array(bypass.models) { $0.string($1) }
      out.key("paths")
      out.array(bypass.paths) { $0.string($1) }
      out.key("rules")
      out.array(bypass.rules) { $0.string($1) }
      out.field("summary", bypass.summary)
    }
  }
}
