#!/usr/bin/env bash
# mlgit's fixed costs: the size of the installed binary, and the start-up of
# `mlgit --version` and of `mlgit hook pre-commit` with nothing staged, each beside
# `git --version` (wall time, median of interleaved runs, and callgrind instructions).
#   bench/startup-bench.sh                      builds as ./install.sh does first
#   MLGIT=/usr/local/bin/mlgit BENCH_RUNS=41 bench/startup-bench.sh
#   MLGIT_BEFORE=/tmp/mlgit-old bench/startup-bench.sh   also an older binary, row by row
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

# What ./install.sh installs (bench/lib.sh), and the linked binary before strip.
mlgit=$(bench_mlgit)
built=$mlgit
if [ -z "${MLGIT:-}" ]; then built="$(cd "$here/.." && swift build -c release --static-swift-stdlib --show-bin-path)/mlgit"; fi
bench_isolate

mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.1f MB", b / 1e6}'; }
echo "mlgit: $built"
echo "git: $(git --version), runs per figure: $BENCH_RUNS (median)"
echo
echo "| binary | size |"
echo "| --- | --- |"
echo "| as linked | $(mb "$built") |"
echo "| installed (stripped) | $(mb "$mlgit") |"
echo "| git | $(mb "$(command -v git)") |"
before=${MLGIT_BEFORE:-}
[ -z "$before" ] || echo "| before ($before, installed) | $(mb "$before") |"

# A committed repository with nothing staged: the hook has nothing to check.
repo="$BENCH_ROOT/startup-repo"
rm -rf "$repo" && git init -q -b main "$repo"
mkdir -p "$repo/models" && printf 'apiVersion: mlgit/v1\nname: m\nversion: 1.0.0\nowner: t\n' > "$repo/models/m.yaml"
git -C "$repo" add -A && git -C "$repo" commit -qm init
cd "$repo"

echo
echo "Wall time (median of $BENCH_RUNS, interleaved):"
echo
echo "| command | mlgit | git --version | ratio |"
echo "| --- | --- | --- | --- |"
if [ -n "$before" ]; then
  compare "--version, before" -- "$before" --version -- git --version
fi
compare "--version" -- "$mlgit" --version -- git --version
if [ -n "$before" ]; then
  compare "hook pre-commit, nothing staged, before" -- "$before" hook pre-commit -- git --version
fi
compare "hook pre-commit, nothing staged" -- "$mlgit" hook pre-commit -- git --version

if command -v valgrind >/dev/null 2>&1; then
  echo
  echo "Instructions executed (callgrind):"
  echo
  echo "| command | mlgit | git --version | ratio |"
  echo "| --- | --- | --- | --- |"
  counted=$(valgrind_copy "$mlgit")
  if [ -n "$before" ]; then
    counted_before=$(valgrind_copy "$before")
    compare_instructions "--version, before" -- "$counted_before" --version -- git --version
  fi
  compare_instructions "--version" -- "$counted" --version -- git --version
  if [ -n "$before" ]; then
    compare_instructions "hook pre-commit, nothing staged, before" -- "$counted_before" hook pre-commit -- git --version
  fi
  compare_instructions "hook pre-commit, nothing staged" -- "$counted" hook pre-commit -- git --version
  echo
  echo "The dynamic loader, for --version (before main):"
  echo
  echo "| binary | shared libraries | symbol relocations | relative relocations | instructions |"
  echo "| --- | --- | --- | --- | --- |"
  [ -z "$before" ] || loader_row before "$before"
  loader_row now "$mlgit"
fi
