#!/usr/bin/env bash
# Times `mlgit check --staged` on a spec with 1,000 features, against the same check
# on a 10-feature spec, and against the 1,000-feature spec with features/protected and
# features/proxy turned off, so the cost of judging feature names shows on its own.
#
#   bench/features-bench.sh [RUNS]        (default 20 runs each)
#   MLGIT=/path/to/mlgit bench/features-bench.sh
#
# Uses .build/release/mlgit when built (swift build -c release), else .build/debug/mlgit.
# Prints the median and the fastest wall-clock time of each case, in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
root=$(pwd)
mlgit=${MLGIT:-}
if [[ -z $mlgit ]]; then
  if [[ -x .build/release/mlgit ]]; then mlgit=$root/.build/release/mlgit; else mlgit=$root/.build/debug/mlgit; fi
fi
[[ -x $mlgit ]] || { echo "no mlgit binary at $mlgit; run swift build first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
mkdir -p "$HOME"

# spec FILE N: a spec with N features; one in four a protected attribute, one in four a
# proxy, the rest benign, each name distinct and several words long.
spec() {
  local file=$1 n=$2 i
  {
    printf 'apiVersion: mlgit/v1\nname: wide-model\nversion: 1.0.0\nowner: bench\nfeatures:\n'
    for ((i = 0; i < n; i++)); do
      case $((i % 4)) in
        0) printf '  - applicant_race_code_%d\n' "$i" ;;
        1) printf '  - customerZipCode%d\n' "$i" ;;
        2) printf '  - average_monthly_balance_%d\n' "$i" ;;
        3) printf '  - page-views-last-30-days-%d\n' "$i" ;;
      esac
    done
    printf 'hyperparameters:\n  max_depth: 6\n'
  } > "$file"
}

repo() { # DIR N [CONFIG]
  git init -q -b main "$1"
  git -C "$1" config user.name bench
  git -C "$1" config user.email bench@example.com
  if [[ -n ${3:-} ]]; then
    mkdir -p "$1/.mlgit"
    printf '%s' "$3" > "$1/.mlgit/config.yml"
    git -C "$1" add -A
    git -C "$1" commit -q -m policy
  fi
  mkdir -p "$1/models"
  spec "$1/models/wide.yaml" "$2"
  git -C "$1" add -A
}

now_ns() { date +%s%N; }

measure() { # DIR -> prints "median fastest" in ms
  local dir=$1 times=() i start end
  (cd "$dir" && "$mlgit" check --staged > /dev/null 2>&1) || true # warm the page cache
  for ((i = 0; i < runs; i++)); do
    start=$(now_ns)
    (cd "$dir" && "$mlgit" check --staged > /dev/null 2>&1) || true
    end=$(now_ns)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f %.1f\n", a[int((NR + 1) / 2)] / 1000, a[1] / 1000 }'
}

repo "$work/small" 10
repo "$work/wide" 1000
repo "$work/off" 1000 $'apiVersion: mlgit/v1\nrules:\n  features/protected: off\n  features/proxy: off\n'
findings=$(cd "$work/wide" && "$mlgit" check --staged --format json 2>/dev/null | grep -c '"rule"' || true)
read -r small_median small_min < <(measure "$work/small")
read -r wide_median wide_min < <(measure "$work/wide")
read -r off_median off_min < <(measure "$work/off")
echo "mlgit: $mlgit"
echo "runs: $runs each"
echo "10 features:    median ${small_median} ms, fastest ${small_min} ms"
echo "1,000 features: median ${wide_median} ms, fastest ${wide_min} ms ($findings findings: 250 protected, 250 proxy)"
echo "1,000 features, feature rules off: median ${off_median} ms, fastest ${off_min} ms"
awk -v a="$wide_median" -v b="$small_median" 'BEGIN { printf "cost of 990 more features: %.1f ms (median difference)\n", a - b }'
awk -v a="$wide_median" -v b="$off_median" -v c="$wide_min" -v d="$off_min" \
  'BEGIN { printf "cost of judging 1,000 feature names and reporting 500 findings: %.1f ms (median difference), %.1f ms (fastest)\n", a - b, c - d }'
