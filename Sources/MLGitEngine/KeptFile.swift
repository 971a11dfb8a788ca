import FoundationEssentials
import GitKit
import MLSpec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file mlgit keeps between runs in `<git common dir>/mlgit/NAME`: derived from objects,
/// closed by the SHA-256 of everything before it (a last line `sum <hex>`), and free to be
/// deleted at any time. One that cannot be read, is over its size limit or fails its sum
/// is not used; one that cannot be written (a read-only repository, a full disk) is
/// simply not kept. It is written to a temporary file and renamed into place, so
/// concurrent runs each see a whole file.
struct KeptFile {
  /// Where the file is; nil when the repository has no folder on disk to keep it in.
  let path: String?
  /// A file over this size is neither read nor written.
  let sizeLimit: Int

  init(repository: Repository, name: String, sizeLimit: Int) {
    let common = repository.commonDirectory
    path = common.hasPrefix("/") ? PathText.join(common, "mlgit/\(name)") : nil
    self.sizeLimit = sizeLimit
  }

  /// Whether anything is at the file's path: a file (whole or damaged), a link, a folder.
  var exists: Bool {
    guard let path else { return false }
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// The whole file, sum included, when it can be read and is within the limit.
  func load() -> Data? {
    guard let path, case .file(let handle, let size) = WorkTreeFiles.openRegular(path, followingLinks: false),
      size <= sizeLimit
    else { return nil }
    // One byte more than the size: a file that grew since is read short and fails its sum.
    return try? handle.read(upToCount: size + 1)
  }

  /// Keeps `sealed` (made by `seal`). Failing to is not an error.
  func store(_ sealed: Data) {
    guard let path, sealed.count <= sizeLimit else { return }
    let folder = PathText.parent(path)
    if mkdir(folder, 0o777) != 0 && errno != EEXIST { return }
    try? FileReplacement.write(sealed, to: path, mode: FileReplacement.newFileMode(), durable: false)
  }

  /// Appends `body`'s sum line to it and keeps it, without another copy of its bytes
  /// (megabytes of run notes). Failing to is not an error.
  func store(sealing body: inout [UInt8]) {
    var sum = body.withUnsafeBytes { KeptFile.sumLine(of: $0) }
    sum.withUTF8 { body.append(contentsOf: $0) }
    body.withUnsafeMutableBytes { raw in
      store(Data(bytesNoCopy: raw.baseAddress!, count: raw.count, deallocator: .none))
    }
  }

  /// Removes the file, the temporary files of runs killed while writing it, and the folder
  /// when nothing else is in it (`mlgit uninstall`). True when there was anything to remove.
  func remove() -> Bool {
    guard let path else { return false }
    let folder = PathText.parent(path)
    let name = PathText.lastComponent(path)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
    var removed = false
    for entry in names where entry == name || entry.hasPrefix(".\(name).mlgit-tmp-") {
      removed = unlink(PathText.join(folder, entry)) == 0 || removed
    }
    rmdir(folder)  // fails, as it should, when something else is in it
    return removed
  }

  /// The line that closes `body`: `sum <SHA-256 hex>`.
  static func sumLine(of body: UnsafeRawBufferPointer) -> String { "sum " + SHA256Digest.hex(body) + "\n" }

  /// `body` and its sum line.
  static func seal(_ body: UnsafeRawBufferPointer) -> Data {
    var sealed = Data(body)
    var sum = sumLine(of: body)
    sum.withUTF8 { sealed.append($0.baseAddress!, count: $0.count) }
    return sealed
  }

  /// How many bytes of `bytes` come before a sum line that holds for them; nil when there
  /// is no such line.
  static func sealedLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
    let sumLength = 4 + 64 + 1
    guard bytes.count >= sumLength, bytes.last == UInt8(ascii: "\n") else { return nil }
    let bodyEnd = bytes.count - sumLength
    let line = sumLine(of: UnsafeRawBufferPointer(rebasing: bytes[..<bodyEnd]))
    guard bytes[bodyEnd...].elementsEqual(line.utf8) else { return nil }
    return bodyEnd
  }
}
