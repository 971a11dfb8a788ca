#!/usr/bin/env bash
# Times `mlgit runs --all` against `git log --notes=mlgit/runs --format=%H%n%N` on the
# same repository: COMMITS commits (default 10,000), each with one run record in
# refs/notes/mlgit/runs, built with git fast-import (which writes git's notes fanout).
#
#   bench/runs-bench.sh [COMMITS]        # builds mlgit in release mode first
#   MLGIT=/path/to/mlgit bench/runs-bench.sh
#   ONE_CORE=1 bench/runs-bench.sh       both commands pinned to one CPU
#
# Prints the median wall and CPU times of REPEAT (default 7) runs of each, and their ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
repeat=${REPEAT:-7}
# The binary ./install.sh installs, unless MLGIT names one (bench/lib.sh).
. bench/lib.sh
MLGIT=$(bench_mlgit)
out=bench/out
repo="$out/runs-$commits"
export GIT_CONFIG_NOSYSTEM=1 HOME="$PWD/$out/home"
mkdir -p "$HOME"

if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo"
  git init -q -b main "$repo"
  python3 - "$commits" <<'PY' | git -C "$repo" fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout
def data(text):
    raw = text.encode()
    out.write("data %d\n" % len(raw)); out.flush()
    sys.stdout.buffer.write(raw); out.write("\n")
t = 1700000000
for i in range(1, n + 1):
    out.write("commit refs/heads/main\nmark :%d\n" % i)
    out.write("committer Bench <bench@example.com> %d +0000\n" % (t + i))
    data("commit %d\n" % i)
    if i > 1:
        out.write("from :%d\n" % (i - 1))
    out.write("M 644 inline file.txt\n"); data("content %d\n" % i)
    out.write("\n")
