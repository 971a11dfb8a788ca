import MLPolicy

/// Which rule `mlgit policy explain ID` explains: one of the server's ledger checks (not
/// policy rules: no config turns them off, but they are explained alike), a team's rule
/// declared in the policy in force, or one of mlgit's rules.
public enum RuleLookup {
  case ledgerCheck(explanation: String)
  case team(TeamRule, in: PolicyInForce)
  case builtIn(any PolicyRule, in: PolicyInForce)

  /// The rule with id `id`; an unknown id is a usage error that lists the known ones. A
  /// ledger check is found without reading the policy (`inForce`, e.g. `PolicyInForce.current`).
  public static func find(_ id: String, policy inForce: () throws -> PolicyInForce) throws -> RuleLookup {
    if let text = LedgerGuard.explanations[id] { return .ledgerCheck(explanation: text) }
    let inForce = try inForce()
    let policy = inForce.policy
    if let team = policy.teamRules.first(where: { $0.id == id }) { return .team(team, in: inForce) }
    if let found = RuleRegistry.rule(id: id) { return .builtIn(found, in: inForce) }
    let ids = RuleRegistry.builtInRules.map(\.id) + policy.teamRules.map(\.id) + LedgerGuard.explanations.keys.sorted()
    throw CommandFailure.usage("mlgit: unknown rule '\(id)'; rules: \(ids.joined(separator: ", "))")
  }
}
