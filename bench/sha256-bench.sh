#!/usr/bin/env bash
# SHA-256 of one large file, three ways, in one run on the same machine state:
#   before   the hand-written Swift SHA-256 mlgit used before swift-crypto (its source
#            read from git history at $OLD_REV)
#   mlgit    mlgit's SHA256Digest.hex(of:) as it is in this checkout (swift-crypto)
#   sha256sum coreutils, the reference
# Both Swift versions are built with -c release into a small package under $BENCH_ROOT,
# each in its own module, and read the file the way mlgit reads data files.
#   bench/sha256-bench.sh               1 GiB
#   SIZE_MB=256 SHA_RUNS=3 bench/sha256-bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/lib.sh"

SIZE_MB=${SIZE_MB:-1024}
SHA_RUNS=${SHA_RUNS:-5}
# The last commit with the hand-written implementation: the parent of the one that removed it.
if [ -z "${OLD_REV:-}" ]; then
  if git -C "$root" cat-file -e HEAD:Sources/MLSpec/StreamingSHA256.swift 2>/dev/null; then
    OLD_REV=$(git -C "$root" rev-parse --short HEAD)
  else
    OLD_REV=$(git -C "$root" rev-parse --short "$(git -C "$root" rev-list -1 HEAD -- Sources/MLSpec/StreamingSHA256.swift)^")
  fi
fi
mkdir -p "$BENCH_ROOT"

pkg="$BENCH_ROOT/sha256-bench"
rm -rf "$pkg/Sources"
mkdir -p "$pkg/Sources/Before" "$pkg/Sources/After" "$pkg/Sources/sha256-bench"
cat >"$pkg/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
  name: "sha256-bench",
  dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "4.5.2")],
  targets: [
    .target(name: "Before"),
    .target(name: "After", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
    .executableTarget(name: "sha256-bench", dependencies: ["Before", "After"]),
  ],
  swiftLanguageModes: [.v5]
)
SWIFT
git -C "$root" show "$OLD_REV:Sources/MLSpec/StreamingSHA256.swift" >"$pkg/Sources/Before/StreamingSHA256.swift"
# SHA256.hexDigits, without the JSONValue extension (MLSpec's, not needed here).
git -C "$root" show "$OLD_REV:Sources/MLSpec/SHA256.swift" | sed '/^extension JSONValue/,$d' >"$pkg/Sources/Before/SHA256.swift"
sed '/^extension JSONValue/,$d' "$root/Sources/MLSpec/SHA256Digest.swift" >"$pkg/Sources/After/SHA256Digest.swift"
cat >"$pkg/Sources/sha256-bench/main.swift" <<'SWIFT'
import After
import Before
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3, let handle = FileHandle(forReadingAtPath: arguments[2]) else {
  FileHandle.standardError.write(Data("usage: sha256-bench before|mlgit FILE\n".utf8))
  exit(2)
}
print(arguments[1] == "before" ? try Before.StreamingSHA256.hex(of: handle) : try After.SHA256Digest.hex(of: handle))
SWIFT
echo "building the benchmark (release)..." >&2
(cd "$pkg" && swift build -c release >&2)
bin="$(cd "$pkg" && swift build -c release --show-bin-path)/sha256-bench"

file="$BENCH_ROOT/sha256-$SIZE_MB.bin"
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -ne $((SIZE_MB << 20)) ]; then
  echo "writing $SIZE_MB MiB of seeded random bytes to $file..." >&2
  python3 - "$file" "$SIZE_MB" <<'PY'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261202)
with open(path, "wb") as f:
    for _ in range(mb):
        f.write(rng.randbytes(1 << 20))
PY
fi

# The three must agree (this also warms the page cache).
a=$("$bin" before "$file"); b=$("$bin" mlgit "$file"); c=$(sha256sum "$file" | cut -d' ' -f1)
if [ "$a" != "$b" ] || [ "$b" != "$c" ]; then
  echo "digests differ: before $a, mlgit $b, sha256sum $c" >&2
  exit 1
fi

before=() after=() coreutils=()
for ((i = 0; i < SHA_RUNS; i++)); do
  before+=("$(time_once_ms "$bin" before "$file")")
  after+=("$(time_once_ms "$bin" mlgit "$file")")
  coreutils+=("$(time_once_ms sha256sum "$file")")
done
mb=$(median_ms "${before[@]}"); ma=$(median_ms "${after[@]}"); mc=$(median_ms "${coreutils[@]}")
rate() { awk -v ms="$1" -v mb="$SIZE_MB" 'BEGIN {printf "%.0f", mb / (ms / 1000)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

echo "file: $SIZE_MB MiB (page cache warm), median of $SHA_RUNS runs, digest $b"
echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), sha_ni: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
echo
echo "| implementation | time | MiB/s | time / sha256sum |"
echo "| --- | --- | --- | --- |"
echo "| hand-written Swift ($OLD_REV) | $mb ms | $(rate "$mb") | $(ratio "$mb" "$mc")x |"
echo "| swift-crypto (mlgit now) | $ma ms | $(rate "$ma") | $(ratio "$ma" "$mc")x |"
echo "| sha256sum ($(sha256sum --version | head -1)) | $mc ms | $(rate "$mc") | 1.00x |"
echo
echo "swift-crypto is $(ratio "$mb" "$ma")x faster than the hand-written code"
