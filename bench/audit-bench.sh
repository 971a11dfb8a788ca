#!/usr/bin/env bash
# Times `mlgit audit --format json` against `git log --notes=mlgit/runs --name-only` on
# the same generated repository, in the same run, and prints the medians and their ratio.
#
#   bench/audit-bench.sh [COMMITS] [REPETITIONS]      (defaults: 10000, 7)
#   SPECS=200 OTHER=2000 MLGIT=path/to/mlgit bench/audit-bench.sh
#   ONE_CORE=1 bench/audit-bench.sh           both commands pinned to one CPU
#
# The repository is built once with `git fast-import` (seeded, so every run builds the
# same one) in bench/out/: SPECS model specs under models/ whose versions, features and
# hyperparameters change over time (now and then a revert to an earlier content), OTHER
# source files under src/, a few CSV files under data/, a policy in .mlgit/ that
# changes twice, one training run (refs/notes/mlgit/runs) on every commit, and
# approvals (refs/notes/mlgit/reviews) on a third of the spec versions. About a third of
# the commits touch a spec. Measures the binary ./install.sh installs unless MLGIT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
reps=${2:-7}
specs=${SPECS:-200}
others=${OTHER:-2000}
out=bench/out
repo=$out/audit-$commits-$specs
export GIT_CONFIG_NOSYSTEM=1 HOME="$PWD/$out/home" NO_COLOR=1
mkdir -p "$HOME"
# The binary ./install.sh installs, unless MLGIT names one (bench/lib.sh).
. bench/lib.sh
MLGIT=$(bench_mlgit)

if [ ! -d "$repo" ]; then
  rm -rf "$repo.tmp"
  mkdir -p "$repo.tmp"
  git -C "$repo.tmp" init -q -b main
  python3 bench/generate-history.py audit "$commits" "$specs" "$others" | git -C "$repo.tmp" fast-import --quiet
  git -C "$repo.tmp" reset -q --hard main
  git -C "$repo.tmp" gc -q
  mv "$repo.tmp" "$repo"
fi

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { # command... -> "wall_ms cpu_ms" of one run (output discarded); cpu = user + system
  wall_cpu_us "$@" | awk '{ printf "%d %d\n", $1 / 1000, $2 / 1000 }'
}

abs_mlgit=$(cd "$(dirname "$MLGIT")" && pwd)/$(basename "$MLGIT")
cd "$repo"
count=$(git rev-list --count HEAD)
notes=$(git notes --ref=mlgit/runs list | wc -l)
reviews=$(git notes --ref=mlgit/reviews list | wc -l)
summary=$("$abs_mlgit" audit --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"])')
# Warm the page cache, then alternate the two commands.
timed git log --notes=mlgit/runs --name-only >/dev/null
timed "$abs_mlgit" audit --format json >/dev/null
gw=() gc=() mw=() mc=()
for _ in $(seq "$reps"); do
  read -r wall cpu <<<"$(timed git log --notes=mlgit/runs --name-only)"
  gw+=("$wall") gc+=("$cpu")
  read -r wall cpu <<<"$(timed "$abs_mlgit" audit --format json)"
  mw+=("$wall") mc+=("$cpu")
done
gwm=$(printf '%s\n' "${gw[@]}" | median) gcm=$(printf '%s\n' "${gc[@]}" | median)
mwm=$(printf '%s\n' "${mw[@]}" | median) mcm=$(printf '%s\n' "${mc[@]}" | median)
echo "repository: $count commits, $specs specs, $others other files, $notes run notes, $reviews approvals ($repo)"
echo "machine: $(nproc) cores, $(bench_mode), load average $(cut -d' ' -f1-3 /proc/loadavg), $reps repetitions"
echo "audit summary: $summary"
echo "git log --notes=mlgit/runs --name-only: median wall ${gwm} ms, cpu ${gcm} ms (wall: ${gw[*]})"
echo "mlgit audit --format json:              median wall ${mwm} ms, cpu ${mcm} ms (wall: ${mw[*]})"
awk -v a="$mwm" -v b="$gwm" -v c="$mcm" -v d="$gcm" 'BEGIN { printf "ratio mlgit audit / git log: wall %.2fx, cpu %.2fx (goal: 2x)\n", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }'
