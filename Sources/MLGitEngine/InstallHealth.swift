import FoundationEssentials
import GitKit
import MLSpec

/// After `mlgit install`, every mlgit command checks that git still reaches mlgit's
/// check, and says so loudly when a hook manager, a person or a tool took it away.
public enum InstallHealth {
  /// One warning per client hook (but `except`) whose check no longer runs.
  static func warnings(repository: Repository, except: String? = nil) -> [String] {
    guard !repository.isBare, let integration = try? repository.config().string(RepositorySettings.integrationKey),
      integration != "server", let layout = try? HookLayout(repository: repository)
    else { return [] }
    return HookInstaller.clientHooks.filter { $0 != except }.compactMap { hook in
      let trace = layout.trace(hook)
      guard !trace.runs else { return nil }
      return """
        mlgit: WARNING: mlgit's \(hook) check no longer runs in this repository: \(trace.steps.joined(separator: "; "))
        mlgit: run `\(trace.fix ?? "mlgit install")` to restore it (`mlgit doctor` shows the whole chain)
        """
    }
  }

  public static func warn(repository: Repository, except: String? = nil) {
    for warning in warnings(repository: repository, except: except) { printError(warning) }
  }
}
