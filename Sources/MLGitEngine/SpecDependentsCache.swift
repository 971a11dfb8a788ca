import FoundationEssentials
import GitKit
import MLPolicy
import MLSpec

/// The `SpecDependents` of the last tree a staged check read them for, kept between runs
/// in `<git common dir>/mlgit/spec-dependents`.
///
/// Why: a staged change is judged against HEAD, and a spec whose own entry did not change
/// still changes when the parameters file it names does; finding which specs name which
/// files reads every spec blob of HEAD, an eighth of the pre-commit hook's instructions at
/// 1,000 files and three fifths at 100,000 (docs/performance.md, seventh round). The answer
/// depends only on the tree's spec folders, the spec globs and mlgit's version, so it is
/// kept under those: a run for the same tree reads it back; a run for another tree reads
/// only the spec entries the two trees differ in (`ParameterFileIndex.update`), as after a
/// commit or a checkout.
///
/// A `KeptFile`: derived from objects, closed by its SHA-256, deletable at any time. One
/// that is damaged or was kept under other globs or another version of mlgit is ignored
/// and replaced.
struct SpecDependentsCache {
  let file: KeptFile
  /// Where the file is; nil when the repository has no folder on disk to keep it in.
  var path: String? { file.path }

  static let header = "mlgit spec-dependents 1\n"
  /// A kept file over this size is not read (no repository's specs name this much).
  static let sizeLimit = 16 << 20

  init(repository: Repository) {
    file = KeptFile(repository: repository, name: "spec-dependents", sizeLimit: SpecDependentsCache.sizeLimit)
  }

  /// What the dependents of a tree depend on besides the tree: the spec globs (they pick
  /// the specs and the links), the size limit for specs and mlgit's version (how specs read).
  static func key(_ policy: EffectivePolicy) -> String {
    var text = "\(MLGitVersion.current)\u{0}\(Document.sizeLimit)\u{0}"
    for glob in policy.specGlobs.globs { text += "\(glob.pattern.utf8.count):\(glob.pattern)\u{0}" }
    return SHA256Digest.hex(text)
  }

  /// The tree and dependents kept under `key`; nil when there are none (or none usable).
  func load(key: String) -> (tree: OID, dependents: SpecDependents)? {
    file.load()?.withUnsafeBytes { SpecDependentsCache.decode($0, key: key) }
  }

  /// Keeps `dependents` as `tree`'s, under `key`. Failing to is not an error.
  func store(_ dependents: SpecDependents, tree: OID, key: String) {
    file.store(SpecDependentsCache.encode(dependents, tree: tree, key: key))
  }

  /// Removes the file (`mlgit uninstall`; `KeptFile.remove`).
  func remove() -> Bool { file.remove() }

  /// The file's bytes: the header, `key <hex>` and `tree <hex>` lines, then one record per
  /// reading spec (`P`, the parameters file, the spec) and per link (`L`, the link), each
  /// field ended by a NUL (git paths hold none), then `sum <SHA-256 of all before>`.
  static func encode(_ dependents: SpecDependents, tree: OID, key: String) -> Data {
    // One String, then its bytes: `Data(text.utf8)` is generic over the sequence, and its
    // first use looks the sequence's types up by name (160,000 instructions).
    var text = "\(header)key \(key)\ntree \(tree.hex)\n"
    for (file, specs) in dependents.parameterFiles.sorted(by: { $0.key < $1.key }) {
      for spec in specs { text += "P\u{0}" + file + "\u{0}" + spec + "\u{0}" }
    }
    for link in dependents.links { text += "L\u{0}" + link + "\u{0}" }
    return text.withUTF8 { KeptFile.seal(UnsafeRawBufferPointer($0)) }
  }

  /// The tree and dependents `bytes` hold under `key`; nil when they are damaged,
  /// incomplete, or kept under another key.
  static func decode(_ bytes: UnsafeRawBufferPointer, key: String) -> (tree: OID, dependents: SpecDependents)? {
    guard let bodyEnd = KeptFile.sealedLength(bytes) else { return nil }
    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
    let prelude = Array("\(header)key \(key)\ntree ".utf8)
    let treeEnd = prelude.count + 40
    guard bodyEnd > treeEnd,
      bytes[..<prelude.count].elementsEqual(prelude), bytes[treeEnd] == UInt8(ascii: "\n"),
      let tree = OID(hex: text(prelude.count..<treeEnd))
    else { return nil }
    // Records: fields ended by NUL.
    var fields: [String] = []
    var start = treeEnd + 1
    while start < bodyEnd {
      guard let end = bytes[start..<bodyEnd].firstIndex(of: 0) else { return nil }
      fields.append(text(start..<end))
      start = end + 1
    }
    var dependents = SpecDependents()
    var index = 0
    while index < fields.count {
      switch fields[index] {
      case "P" where index + 2 < fields.count:
        dependents.parameterFiles[fields[index + 1], default: []].append(fields[index + 2])
        index += 3
      case "L" where index + 1 < fields.count:
        dependents.links.append(fields[index + 1])
        index += 2
      default:
        return nil
      }
    }
    return (tree, dependents.normalized())
  }
}
