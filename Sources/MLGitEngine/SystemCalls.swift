#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// The system calls whose names mlgit's types also give to methods (`StandardError.write`,
// `HookInstaller.unlink`, `OpenFile.read`): inside those types the bare name finds the
// method, so they call these.

/// `read(2)`.
func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}

/// `write(2)`.
func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}

/// `unlink(2)`.
func systemUnlink(_ path: String) -> Int32 { unlink(path) }
