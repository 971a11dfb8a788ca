#!/usr/bin/env bash
# Peak memory (maximum resident set size, from /usr/bin/time -v) of mlgit's
# pre-commit hook with one big CSV staged under data/, beside `git diff --cached`
# on the same repository. The CSV's header names a protected attribute, so the
# hook must read its first line (data/protected-columns) and nothing more.
#   bench/bigfile-bench.sh                 300 MB and 2 GB (when the disk has room)
#   SIZES_MB="300" bench/bigfile-bench.sh
#   MLGIT=/usr/local/bin/mlgit bench/bigfile-bench.sh
# A file over git's core.bigFileThreshold (512 MiB) is written by `git add` straight
# into a pack, so the 2 GB case measures mlgit's packed read and the 300 MB one its
# loose read.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

SIZES_MB=${SIZES_MB:-"300 2000"}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mlgit=$(bench_mlgit)
bench_isolate
mkdir -p "$BENCH_ROOT"

# peak_kb CMD... : the command's maximum resident set size in kB (its output discarded).
peak_kb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}

echo "mlgit: $mlgit"
echo "git: $(git --version)"
echo
echo "| staged CSV | storage | mlgit hook pre-commit | git diff --cached | git diff --cached --name-only |"
echo "| --- | --- | --- | --- | --- |"
for mb in $SIZES_MB; do
  repo="$BENCH_ROOT/bigfile-$mb"
  rm -rf "$repo"
  # Room for the file, its compressed object and slack.
  free_mb=$(df -Pm "$BENCH_ROOT" | awk 'NR == 2 {print $4}')
  if [ "$free_mb" -lt $(( mb * 3 )) ]; then
    echo "| $mb MB | skipped: $free_mb MB free | | | |"
    continue
  fi
  git init -q -b main "$repo"
  git -C "$repo" commit -q --allow-empty -m init
  mkdir -p "$repo/data"
  python3 - "$repo/data/train.csv" "$mb" <<'EOF'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
chunk = "".join(f"{i},{i * 7 % 1000},{i % 2}\n" for i in range(100000)).encode()
with open(path, "wb") as f:
    f.write(b"income,race,defaulted\n")
    written = 0
    while written < mb * 1000000:
        f.write(chunk)
        written += len(chunk)
EOF
  git -C "$repo" add data/train.csv
  blob=$(git -C "$repo" rev-parse :data/train.csv)
  storage=loose
  [ -e "$repo/.git/objects/${blob:0:2}/${blob:2}" ] || storage=packed
  # Sanity: the hook reads the header and reports the column.
  (cd "$repo" && "$mlgit" hook pre-commit 2>&1 | grep -q "data/train.csv:1:8: warning: column 'race'") \
    || { echo "the hook did not report data/train.csv's header" >&2; exit 1; }
  hook=$(cd "$repo" && peak_kb "$mlgit" hook pre-commit)
  diff=$(cd "$repo" && peak_kb git diff --cached)
  names=$(cd "$repo" && peak_kb git diff --cached --name-only)
  awk -v mb="$mb" -v s="$storage" -v h="$hook" -v d="$diff" -v n="$names" \
    'BEGIN { printf "| %s MB | %s | %.1f MB | %.1f MB | %.1f MB |\n", mb, s, h / 1024, d / 1024, n / 1024 }'
  rm -rf "$repo"
done
