#!/usr/bin/env bash
# Times `mlgit check --range ROOT..HEAD` over a generated history against
# `git log --name-only ROOT..HEAD` over the same range, in the same run.
#
#   bench/history-bench.sh [COMMITS] [REPETITIONS]      (defaults: 10000, 5)
#   ONE_CORE=1 bench/history-bench.sh                   both commands pinned to one CPU
#
# The repository is built with `git fast-import` (seeded, so every run builds the same
# one) in bench/out/: SPECS model specs under models/ that change over time (version
# bumps, hyperparameter edits, now and then a revert to an earlier content), OTHER
# source files under src/, a few CSV files under data/, and a policy in .mlgit/ that
# changes twice. About a third of the commits touch a spec; the others touch source
# files. Measures the binary ./install.sh installs unless MLGIT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
reps=${2:-5}
specs=${SPECS:-300}
others=${OTHER:-2000}
# The binary ./install.sh installs, unless MLGIT names one (bench/lib.sh).
. bench/lib.sh
mlgit=$(bench_mlgit)
out=bench/out
repo=$out/history-$commits

if [ ! -d "$repo" ]; then
  rm -rf "$repo.tmp"
  mkdir -p "$repo.tmp"
  git -C "$repo.tmp" init -q -b main
  python3 bench/generate-history.py history "$commits" "$specs" "$others" | git -C "$repo.tmp" fast-import --quiet
  git -C "$repo.tmp" reset -q --hard main
  mv "$repo.tmp" "$repo"
fi

root=$(git -C "$repo" rev-list --max-parents=0 HEAD)
count=$(git -C "$repo" rev-list --count "$root..HEAD")

# "wall cpu" seconds of one run of a command in the repository (cpu: user + system,
# which a machine busy with other work disturbs less than the wall clock; bench/lib.sh).
timed() {
  (cd "$repo" && wall_cpu_us "$@") | awk '{ printf "%.3f %.3f\n", $1 / 1e6, $2 / 1e6 }'
}

stats() { # values... -> "best median"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f", v[1], m }'
}

abs_mlgit=$(cd "$(dirname "$mlgit")" && pwd)/$(basename "$mlgit")
git_wall=() git_cpu=() ml_wall=() ml_cpu=()
# One untimed run of each warms the page cache.
timed git log --name-only "$root..HEAD" >/dev/null
timed "$abs_mlgit" check --range "$root..HEAD" >/dev/null
for _ in $(seq "$reps"); do
  read -r wall cpu <<<"$(timed git log --name-only "$root..HEAD")"
  git_wall+=("$wall") git_cpu+=("$cpu")
  read -r wall cpu <<<"$(timed "$abs_mlgit" check --range "$root..HEAD")"
  ml_wall+=("$wall") ml_cpu+=("$cpu")
done
read -r gw_best gw_median <<<"$(stats "${git_wall[@]}")"
read -r gc_best gc_median <<<"$(stats "${git_cpu[@]}")"
read -r mw_best mw_median <<<"$(stats "${ml_wall[@]}")"
read -r mc_best mc_median <<<"$(stats "${ml_cpu[@]}")"
findings=$(cd "$repo" && "$abs_mlgit" check --range "$root..HEAD" 2>&1 | tail -1 || true)

echo "history: $count commits in $root..HEAD, $specs specs, $others other files ($repo)"
echo "machine: $(nproc) cores, $(bench_mode), load average $(cut -d' ' -f1-3 /proc/loadavg), $reps repetitions"
echo "git log --name-only:  wall best ${gw_best}s median ${gw_median}s; cpu best ${gc_best}s median ${gc_median}s"
echo "mlgit check --range:  wall best ${mw_best}s median ${mw_median}s; cpu best ${mc_best}s median ${mc_median}s"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }  # a tiny history can time 0
echo "ratio mlgit / git log: wall (best) $(ratio "$mw_best" "$gw_best"), wall (median) $(ratio "$mw_median" "$gw_median"), cpu (median) $(ratio "$mc_median" "$gc_median")"
echo "mlgit said: $findings"

# Instruction counts (callgrind; repeatable whatever else the machine runs). INSTRUCTIONS=0 skips.
if [ "${INSTRUCTIONS:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
  . bench/lib.sh
  mkdir -p "$BENCH_ROOT"
  nodebug=$(valgrind_copy "$abs_mlgit")
  git_ir=$(cd "$repo" && instructions git log --name-only "$root..HEAD")
  # check exits 1 (the history has policy errors): keep the count all the same.
  # Callgrind runs one thread at a time: the count is the work of both threads, the same
  # on one core as on two.
  ml_ir=$(cd "$repo" && instructions "$nodebug" check --range "$root..HEAD") || true
  echo "instructions: git log ${git_ir}, mlgit check ${ml_ir}, ratio $(awk -v a="$ml_ir" -v b="$git_ir" 'BEGIN { printf "%.2f", a / b }')"
fi
