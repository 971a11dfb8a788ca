#!/usr/bin/env bash
# SHA-256 of one large data file, as `mlgit run` hashes the data a spec names, beside
# coreutils' sha256sum on the same file, in one run on the same machine state:
#   mlgit          the binary ./install.sh installs (or $MLGIT): OpenSSL's SHA-256 (CSHA256)
#   before         $MLGIT_BEFORE, if set: an older binary, row by row
#   sha256sum      coreutils, the reference
# `mlgit run -- true` hashes the file and records the run (a note), so its time is the
# hash plus mlgit's fixed costs (a few milliseconds).
#   bench/sha256-bench.sh               1 GiB
#   SIZE_MB=256 SHA_RUNS=3 MLGIT_BEFORE=/tmp/mlgit-old bench/sha256-bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

SIZE_MB=${SIZE_MB:-1024}
SHA_RUNS=${SHA_RUNS:-5}
mlgit=$(bench_mlgit)
before=${MLGIT_BEFORE:-}
mkdir -p "$BENCH_ROOT"

repo="$BENCH_ROOT/sha256-repo"
file="$repo/data/train.csv"
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -ne $((SIZE_MB << 20)) ]; then
  rm -rf "$repo" && git init -q -b main "$repo"
  mkdir -p "$repo/models" "$repo/data"
  printf 'apiVersion: mlgit/v1\nname: m\nversion: 1.0.0\nowner: t\nfeatures: [income]\nhyperparameters: {seed: 1}\ndata:\n  train: {path: data/train.csv}\n' >"$repo/models/m.yaml"
  printf 'data/\n' >"$repo/.gitignore"
  echo "writing $SIZE_MB MiB of seeded random bytes to $file..." >&2
  python3 - "$file" "$SIZE_MB" <<'PY'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261202)
with open(path, "wb") as f:
    for _ in range(mb):
        f.write(rng.randbytes(1 << 20))
PY
  git -C "$repo" add -A && git -C "$repo" commit -qm spec
fi

# The digest mlgit records must be sha256sum's (this also warms the page cache).
expected=$(sha256sum "$file" | cut -d' ' -f1)
for binary in "$mlgit" ${before:+"$before"}; do
  (cd "$repo" && "$binary" run -- true >/dev/null 2>&1) || { echo "sha256-bench.sh: $binary run failed in $repo" >&2; exit 1; }
  recorded=$(git -C "$repo" notes --ref=mlgit/runs show HEAD | grep -o '[0-9a-f]\{64\}' | tail -1)
  [ "$recorded" = "$expected" ] || { echo "sha256-bench.sh: $binary recorded $recorded, sha256sum gives $expected" >&2; exit 1; }
done

now=() old=() coreutils=()
for ((i = 0; i < SHA_RUNS; i++)); do
  now+=("$(cd "$repo" && time_once_ms "$mlgit" run -- true)")
  [ -z "$before" ] || old+=("$(cd "$repo" && time_once_ms "$before" run -- true)")
  coreutils+=("$(time_once_ms sha256sum "$file")")
done
mn=$(median_ms "${now[@]}"); mc=$(median_ms "${coreutils[@]}")
rate() { awk -v ms="$1" -v mb="$SIZE_MB" 'BEGIN {printf "%.0f", mb / (ms / 1000)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

echo "file: $SIZE_MB MiB (page cache warm), median of $SHA_RUNS runs, digest $expected"
echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), sha_ni: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
echo
echo "| what | time | MiB/s | time / sha256sum |"
echo "| --- | --- | --- | --- |"
if [ -n "$before" ]; then
  mo=$(median_ms "${old[@]}")
  echo "| \`mlgit run -- true\`, before ($before) | $mo ms | $(rate "$mo") | $(ratio "$mo" "$mc")x |"
fi
echo "| \`mlgit run -- true\` ($mlgit) | $mn ms | $(rate "$mn") | $(ratio "$mn" "$mc")x |"
echo "| sha256sum ($(sha256sum --version | head -1)) | $mc ms | $(rate "$mc") | 1.00x |"
