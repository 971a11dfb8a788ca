// Fuzz target: the policy reader (`.mlgit/config.yml`: the document, the packs it
// extends, rule settings and lists). A config is a config error or a policy, never a trap.
import Foundation
import MLPolicy
import MLSpec

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: start, count: count)
  guard let policy = try? EffectivePolicy.load(config: data) else { return 0 }
  // Use what was loaded as the checks do: globs, branch scopes, the attribute matcher.
  _ = policy.specGlobs.matches("models/a/b.yaml")
  _ = policy.dataGlobs.matches("data/train.csv")
  _ = policy.attributeMatcher.protectedMatches("applicant_race")
  return 0
}
