#!/usr/bin/env bash
# The scale table: how the cost of each operation grows, each beside its git (or
# coreutils) counterpart on the same data in the same run, printed as one Markdown table.
#
#   bench/run-all.sh                        scales 1,000, 10,000 and 100,000 (hours: it
#                                           builds 100,000-file and 100,000-commit repositories)
#   SCALES="1000 10000" bench/run-all.sh    fewer scales
#   HASH_MB=1024 BENCH_RUNS=9 REPS=5 MLGIT=/usr/local/bin/mlgit bench/run-all.sh
#   ONE_CORE=1 SCALES=10000 bench/run-all.sh    every command pinned to one CPU
#
# Rows: pre-commit with one changed spec at SCALE files (bench/precommit-bench.sh);
# check --range, audit (with its peak memory) at SCALE commits (history-bench.sh,
# audit-bench.sh); runs --all at SCALE notes: later listings, a first and a second one
# (runs-bench.sh); `mlgit run` hashing a HASH_MB file against sha256sum. Figures are
# medians of wall time and, for the history, audit and runs rows, of CPU time (user +
# system), printed with the machine's load
# average (wall time moves with the load, CPU time much less; the scripts run alone also
# print callgrind instruction counts, which do not move). Measures the binary
# ./install.sh installs unless MLGIT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
MLGIT=$(bench_mlgit)
export MLGIT
SCALES=${SCALES:-"1000 10000 100000"}
HASH_MB=${HASH_MB:-1024}
REPS=${REPS:-5}
export BENCH_RUNS=${BENCH_RUNS:-9}

rows=()
# row OPERATION MLGIT COUNTERPART RATIO LOAD [CPU: "mlgit ms / git ms"]
row() { rows+=("| $1 | $2 | $3 | $4 | ${6:--} | $([ -n "${6:-}" ] && cpu_ratio "$6" || echo -) | $5 |"); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else printf "n/a" }'; }
load() { cut -d' ' -f1 /proc/loadavg; }
cpu_ratio() { awk -F' / ' '{ a = $1 + 0; b = $2; sub(/^git /, "", b); b += 0; if (b > 0) printf "%.2fx", a / b; else printf "n/a" }' <<<"$1"; }

