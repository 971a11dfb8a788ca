#!/usr/bin/env bash
# Measures mlgit's pre-commit hook with one changed spec against
# `git diff --cached --name-only` on the same repository, in the same run,
# on synthetic repositories of 1,000, 20,000 and 100,000 files: as the hook runs after its
# first run (what it keeps between runs read back), and with nothing kept.
#   bench/precommit-bench.sh              all three sizes
#   SIZES="100000" bench/precommit-bench.sh
#   MLGIT=/usr/local/bin/mlgit BENCH_RUNS=25 bench/precommit-bench.sh
#   MLGIT_BEFORE=/tmp/mlgit-old SIZES=1000 bench/precommit-bench.sh   also an older binary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

SIZES=${SIZES:-"1000 20000 100000"}
mlgit=$(bench_mlgit)
bench_isolate
mkdir -p "$BENCH_ROOT"

spec() { # name version depth
  printf 'apiVersion: mlgit/v1\nname: %s\nversion: %s\nowner: bench-team\nfeatures:\n  - income\n  - debt_ratio\n  - tenure_months\nhyperparameters:\n  learning_rate: 0.05\n  max_depth: %s\n  seed: 42\nvalidation:\n  metrics:\n    auc: {min: 0.7}\n' "$1" "$2" "$3"
}

# fast-import stream: 1% of files are specs under models/team-N/, the rest source files
# in folders of 100 files, as one commit.
make_repo() { # dir files
  local dir=$1 files=$2 specs=$(( $2 / 100 )) i
  rm -rf "$dir" && git init -q -b main "$dir"
  {
    echo "commit refs/heads/main"
    echo "committer Bench <bench@example.com> 1700000000 +0000"
    echo "data 5"; echo "bench"
    for ((i = 0; i < specs; i++)); do
      local content; content=$(spec "model-$i" "1.0.0" 6)
      echo "M 100644 inline models/team-$((i % 20))/model-$i.yaml"
      echo "data ${#content}"; echo "$content"
    done
    for ((i = 0; i < files - specs; i++)); do
      echo "M 100644 inline src/dir-$((i / 100))/file-$i.txt"
      echo "data ${#i}"; echo "$i"
    done
  } | git -C "$dir" fast-import --quiet
  git -C "$dir" read-tree HEAD      # an index (with its cache tree), as after a checkout
  # Stage one changed spec, as `git add` would.
  local blob; blob=$(spec "model-0" "1.0.1" 8 | git -C "$dir" hash-object -w --stdin)
  git -C "$dir" update-index --cacheinfo "100644,$blob,models/team-0/model-0.yaml"
}

echo "mlgit: $mlgit"
echo "git: $(git --version), runs per figure: $BENCH_RUNS (median)"
echo
for n in $SIZES; do
  repo="$BENCH_ROOT/precommit-$n"
  make_repo "$repo" "$n" >&2
  # Sanity: the hook sees the staged spec change and judges it (a version bump: no finding).
  (cd "$repo" && "$mlgit" check --staged --format json | grep -q '"errors" : 0') || { echo "unexpected findings in $repo" >&2; exit 1; }
  # The same repository where the hook can keep nothing between runs (`.git/mlgit` is a
  # file): every run lists HEAD's specs, as the first run in a fresh clone does.
  rm -rf "$repo-nothing-kept" && cp -a "$repo" "$repo-nothing-kept"
  rm -rf "$repo-nothing-kept/.git/mlgit" && : >"$repo-nothing-kept/.git/mlgit"
done

echo "Wall time (median of $BENCH_RUNS, interleaved):"
echo
echo "| files | mlgit hook pre-commit | git diff --cached --name-only | ratio |"
echo "| --- | --- | --- | --- |"
for n in $SIZES; do
  cd "$BENCH_ROOT/precommit-$n"
  [ -z "${MLGIT_BEFORE:-}" ] || compare "$n, before" -- "$MLGIT_BEFORE" hook pre-commit -- git diff --cached --name-only
  compare "$n" -- "$mlgit" hook pre-commit -- git diff --cached --name-only
  cd "$BENCH_ROOT/precommit-$n-nothing-kept"
  compare "$n, nothing kept" -- "$mlgit" hook pre-commit -- git diff --cached --name-only
  cd - >/dev/null
done

if command -v valgrind >/dev/null 2>&1; then
  counted=$(valgrind_copy "$mlgit")
  [ -z "${MLGIT_BEFORE:-}" ] || counted_before=$(valgrind_copy "$MLGIT_BEFORE")
  echo
  echo "Instructions executed (callgrind; the same on every run, whatever the load):"
  echo
  echo "| files | mlgit hook pre-commit | git diff --cached --name-only | ratio |"
  echo "| --- | --- | --- | --- |"
  for n in $SIZES; do
    cd "$BENCH_ROOT/precommit-$n"
    [ -z "${MLGIT_BEFORE:-}" ] ||
      compare_instructions "$n, before" -- "$counted_before" hook pre-commit -- git diff --cached --name-only
    compare_instructions "$n" -- "$counted" hook pre-commit -- git diff --cached --name-only
    cd "$BENCH_ROOT/precommit-$n-nothing-kept"
    compare_instructions "$n, nothing kept" -- "$counted" hook pre-commit -- git diff --cached --name-only
    cd - >/dev/null
  done
fi