out.write("commit refs/notes/mlgit/runs\ncommitter Bench <bench@example.com> %d +0000\n" % (t + n + 1))
data("Notes added by bench\n")
for i in range(1, n + 1):
    record = ('{"command":"python train.py","commit":"","data":{},"dirty":false,"exit":0,'
              '"finished":"2026-01-01T00:%02d:%02dZ","host":"bench","id":"%012x","metrics":{"auc":0.%04d,"loss":0.25},'
              '"model":"credit-risk","params":{"max_depth":6,"seed":42},"schema":"mlgit.run/1",'
              '"started":"2026-01-01T00:%02d:%02dZ","user":"bench@example.com"}') % (
        (i // 60) % 60, i % 60, i, i % 10000, (i // 60) % 60, i % 60)
    out.write("N inline :%d\n" % i); data(record + "\n")
out.write("\n")
PY
  git -C "$repo" gc -q
fi

# Both commands must see every run before their times mean anything.
listed=$(cd "$repo" && "$MLGIT" runs --all | wc -l)
shown=$(cd "$repo" && git log --notes=mlgit/runs --format=%N | grep -c '^{')
if [ "$listed" != "$commits" ] || [ "$shown" != "$commits" ]; then
  echo "expected $commits runs; mlgit runs --all listed $listed, git log showed $shown" >&2
  exit 1
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk '{ printf "%d\n", $1 / 1000 }'; }

# Interleaved, so that both see the same machine state. Each line: wall and CPU in µs.
# mlgit runs as it does after its second listing (the run notes it kept read back,
# docs/runs.md); each round also times a first listing, with nothing kept (the file
# removed first: it keeps only a mark), and the second, which keeps the notes.
(cd "$repo" && "$MLGIT" runs --all >/dev/null) # a second listing (the check above was the first): the notes kept
: > "$out/runs-times.mlgit"; : > "$out/runs-times.git"; : > "$out/runs-times.json"
: > "$out/runs-times.cold"; : > "$out/runs-times.second"
for _ in $(seq "$repeat"); do
  (cd "$repo" && wall_cpu_us "$MLGIT" runs --all) >> "$out/runs-times.mlgit"
  (cd "$repo" && wall_cpu_us git log --notes=mlgit/runs --format=%H%n%N) >> "$out/runs-times.git"
  (cd "$repo" && wall_cpu_us "$MLGIT" runs --all --format json) >> "$out/runs-times.json"
  rm -f "$repo/.git/mlgit/run-notes"
  (cd "$repo" && wall_cpu_us "$MLGIT" runs --all) >> "$out/runs-times.cold"
  (cd "$repo" && wall_cpu_us "$MLGIT" runs --all) >> "$out/runs-times.second"
done
mlgit_ms=$(cut -d' ' -f1 "$out/runs-times.mlgit" | median | ms)
git_ms=$(cut -d' ' -f1 "$out/runs-times.git" | median | ms)
json_ms=$(cut -d' ' -f1 "$out/runs-times.json" | median | ms)
mlgit_cpu=$(cut -d' ' -f2 "$out/runs-times.mlgit" | median | ms)
git_cpu=$(cut -d' ' -f2 "$out/runs-times.git" | median | ms)
json_cpu=$(cut -d' ' -f2 "$out/runs-times.json" | median | ms)
cold_ms=$(cut -d' ' -f1 "$out/runs-times.cold" | median | ms)
cold_cpu=$(cut -d' ' -f2 "$out/runs-times.cold" | median | ms)
second_ms=$(cut -d' ' -f1 "$out/runs-times.second" | median | ms)
second_cpu=$(cut -d' ' -f2 "$out/runs-times.second" | median | ms)
rm -f "$out"/runs-times.*
echo "commits with a run:                                $commits"
echo "mlgit runs --all (median of $repeat):                  ${mlgit_ms} ms"
echo "mlgit runs --all --format json (median of $repeat):    ${json_ms} ms"
echo "git log --notes=mlgit/runs --format=%H%n%N (median): ${git_ms} ms"
awk -v a="$mlgit_ms" -v b="$git_ms" 'BEGIN { printf "ratio mlgit / git log:                             %.2fx\n", (b > 0 ? a / b : 0) }'
echo "cpu (user + system, median): mlgit runs --all ${mlgit_cpu} ms, --format json ${json_cpu} ms, git log ${git_cpu} ms"
awk -v a="$mlgit_cpu" -v b="$git_cpu" 'BEGIN { printf "ratio mlgit / git log, cpu:                        %.2fx\n", (b > 0 ? a / b : 0) }'
echo "mlgit runs --all, nothing kept (median of $repeat): ${cold_ms} ms, cpu ${cold_cpu} ms"
awk -v a="$cold_cpu" -v b="$git_cpu" 'BEGIN { printf "ratio mlgit nothing kept / git log, cpu:           %.2fx\n", (b > 0 ? a / b : 0) }'
echo "mlgit runs --all, second listing, keeping the notes (median of $repeat): ${second_ms} ms, cpu ${second_cpu} ms"
awk -v a="$second_cpu" -v b="$git_cpu" 'BEGIN { printf "ratio mlgit second listing / git log, cpu:         %.2fx\n", (b > 0 ? a / b : 0) }'
echo "machine: $(nproc) cores, $(bench_mode), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Instruction counts (callgrind; repeatable whatever else the machine runs). INSTRUCTIONS=0 skips.
if [ "${INSTRUCTIONS:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
  . bench/lib.sh
  mkdir -p "$BENCH_ROOT"
  nodebug=$(valgrind_copy "$MLGIT")
  git_ir=$(cd "$repo" && instructions git log --notes=mlgit/runs --format=%H%n%N)
  ml_ir=$(cd "$repo" && instructions "$nodebug" runs --all) || true
  echo "instructions: git log ${git_ir}, mlgit runs --all ${ml_ir}, ratio $(awk -v a="$ml_ir" -v b="$git_ir" 'BEGIN { printf "%.2f", a / b }')"
fi