for n in $SCALES; do
  # Pre-commit: the first table precommit-bench prints is wall time.
  out=$(SIZES=$n bench/precommit-bench.sh 2>/dev/null)
  line=$(grep -E "^\| $n \| [0-9.]+ ms" <<<"$out" | head -1)
  ml=$(awk -F'|' '{ gsub(/ ms| /, "", $3); print $3 }' <<<"$line")
  gt=$(awk -F'|' '{ gsub(/ ms| /, "", $4); print $4 }' <<<"$line")
  row "pre-commit, $n files, one spec changed" "$ml ms" "git diff --cached --name-only: $gt ms" "$(ratio "$ml" "$gt")" "$(load)"

  # check --range over n commits (seconds, medians).
  out=$(INSTRUCTIONS=0 bench/history-bench.sh "$n" "$REPS" 2>/dev/null)
  ml=$(sed -n 's/^mlgit check --range: .*wall best [0-9.]*s median \([0-9.]*\)s.*/\1/p' <<<"$out")
  gt=$(sed -n 's/^git log --name-only: .*wall best [0-9.]*s median \([0-9.]*\)s.*/\1/p' <<<"$out")
  mc=$(sed -n 's/^mlgit check --range: .*cpu best [0-9.]*s median \([0-9.]*\)s.*/\1/p' <<<"$out")
  gc=$(sed -n 's/^git log --name-only: .*cpu best [0-9.]*s median \([0-9.]*\)s.*/\1/p' <<<"$out")
  row "check --range, $n commits" "${ml} s" "git log --name-only: ${gt} s" "$(ratio "$ml" "$gt")" "$(load)" "${mc} s / git ${gc} s"

  # audit over n commits, and its peak memory (maximum resident set, /usr/bin/time).
  out=$(bench/audit-bench.sh "$n" "$REPS" 2>/dev/null)
  ml=$(sed -n 's/^mlgit audit --format json: *median wall \([0-9]*\) ms.*/\1/p' <<<"$out")
  gt=$(sed -n 's/^git log --notes=mlgit\/runs --name-only: median wall \([0-9]*\) ms.*/\1/p' <<<"$out")
  mc=$(sed -n 's/^mlgit audit --format json: .*cpu \([0-9]*\) ms.*/\1/p' <<<"$out")
  gc=$(sed -n 's/^git log --notes=mlgit\/runs --name-only: .*cpu \([0-9]*\) ms.*/\1/p' <<<"$out")
  repo=$(ls -d bench/out/audit-"$n"-* 2>/dev/null | head -1)
  peak=$( (cd "$repo" && /usr/bin/time -f %M "$MLGIT" audit --format json 2>&1 >/dev/null) | tail -1)
  row "audit, $n commits (peak memory $((peak / 1024)) MB)" "$ml ms" "git log --notes=mlgit/runs --name-only: $gt ms" "$(ratio "$ml" "$gt")" "$(load)" "$mc ms / git $gc ms"

  # runs --all over n notes.
  out=$(INSTRUCTIONS=0 bench/runs-bench.sh "$n" 2>/dev/null)
  ml=$(sed -n 's/^mlgit runs --all (median of [0-9]*): *\([0-9]*\) ms/\1/p' <<<"$out")
  gt=$(sed -n 's/^git log --notes=mlgit\/runs --format=%H%n%N (median): \([0-9]*\) ms/\1/p' <<<"$out")
  mc=$(sed -n 's/^cpu (user + system, median): mlgit runs --all \([0-9]*\) ms.*/\1/p' <<<"$out")
  gc=$(sed -n 's/^cpu (user + system, median): .* git log \([0-9]*\) ms$/\1/p' <<<"$out")
  row "runs --all, $n notes" "$ml ms" "git log --notes=mlgit/runs: $gt ms" "$(ratio "$ml" "$gt")" "$(load)" "$mc ms / git $gc ms"
  cm=$(sed -n 's/^mlgit runs --all, nothing kept (median of [0-9]*): *\([0-9]*\) ms.*/\1/p' <<<"$out")
  cc=$(sed -n 's/^mlgit runs --all, nothing kept .* cpu \([0-9]*\) ms$/\1/p' <<<"$out")
  row "runs --all, $n notes, nothing kept" "$cm ms" "git log --notes=mlgit/runs: $gt ms" "$(ratio "$cm" "$gt")" "$(load)" "$cc ms / git $gc ms"
  sm=$(sed -n 's/^mlgit runs --all, second listing, keeping the notes (median of [0-9]*): *\([0-9]*\) ms.*/\1/p' <<<"$out")
  sc=$(sed -n 's/^mlgit runs --all, second listing, .* cpu \([0-9]*\) ms$/\1/p' <<<"$out")
  row "runs --all, $n notes, second listing (keeps the notes)" "$sm ms" "git log --notes=mlgit/runs: $gt ms" "$(ratio "$sm" "$gt")" "$(load)" "$sc ms / git $gc ms"
done

# mlgit run hashing HASH_MB of data named by the spec, against sha256sum on the same file.
bench_isolate
repo="$BENCH_ROOT/hash-repo"
rm -rf "$repo" && git init -q -b main "$repo"
mkdir -p "$repo/models" "$repo/data"
printf 'apiVersion: mlgit/v1\nname: m\nversion: 1.0.0\nowner: t\nfeatures: [income]\nhyperparameters: {seed: 1}\ndata:\n  train: {path: data/train.csv}\n' > "$repo/models/m.yaml"
printf 'data/\n' > "$repo/.gitignore"
head -c "$((HASH_MB * 1024 * 1024))" /dev/urandom > "$repo/data/train.csv"
git -C "$repo" add -A && git -C "$repo" commit -qm spec
(cd "$repo" && "$MLGIT" run -- true >/dev/null 2>&1) || { echo "run-all.sh: mlgit run failed in $repo" >&2; exit 1; }
a=() b=()
for _ in $(seq "$REPS"); do
  a+=("$(cd "$repo" && time_once_ms "$MLGIT" run -- true)")
  b+=("$(time_once_ms sha256sum "$repo/data/train.csv")")
done
ml=$(median_ms "${a[@]}") gt=$(median_ms "${b[@]}")
row "mlgit run, hashing $HASH_MB MB" "$ml ms" "sha256sum: $gt ms" "$(ratio "$ml" "$gt")" "$(load)"

echo "mlgit: $MLGIT; $(nproc) cores, $(bench_mode); medians ($BENCH_RUNS runs for pre-commit, $REPS for the rest)"
echo
echo "| operation | mlgit (wall) | counterpart (wall) | ratio (wall) | CPU (user + system) | ratio (CPU) | load average |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
